/** The ports a NetworkPolicy opens for a URL: the probe's egress and Kodus' egress under defaultDeny. */
import { httpsPorts, urlPort } from "../../constructs/kubernetes/network-policies";

test.each([
  ["https://llm.chutes.ai/v1", 443],
  ["https://llm.example.com:8443/v1", 8443],
  ["http://localhost/v1", 80],
  ["http://127.0.0.1:8080/v1", 8080],
])("urlPort(%s) is %d", (url, port) => {
  expect(urlPort(url)).toBe(port);
});

test.each([
  ["https://llm.chutes.ai/v1", [443]],
  ["https://llm.chutes.ai:443/v1", [443]],
  ["https://llm.example.com:8443/v1", [443, 8443]],
  ["http://localhost/v1", [443, 80]],
])("Kodus' egress for %s opens %j", (url, ports) => {
  expect(httpsPorts(url)).toEqual(ports);
});
