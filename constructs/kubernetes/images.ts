/**
 * Image references with a mirror registry and digests applied (config kubernetes.images; the
 * chart's kodus.mirrored/kodus.image helpers follow the same rule).
 */

export interface ImageSettings {
  /** Mirror host (and optional path) replacing every image's registry. @default undefined (original registries) */
  readonly registry?: string;
  /** Digests pinning images, by Kodus component. @default {} */
  readonly digests?: Readonly<Record<string, string | undefined>>;
}

/**
 * `image` pulled through `registry`: its registry host (ghcr.io, quay.io, localhost:5000 ...;
 * docker.io when it has none, where official images live under library/) is replaced.
 */
export function mirrored(image: string, registry?: string): string {
  if (!registry) return image;
  const mirror = registry.replace(/\/+$/, "");
  const parts = image.split("/");
  const first = parts[0];
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost"))
    return `${mirror}/${parts.slice(1).join("/")}`;
  if (parts.length === 1) return `${mirror}/library/${image}`;
  return `${mirror}/${image}`;
}

/** `repository:tag`, mirrored, plus `@digest` when one pins it (the tag then only informs readers). */
export function imageRef(repository: string, tag: string, settings: ImageSettings, component?: string): string {
  const ref = mirrored(`${repository}:${tag}`, settings.registry);
  return pinned(ref, component === undefined ? undefined : settings.digests?.[component]);
}

/** `ref` pinned with `@digest` when one is given (the tag stays for readers; the runtime ignores it). */
export function pinned(ref: string, digest: string | undefined): string {
  return digest ? `${ref}@${digest}` : ref;
}
