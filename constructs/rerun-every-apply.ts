import { TerraformResource, anyToHclTerraform, hashMapperHcl } from "cdktf";
import type { Construct } from "constructs";
import { setAddress } from "./addresses";

/**
 * Terraform's built-in `terraform_data` resource (Terraform 1.4+), holding only
 * `triggers_replace`. Not cdktf's DataResource: that one adds a synth-time validation that runs
 * `terraform version` on the machine that synthesizes, so `npm run synth` failed where no
 * Terraform is installed (a PR-review job, say) and every synth paid for a child process. The
 * Terraform that deploys checks the version itself.
 */
export class ReplaceTrigger extends TerraformResource {
  static readonly tfResourceType = "terraform_data";

  constructor(
    scope: Construct,
    id: string,
    private readonly triggers: Readonly<Record<string, string>>,
  ) {
    super(scope, id, { terraformResourceType: ReplaceTrigger.tfResourceType, terraformGeneratorMetadata: { providerName: "terraform" } });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: { ...this.triggers } };
  }

  /** For `cdktf synth --hcl`, as cdktf's own terraform_data writes it. */
  protected synthesizeHclAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapperHcl(anyToHclTerraform)({ ...this.triggers }) };
  }
}

/**
 * Makes `resource` be replaced on every apply: a terraform_data whose trigger is timestamp()
 * (unknown at plan time) is named in its replace_triggered_by. Used for the Chutes preflight.
 */
export function rerunOnEveryApply(scope: Construct, resource: TerraformResource, triggerId: string): ReplaceTrigger {
  const trigger = setAddress(new ReplaceTrigger(scope, "every-apply", { at: "${timestamp()}" }), triggerId);
  // A bare reference: cdktf's replaceTriggeredBy writes "${...}", which Terraform's JSON syntax rejects.
  resource.addOverride("lifecycle.replace_triggered_by", [`${ReplaceTrigger.tfResourceType}.${trigger.friendlyUniqueId}`]);
  return trigger;
}
