/** The config refuses a Chutes key anywhere: the property test at every place of the full configs (~3,000 parses, test:e2e). */
import { defineNoSecretsConfigTests } from "./no-secrets.cases";

defineNoSecretsConfigTests(1);
