/**
 * The plain environment of the Kodus components: one ConfigMap per component, exactly the
 * contract's plain variables for it (contract/kodus-env.ts). Each map's digest is computed by
 * Terraform, so a changed value that is only known at plan time (a host variable) still rolls the
 * component's pods when the digest is put on their template.
 */
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { COMPONENTS, type Component } from "../../contract/components";
import { plainEnvFor, type KodusEnvSettings } from "../../contract/kodus-env";
import { addressOf, setAddress } from "../addresses";
import { componentLabels, type LabelProps } from "./labels";

export interface KodusEnvConfigMapsProps {
  readonly namespace: string;
  readonly labels: LabelProps;
  readonly settings: KodusEnvSettings;
  /** The components deployed. @default every component of the contract */
  readonly components?: readonly Component[];
}

export interface EnvConfigMap {
  /** The ConfigMap's name, as a reference. */
  readonly name: string;
  /** sha256 of its data, computed by Terraform. */
  readonly hash: string;
}

export class KodusEnvConfigMaps extends Construct {
  private readonly maps = {} as Record<Component, EnvConfigMap>;

  constructor(scope: Construct, id: string, props: KodusEnvConfigMapsProps) {
    super(scope, id);
    for (const component of props.components ?? COMPONENTS) {
      const map = new ConfigMapV1(this, component, {
        metadata: {
          name: `kodus-${component}-env`,
          namespace: props.namespace,
          labels: componentLabels(props.labels, component),
        },
        data: plainEnvFor(component, props.settings),
      });
      setAddress(map, addressOf(this, { suffix: component }));
      this.maps[component] = { name: map.metadata.name, hash: Fn.sha256(Fn.jsonencode(map.data)) };
    }
  }

  /** The ConfigMap of one component. */
  of(component: Component): EnvConfigMap {
    return this.maps[component];
  }
}
