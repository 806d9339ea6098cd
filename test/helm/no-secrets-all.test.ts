/** The chart refuses a Chutes key in its values: every place of the full values (about 200 helm renders, test:e2e). */
import { defineNoSecretsTests } from "./no-secrets.cases";

defineNoSecretsTests(1);
