/**
 * A Kubernetes Secret whose data Terraform writes but never stores: `data_wo` (Terraform 1.11+)
 * takes the values, typically references to ephemeral variables, so no value reaches the plan or
 * the state. Terraform cannot see a write-only change, so `revision` says when to rewrite it.
 */
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { componentLabels, type LabelProps } from "./labels";

export interface WriteOnlySecretProps {
  readonly namespace: string;
  /** Object name. */
  readonly name: string;
  readonly labels: LabelProps;
  /** Value of the app.kubernetes.io/component label. */
  readonly component: string;
  /** Key → value (a Terraform reference). */
  readonly data: Readonly<Record<string, string>>;
  /** A number reference (e.g. the secrets_revision variable); a new value rewrites the data. */
  readonly revision: number;
  /** What must be in place first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

export class WriteOnlySecret extends Construct {
  readonly secret: SecretV1;
  /** The Secret's name, as a reference (so readers depend on it). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: WriteOnlySecretProps) {
    super(scope, id);
    this.secret = new SecretV1(this, "secret", {
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels(props.labels, props.component) },
      type: "Opaque",
      dataWo: { ...props.data },
      dataWoRevision: props.revision,
      dependsOn: props.dependsOn?.length ? props.dependsOn : undefined,
    });
    setAddress(this.secret, addressOf(this));
    this.name = this.secret.metadata.name;
  }
}
