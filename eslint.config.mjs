import effectEslint from "@effect/eslint-plugin"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "build/**",
      "node_modules/**",
      // Mutation testing's sandbox and reports (npm run mutate)
      ".stryker-tmp/**",
      "reports/**",
      "bench/results.md",
      "**/*.md",
      // The Effect 4 edition is linted with the same rules, but not its build, its install, nor its
      // internal/core and internal/wiring, symlinks to src/internal/core and src/internal/wiring (linted once, where
      // they live).
      "effect4/dist/**",
      "effect4/node_modules/**",
      "effect4/src/internal/core/**",
      "effect4/src/internal/wiring/**"
    ]
  },
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    languageOptions: { parserOptions: { ecmaVersion: "latest", sourceType: "module" } },
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect", "@effect/platform"] }],
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off"
    }
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/bin.ts", "src/internal/cli/**"],
    rules: { "no-console": "error" }
  },
  {
    // Written as a package consumer would (smoke tests, the docs' examples): barrel imports, require() in CJS.
    files: ["scripts/smoke/**", "test/examples/**", "effect4/test/examples/**", "effect4/scripts/smoke/**"],
    rules: {
      "@effect/no-import-from-barrel-package": "off",
      "@typescript-eslint/no-require-imports": "off"
    }
  }
)
