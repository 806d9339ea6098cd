/**
 * Walks plain data (a parsed config or chart values) and lists where a string could hide: every
 * string leaf and every map key, with its path. Used by the property tests that put a Chutes-key
 * shaped value at each such place.
 */

export type Path = readonly (string | number)[];
export interface Place {
  readonly path: Path;
  /** "value": the string at `path`; "key": the map key that is the last element of `path`. */
  readonly kind: "value" | "key";
}

export function places(data: unknown, skip: (path: Path) => boolean = () => false): Place[] {
  const out: Place[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (skip(path)) return;
    if (typeof value === "string") out.push({ path, kind: "value" });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        // Map keys of free-form maps and fixed keys alike: a pasted key can be either.
        out.push({ path: [...path, k], kind: "key" });
        walk(v, [...path, k]);
      }
    }
  };
  walk(data, []);
  return out;
}

/** A copy of `data` with `text` put at `place` (as the value, or as the map key keeping its value). */
export function putAt(data: unknown, place: Place, text: string): unknown {
  const copy = JSON.parse(JSON.stringify(data)) as Record<string | number, unknown>; // no shared references: one place changes one place
  const parent = place.path.slice(0, -1).reduce<any>((node, k) => node[k], copy);
  const last = place.path[place.path.length - 1];
  if (place.kind === "value") parent[last] = text;
  else {
    // Rebuild the map in the same order with the one key renamed.
    const entries = Object.entries(parent).map(([k, v]) => [k === String(last) ? text : k, v] as const);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) parent[k] = v;
  }
  return copy;
}
