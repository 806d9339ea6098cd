/**
 * The environment that sends a Kodus container's outbound HTTP(S) through a corporate proxy
 * (config `kodus.proxy`): HTTP_PROXY, HTTPS_PROXY and NO_PROXY, each also in lower case (Node
 * HTTP clients differ in which form they read). NO_PROXY gets the hosts every deployment reaches
 * directly appended to yours: localhost, 127.0.0.1 and the hosts Kodus calls over HTTP inside
 * the deployment (the API, the MCP manager; on Kubernetes also `.svc` and `.cluster.local`).
 */

export interface ProxySettings {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy: readonly string[];
}

/** The names this sets, upper and lower case (refused as extra env while a proxy is set). */
export const PROXY_ENV_NAMES = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"] as const;

/** Name/value pairs in a fixed order; none without a proxy. */
export function proxyEnv(proxy: ProxySettings | undefined, internalHosts: readonly string[]): { name: string; value: string }[] {
  if (!proxy) return [];
  const noProxy = [...new Set([...proxy.noProxy, "localhost", "127.0.0.1", ...internalHosts])].join(",");
  const pairs: [string, string | undefined][] = [
    ["HTTP_PROXY", proxy.httpProxy],
    ["HTTPS_PROXY", proxy.httpsProxy],
    ["NO_PROXY", noProxy],
  ];
  const upper = pairs.filter((p): p is [string, string] => p[1] !== undefined).map(([name, value]) => ({ name, value }));
  return [...upper, ...upper.map((e) => ({ name: e.name.toLowerCase(), value: e.value }))];
}
