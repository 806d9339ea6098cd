import { Fn, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { SECRET_FORMAT_PATTERNS, SECRET_INPUTS, type SecretInput, type SecretInputName } from "../contract/secrets";

export interface SecretVariablesProps {
  /**
   * Declare the variables ephemeral (Terraform >= 1.10): their values then never reach a plan
   * file or the state. Only possible where every use is write-only (the Kubernetes Secret).
   * @default false
   */
  readonly ephemeral?: boolean;
  /** The inputs to declare (contract/secrets.ts secretInputsFor). @default every input */
  readonly inputs?: readonly SecretInputName[];
}

/**
 * One sensitive Terraform variable per secret input, each validated against the format Kodus
 * requires. Values come from a var file or TF_VAR_* at plan time, never from synth.
 */
export class SecretVariables extends Construct {
  private readonly variables = new Map<SecretInputName, TerraformVariable>();

  constructor(scope: Construct, id: string, props: SecretVariablesProps = {}) {
    super(scope, id);
    for (const input of (SECRET_INPUTS as readonly (SecretInput & { variable: SecretInputName })[]).filter(
      (i) => props.inputs?.includes(i.variable) ?? true,
    )) {
      const pattern = SECRET_FORMAT_PATTERNS[input.format];
      const matches = `can(regex(${JSON.stringify(pattern.regex)}, var.${input.variable}))`;
      const variable = new TerraformVariable(this, input.variable, {
        type: "string",
        sensitive: true,
        nullable: false,
        // Optional inputs default to empty: Kodus ignores an empty variable.
        ...(input.optional ? { default: "" } : {}),
        description: `${input.description}. Format: ${pattern.allowed}.`,
        validation: [
          {
            condition: input.optional ? `\${var.${input.variable} == "" || ${matches}}` : `\${${matches}}`,
            errorMessage: `${input.variable} must be ${pattern.allowed}.`,
          },
        ],
      });
      variable.overrideLogicalId(input.variable);
      if (props.ephemeral) variable.addOverride("ephemeral", true);
      this.variables.set(input.variable, variable);
    }
  }

  /** A reference (`${var.name}`) to the variable's value. */
  ref(name: SecretInputName): string {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`secret input ${name} is not declared in this stack`);
    return variable.stringValue;
  }

  /** The inputs declared. */
  get names(): SecretInputName[] {
    return [...this.variables.keys()];
  }

  /** An expression: `value` when it is not empty, else `fallback` (both Terraform expressions). */
  static orElse(value: string, fallback: string): string {
    // Terraform's coalesce skips null and empty strings.
    return Fn.coalesce([value, fallback]);
  }

  /** The same reference, URL-encoded by Terraform (for passwords inside URIs). */
  static urlEncode(expr: string): string {
    return Fn.urlencode(expr);
  }
}
