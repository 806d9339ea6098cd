/**
 * The secrets revision: a whole-number Terraform variable `secrets_revision` (default 1) that
 * `npm run secrets -- rotate NAME` bumps in the var file. What a bump does is the stack's
 * business (its `description`). Each stack also shows it as its `secrets_revision` output; the
 * output stays a direct child of the stack, so `cdktf deploy --outputs-file` keeps its flat key.
 */
import { TerraformOutput, TerraformVariable, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { setAddress } from "./addresses";
import { SECRETS_REVISION_VARIABLE } from "../contract/secrets";

export interface SecretsRevisionProps {
  /** What bumping the revision does in this stack (the variable's description). */
  readonly description: string;
}

export class SecretsRevision extends Construct {
  /** The revision, as a number reference. */
  readonly value: number;
  /** The revision as a string reference (`${var.secrets_revision}`), e.g. for annotations and names. */
  readonly ref: string;

  constructor(scope: Construct, id: string, props: SecretsRevisionProps) {
    super(scope, id);
    const variable = new TerraformVariable(this, "variable", {
      type: "number",
      default: 1,
      nullable: false,
      description: props.description,
      validation: [
        {
          condition: `\${var.${SECRETS_REVISION_VARIABLE} >= 1 && floor(var.${SECRETS_REVISION_VARIABLE}) == var.${SECRETS_REVISION_VARIABLE}}`,
          errorMessage: `${SECRETS_REVISION_VARIABLE} must be a whole number >= 1.`,
        },
      ],
    });
    setAddress(variable, SECRETS_REVISION_VARIABLE);
    this.value = variable.numberValue;
    this.ref = `\${var.${SECRETS_REVISION_VARIABLE}}`;
  }

  /** The stack's `secrets_revision` output (which rotation is deployed), created in the stack itself. */
  addOutput(stack: TerraformStack): void {
    new TerraformOutput(stack, "secrets-revision-output", {
      value: this.value,
      description: "Secrets revision deployed (npm run secrets -- rotate NAME bumps it)",
    }).overrideLogicalId(SECRETS_REVISION_VARIABLE);
  }
}
