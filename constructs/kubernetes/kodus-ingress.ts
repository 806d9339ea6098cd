/**
 * One Ingress for the two public Kodus components: the web UI on its host and the webhooks
 * service (called by git providers) on its own, both with TLS when a certificate Secret is named.
 */
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { componentLabels, type LabelProps } from "./labels";

export interface IngressBackend {
  /** Host name this backend is served on (any host when unset). */
  readonly host?: string;
  readonly serviceName: string;
  readonly port: number;
}

export interface KodusIngressProps {
  readonly namespace: string;
  readonly labels: LabelProps;
  readonly web: IngressBackend;
  readonly webhooks: IngressBackend;
  /** @default undefined (the cluster's default class) */
  readonly className?: string;
  /** @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** TLS certificate Secret covering both hosts. @default undefined (no TLS) */
  readonly tlsSecretName?: string;
  /** Object name. @default "kodus" */
  readonly name?: string;
}

export class KodusIngress extends Construct {
  readonly ingress: IngressV1;

  constructor(scope: Construct, id: string, props: KodusIngressProps) {
    super(scope, id);
    const rule = (backend: IngressBackend) => ({
      host: backend.host,
      http: {
        path: [{ path: "/", pathType: "Prefix", backend: { service: { name: backend.serviceName, port: { number: backend.port } } } }],
      },
    });
    this.ingress = new IngressV1(this, "ingress", {
      metadata: {
        name: props.name ?? "kodus",
        namespace: props.namespace,
        labels: componentLabels(props.labels, "ingress"),
        annotations: { ...props.annotations },
      },
      spec: {
        ingressClassName: props.className,
        rule: [rule(props.web), rule(props.webhooks)],
        tls: props.tlsSecretName ? [{ hosts: [props.web.host!, props.webhooks.host!], secretName: props.tlsSecretName }] : undefined,
      },
    });
    setAddress(this.ingress, addressOf(this));
  }
}
