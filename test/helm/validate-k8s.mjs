// @ts-check
/**
 * Validates Kubernetes objects against the Kubernetes OpenAPI schemas with kubernetes-models.
 * kubernetes-models ships ES modules only, which jest (CommonJS here) cannot load, so the
 * tests run this file in a plain Node process: a JSON array of objects on stdin, a JSON array
 * of {kind, name, error} on stdout (error null when valid). An object whose kind has no model
 * is reported as an error too, so nothing passes unvalidated.
 */

/** @param {string} apiVersion @param {string} kind */
function modulePath(apiVersion, kind) {
  // Core objects live under "v1", the others under "<group>/<version>".
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  /** @type {Array<{apiVersion: string, kind: string, metadata?: {name?: string}}>} */
  const objects = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = [];
  for (const obj of objects) {
    const name = obj.metadata?.name ?? "";
    let error = null;
    try {
      const mod = await import(modulePath(obj.apiVersion, obj.kind));
      const Model = mod[obj.kind];
      if (typeof Model !== "function") throw new Error(`no kubernetes-models class for ${obj.apiVersion} ${obj.kind}`);
      new Model(obj).validate();
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    results.push({ kind: obj.kind, name, error });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(2);
});
