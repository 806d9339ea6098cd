// Lint rules for the TypeScript sources, tests and scripts (typescript-eslint's recommended set).
// Formatting is Prettier's job (npm run format); these rules catch mistakes, not style.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "cdktf.out.*/", ".tools/", ".gen/", "coverage/", "helm/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      // Heavy modules (provider bindings, cron-parser) are required lazily on purpose, so start-up
      // only pays for what a run uses.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);
