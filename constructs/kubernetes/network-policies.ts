/**
 * A default deny for every pod of the deployment, plus the egress Kodus needs: DNS, the
 * deployment's own pods, HTTPS (Chutes, git providers) and external data stores. Ingress stays
 * with each component's own policy (KodusWorkload, BundledDataStores).
 */
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Construct } from "constructs";
import { APP_NAME, componentLabels, type LabelProps } from "./labels";

export interface DefaultDenyNetworkPolicyProps {
  readonly namespace: string;
  readonly labels: LabelProps;
  /** Namespace of the cluster DNS (matched by kubernetes.io/metadata.name). */
  readonly dnsNamespace: string;
  /** CIDRs reachable over HTTPS. */
  readonly httpsCidrs: readonly string[];
  /** TCP ports of HTTPS egress (443, plus the LLM base URL's own port if it has one). */
  readonly httpsPorts: readonly number[];
  /** External data stores: CIDRs and ports. @default undefined (bundled: in-deployment traffic) */
  readonly dataStores?: { readonly cidrs: readonly string[]; readonly ports: readonly number[] };
  /** Object name prefix. @default "kodus" */
  readonly namePrefix?: string;
}

export const NETWORK_POLICY_COMPONENT = "network-policy";

export class DefaultDenyNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: DefaultDenyNetworkPolicyProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? "kodus";
    const labels = componentLabels(props.labels, NETWORK_POLICY_COMPONENT);
    const release = { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/instance": props.labels.instance };
    const tcp = (ports: readonly number[]) => ports.map((port) => ({ port: String(port), protocol: "TCP" }));
    const blocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));

    new NetworkPolicyV1(this, "deny", {
      metadata: { name: `${prefix}-default-deny`, namespace: props.namespace, labels },
      spec: { podSelector: { matchLabels: release }, policyTypes: ["Ingress", "Egress"] },
    }).overrideLogicalId("default-deny");

    new NetworkPolicyV1(this, "egress", {
      metadata: { name: `${prefix}-egress`, namespace: props.namespace, labels },
      spec: {
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
        ],
      },
    }).overrideLogicalId("egress");
  }
}

/** 443, plus the URL's explicit port when it names another one. */
export function httpsPorts(baseUrl: string): number[] {
  const port = new URL(baseUrl).port;
  return port && port !== "443" ? [443, Number(port)] : [443];
}
