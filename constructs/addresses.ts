/**
 * Readable Terraform addresses: `kubernetes_deployment_v1.api` rather than cdktf's default
 * `api_deployment_1A2B3C4D`, so plans, reviews and `terraform state` commands read like the
 * deployment. A construct names its resources from its own id (and a role when it has several of
 * one type), so the same construct can be used twice in a stack under two ids.
 *
 * cdktf merges two resources of one type with the same logical ID into one without a word;
 * {@link setAddress} refuses that instead.
 */
import { TerraformStack, type TerraformElement } from "cdktf";
import type { IConstruct } from "constructs";

const taken = new WeakMap<TerraformStack, Map<string, string>>();

/** The address name for a construct's resource: its id, or `<id>-<suffix>` when it has several of one type. */
export function addressOf(scope: IConstruct, role?: { readonly suffix: string }): string {
  return role ? `${scope.node.id}-${role.suffix}` : scope.node.id;
}

/**
 * Gives `element` the logical ID `name` (its Terraform address within its type).
 * @throws when another element of the same type in the same stack already has it
 */
export function setAddress<T extends TerraformElement>(element: T, name: string): T {
  const stack = TerraformStack.of(element);
  const kind = (element as { terraformResourceType?: string }).terraformResourceType ?? element.constructor.name;
  let names = taken.get(stack);
  if (!names) taken.set(stack, (names = new Map()));
  const key = `${kind}.${name}`;
  const holder = names.get(key);
  if (holder !== undefined && holder !== element.node.path) {
    throw new Error(`Two resources would share the Terraform address ${key} in stack ${stack.node.id}: ${holder} and ${element.node.path}`);
  }
  names.set(key, element.node.path);
  element.overrideLogicalId(name);
  return element;
}
