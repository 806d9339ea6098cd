/**
 * A default deny for every pod of the deployment ({@link DefaultDenyNetworkPolicy}), and the
 * egress Kodus needs past it ({@link KodusEgressNetworkPolicy}): DNS, the deployment's own pods,
 * HTTPS (Chutes, git providers), external data stores and any extra rules. Ingress stays with each component's
 * own policy (KodusWorkload, BundledDataStores).
 */
import { NetworkPolicyV1, type NetworkPolicyV1Spec } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { APP_NAME, componentLabels, type LabelProps } from "./labels";

interface ReleasePolicyProps {
  readonly namespace: string;
  readonly labels: LabelProps;
}

export type DefaultDenyNetworkPolicyProps = ReleasePolicyProps;

export interface KodusEgressNetworkPolicyProps extends ReleasePolicyProps {
  /** Namespace of the cluster DNS (matched by kubernetes.io/metadata.name). */
  readonly dnsNamespace: string;
  /** CIDRs reachable over HTTPS. */
  readonly httpsCidrs: readonly string[];
  /** TCP ports of HTTPS egress (443, plus the LLM base URL's own port if it has one). */
  readonly httpsPorts: readonly number[];
  /** External data stores: CIDRs and ports. @default undefined (bundled: in-deployment traffic) */
  readonly dataStores?: { readonly cidrs: readonly string[]; readonly ports: readonly number[] };
  /** More egress, one rule each (a git server or proxy on its own ports). @default [] */
  readonly extra?: readonly { readonly cidr: string; readonly ports: readonly number[] }[];
}

export const NETWORK_POLICY_COMPONENT = "network-policy";

/** Every pod of the release (any component). */
const releasePods = (labels: LabelProps) => ({ "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/instance": labels.instance });

function releasePolicy(scope: Construct, props: ReleasePolicyProps, spec: NetworkPolicyV1Spec): NetworkPolicyV1 {
  const policy = new NetworkPolicyV1(scope, "policy", {
    metadata: {
      name: `kodus-${scope.node.id}`,
      namespace: props.namespace,
      labels: componentLabels(props.labels, NETWORK_POLICY_COMPONENT),
    },
    spec,
  });
  return setAddress(policy, addressOf(scope));
}

/** Denies all ingress and egress of the release's pods that no other policy allows. */
export class DefaultDenyNetworkPolicy extends Construct {
  readonly policy: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: DefaultDenyNetworkPolicyProps) {
    super(scope, id);
    this.policy = releasePolicy(this, props, {
      podSelector: { matchLabels: releasePods(props.labels) },
      policyTypes: ["Ingress", "Egress"],
    });
  }
}

/** The egress every pod of the release needs under a default deny. */
export class KodusEgressNetworkPolicy extends Construct {
  readonly policy: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: KodusEgressNetworkPolicyProps) {
    super(scope, id);
    const release = releasePods(props.labels);
    const tcp = (ports: readonly number[]) => ports.map((port) => ({ port: String(port), protocol: "TCP" }));
    const blocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    this.policy = releasePolicy(this, props, {
      podSelector: { matchLabels: release },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": props.dnsNamespace } } }],
          ports: [
            { port: "53", protocol: "UDP" },
            { port: "53", protocol: "TCP" },
          ],
        },
        { to: [{ podSelector: { matchLabels: release } }] },
        { to: blocks(props.httpsCidrs), ports: tcp(props.httpsPorts) },
        ...(props.dataStores ? [{ to: blocks(props.dataStores.cidrs), ports: tcp(props.dataStores.ports) }] : []),
        ...(props.extra ?? []).map((rule) => ({ to: blocks([rule.cidr]), ports: tcp(rule.ports) })),
      ],
    });
  }
}

/** The TCP port a URL connects to: its explicit port, else 80 for http and 443 for https. */
export function urlPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === "http:" ? 80 : 443;
}

/** 443, plus the port the URL connects to when it is another one. */
export function httpsPorts(baseUrl: string): number[] {
  const port = urlPort(baseUrl);
  return port === 443 ? [443] : [443, port];
}
