/**
 * One rule over the whole config file, whatever its sections: no string anywhere (a value or a
 * map key, free-form maps such as annotations and labels included, and any section added later)
 * may contain a Chutes API key. The key belongs in the var file `npm run secrets` writes; in the
 * config it would be written into cdk.tf.json, the chart's values or a commit. The shape is the
 * one `npm run secrets` checks (contract/secrets.ts), not a broad "long base64" guess that would
 * refuse CA bundles or image digests.
 */
import { CHUTES_KEY_SEARCH, maskChutesKeys } from "../contract/secrets";

export interface KeyShapedField {
  /** Where it is: keys and list indexes from the top of the file; a key-shaped map key is the last element. */
  readonly path: readonly (string | number)[];
  /** True when the map key itself holds the key (its value may be anything). */
  readonly isMapKey: boolean;
}

/** Every value and map key of `data` that contains a Chutes key, in document order. */
export function keyShapedFields(data: unknown): KeyShapedField[] {
  const found: KeyShapedField[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === "string") {
      if (CHUTES_KEY_SEARCH.test(value)) found.push({ path, isMapKey: false });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (CHUTES_KEY_SEARCH.test(key)) found.push({ path: [...path, key], isMapKey: true });
        walk(child, [...path, key]);
      }
    }
  };
  walk(data, []);
  return found;
}

/** A dotted path as the config's error lines show it, any key-shaped part masked. */
export function showPath(path: readonly (string | number)[]): string {
  return maskChutesKeys(path.map(String).join("."));
}

export const KEY_SHAPED_PROBLEM =
  'looks like a Chutes API key ("cpk_" and three dot-separated parts; value not shown): the key goes in the var file written by `npm run secrets` (or TF_VAR_chutes_api_key), never in the config';
export const KEY_SHAPED_MAP_KEY_PROBLEM =
  "is a map key that looks like a Chutes API key (not shown): the key goes in the var file written by `npm run secrets` (or TF_VAR_chutes_api_key), never in the config";

/** One problem line per key-shaped field, in the loader's `path: message` format. */
export function keyShapedProblems(data: unknown): { readonly path: readonly (string | number)[]; readonly line: string }[] {
  return keyShapedFields(data).map((f) => ({
    path: f.path,
    line: `${showPath(f.path)}: ${f.isMapKey ? KEY_SHAPED_MAP_KEY_PROBLEM : KEY_SHAPED_PROBLEM}`,
  }));
}
