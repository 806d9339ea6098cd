/**
 * A stand-in Kubernetes API server for `helm template --dry-run=server`, so the chart's
 * `lookup` calls run for real without a cluster. It answers discovery for the kinds the chart
 * renders and GET of single objects from a set the test controls; everything else is 404.
 * Control (from the test process): PUT /__objects with a JSON array of objects replaces the
 * set; GET /__requests lists the paths helm asked for. Prints its port on stdout.
 */
// @ts-check
import http from "node:http";

/** @type {Record<string, [string, string, boolean?][]>} */
const GROUPS = {
  v1: [["secrets", "Secret"], ["configmaps", "ConfigMap"], ["services", "Service"], ["serviceaccounts", "ServiceAccount"], ["pods", "Pod"], ["namespaces", "Namespace", false]],
  "apps/v1": [["deployments", "Deployment"], ["statefulsets", "StatefulSet"]],
  "batch/v1": [["jobs", "Job"], ["cronjobs", "CronJob"]],
  "networking.k8s.io/v1": [["networkpolicies", "NetworkPolicy"], ["ingresses", "Ingress"]],
  "policy/v1": [["poddisruptionbudgets", "PodDisruptionBudget"]],
  "autoscaling/v2": [["horizontalpodautoscalers", "HorizontalPodAutoscaler"]],
  "external-secrets.io/v1": [["externalsecrets", "ExternalSecret"]],
};
/** @param {string} gv */
const resourceList = (gv) => ({
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: gv,
  resources: GROUPS[gv].map(([name, kind, namespaced = true]) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ["get", "list", "create", "update", "patch", "delete"] })),
});
const plural = Object.fromEntries(Object.values(GROUPS).flat().map(([name, kind]) => [kind, name]));

/** @typedef {{ apiVersion: string, kind: string, metadata: { name: string, namespace?: string } }} Obj */
/** @type {Obj[]} */
let objects = [];
/** @type {string[]} */
const requests = [];
/** @param {Obj} o */
const pathOf = (o) => {
  const gv = o.apiVersion;
  const base = gv === "v1" ? "/api/v1" : `/apis/${gv}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : "";
  return `${base}${ns}/${plural[o.kind]}/${o.metadata.name}`;
};

const server = http.createServer((req, res) => {
  /** @param {number} code @param {unknown} body */
  const send = (code, body) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const path = (req.url ?? "").split("?")[0];
  /** @type {Buffer[]} */
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (path === "/__objects" && req.method === "PUT") {
      objects = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      requests.length = 0;
      return send(200, { count: objects.length });
    }
    if (path === "/__requests") return send(200, requests);
    requests.push(`${req.method} ${path}`);
    if (path === "/version") return send(200, { major: "1", minor: "31", gitVersion: "v1.31.0" });
    if (path === "/api") return send(200, { kind: "APIVersions", versions: ["v1"] });
    if (path === "/apis") {
      const groups = Object.keys(GROUPS)
        .filter((gv) => gv !== "v1")
        .map((gv) => {
          const [name, version] = gv.split("/");
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        });
      return send(200, { kind: "APIGroupList", apiVersion: "v1", groups });
    }
    if (path === "/api/v1") return send(200, resourceList("v1"));
    const group = path.match(/^\/apis\/(.+\/v[0-9a-z]+)$/);
    if (group && GROUPS[group[1]]) return send(200, resourceList(group[1]));
    const found = req.method === "GET" && objects.find((o) => pathOf(o) === path);
    if (found) return send(200, found);
    send(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: `${path} not found` });
  });
});
server.listen(0, "127.0.0.1", () => console.log(/** @type {import("node:net").AddressInfo} */ (server.address()).port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
