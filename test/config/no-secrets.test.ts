/** The config refuses a Chutes key anywhere: the property test at every 10th place of the full configs (all of them in test:e2e). */
import { defineNoSecretsConfigTests } from "./no-secrets.cases";

defineNoSecretsConfigTests(10);
