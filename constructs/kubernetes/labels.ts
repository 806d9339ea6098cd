/** Recommended `app.kubernetes.io/*` labels for every object of the Kodus deployment. */
export const APP_NAME = "kodus";

export interface LabelProps {
  /** app.kubernetes.io/instance. */
  readonly instance: string;
  /** app.kubernetes.io/version (the Kodus image tag). */
  readonly version: string;
}

/** The labels that select one component's pods (stable across versions). */
export function selectorLabels(instance: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": APP_NAME,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": component,
  };
}

/** All recommended labels for one component. */
export function componentLabels(props: LabelProps, component: string): Record<string, string> {
  return {
    ...selectorLabels(props.instance, component),
    "app.kubernetes.io/part-of": APP_NAME,
    "app.kubernetes.io/version": props.version,
    "app.kubernetes.io/managed-by": "terraform",
  };
}
