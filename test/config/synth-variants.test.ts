/**
 * The stack variants the CDK Terrain parity check synthesizes (scripts/synth-variants.ts) are
 * valid configs: checked here in npm test, because check:cdktn (CI only) would otherwise be the
 * first to find a variant that a new config rule refuses.
 */
import { parseConfig } from "../../config/load";
import { VARIANTS } from "../../scripts/synth-variants";

test.each(Object.entries(VARIANTS))("%s is a valid config", (name, input) => {
  expect(() => parseConfig(input, `variant ${name}`)).not.toThrow();
});
