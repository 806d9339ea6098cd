/**
 * The images the Docker stack runs, as `build-standins` in scripts/docker-engine.sh needs them:
 * one line per image, `<kind> <repository:tag> <port>` (kind: kodus or a data store's name).
 * Read from contract/ and the config (KODUS_CONFIG, as `npm run synth` does), so the stand-ins
 * carry exactly the names and ports the synthesized stack uses.
 */
import { KODUS_COMPONENTS, COMPONENTS } from "../contract/components";
import { DATA_STORE_IMAGES, DATA_STORE_PORTS } from "../contract/data-stores";
import { loadConfig, resolveConfigPath } from "../config/load";
import * as path from "node:path";

const config = loadConfig(resolveConfigPath(process.env, path.resolve(__dirname, ".."), process.cwd()));
const lines = new Map<string, string>();
for (const component of COMPONENTS) {
  const { image, port } = KODUS_COMPONENTS[component];
  const name = `${image}:${config.kodus.version}`;
  const seen = lines.get(name);
  // Components sharing an image (the analytics worker runs the worker's) must share its port.
  if (seen && seen !== `kodus ${name} ${port}`) throw new Error(`${name}: two ports in contract/components.ts`);
  lines.set(name, `kodus ${name} ${port}`);
}
for (const store of Object.keys(DATA_STORE_IMAGES) as (keyof typeof DATA_STORE_IMAGES)[]) {
  lines.set(DATA_STORE_IMAGES[store], `${store} ${DATA_STORE_IMAGES[store]} ${DATA_STORE_PORTS[store]}`);
}
process.stdout.write([...lines.values()].join("\n") + "\n");
