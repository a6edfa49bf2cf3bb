// One lint setup for the whole workspace. It enforces what STYLE.md asks for: the dependency
// rule (clients import @maestro/protocol, never the worker; protocol imports only zod), no `any`,
// no floating promises, type-only imports, console only in log.ts, JSON.parse only where frames
// and SSE are decoded, and kebab-case (or PascalCase component) file names.
import js from "@eslint/js";
import checkFile from "eslint-plugin-check-file";
import globals from "globals";
import tseslint from "typescript-eslint";

const workerImport = {
  group: ["**/worker/**", "@maestro/worker", "@maestro/worker/**"],
  message: "Clients talk to the Worker over the wire; share types through @maestro/protocol instead.",
};

const jsonParseBan = {
  selector: "CallExpression[callee.object.name='JSON'][callee.property.name='parse']",
  message: "Decode peer input with decodeFrame()/parseJson() from @maestro/protocol (STYLE §2.7).",
};

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      ".tsbuild/**",
      ".wrangler/**",
      ".maestro/**",
      "migrations/**",
      "**/*.d.ts",
      // The two bins are three-line launchers outside any TypeScript project.
      "local-agent/bin/**",
      "tui/bin/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { "check-file": checkFile },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/only-throw-error": "error",
      // Durable Object and handler methods are async by contract, awaited or not.
      "@typescript-eslint/require-await": "off",
      "no-console": "error",
      "no-restricted-syntax": ["error", jsonParseBan],
      "check-file/filename-naming-convention": [
        "error",
        { "**/*.{ts,js}": "KEBAB_CASE", "**/*.tsx": "PASCAL_CASE" },
        { ignoreMiddleExtensions: true },
      ],
    },
  },
  // The dependency rule, per package (DESIGN §1).
  {
    files: ["web/**", "tui/**", "local-agent/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [workerImport] }] },
  },
  {
    files: ["protocol/src/**"],
    ignores: ["protocol/src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!zod$|\\.{1,2}/).*", message: "protocol depends on zod only." }, workerImport] },
      ],
    },
  },
  // The sanctioned exceptions.
  // End-to-end tests start the whole product as a user would, through the local dev harness.
  { files: ["web/e2e/**", "tui/e2e/**"], rules: { "no-restricted-imports": "off" } },
  { files: ["worker/src/log.ts", "local-agent/src/log.ts"], rules: { "no-console": "off" } },
  { files: ["protocol/src/codec.ts", "worker/src/providers/sse.ts"], rules: { "no-restricted-syntax": "off" } },
  // Tests, tooling and local scripts: Node programs that may print and read JSON they wrote.
  {
    files: [
      "**/*.test.ts",
      "**/*.test.tsx",
      "worker/test/**",
      "worker/local/**",
      "**/vitest.config.ts",
      "**/vite.config.ts",
      "**/drizzle.config.ts",
      "eslint.config.js",
      "bench/**",
      "scripts/**",
    ],
    rules: {
      "no-console": "off",
      "no-restricted-syntax": "off",
      "@typescript-eslint/unbound-method": "off",
      // expect.any(), expect.stringContaining() and friends are typed `any`.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  // React components in web and tui are PascalCase.tsx; their entry points are the exception.
  { files: ["web/src/main.tsx", "tui/src/cli.tsx"], rules: { "check-file/filename-naming-convention": "off" } },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
