import { DataResource, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { setAddress } from "./addresses";

/**
 * Makes `resource` be replaced on every apply: a terraform_data whose trigger is timestamp()
 * (unknown at plan time) is named in its replace_triggered_by. Used for the Chutes preflight.
 */
export function rerunOnEveryApply(scope: Construct, resource: TerraformResource, triggerId: string): DataResource {
  const trigger = new DataResource(scope, "every-apply", { triggersReplace: { at: "${timestamp()}" } });
  setAddress(trigger, triggerId);
  // A bare reference: cdktf's replaceTriggeredBy writes "${...}", which Terraform's JSON syntax rejects.
  resource.addOverride("lifecycle.replace_triggered_by", [`${DataResource.tfResourceType}.${trigger.friendlyUniqueId}`]);
  return trigger;
}
