/** The chart refuses a Chutes key in its values: every 15th place of the full values (the rest in test:e2e). */
import { defineNoSecretsTests } from "./no-secrets.cases";

defineNoSecretsTests(15);
