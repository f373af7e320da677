import { defineConfig } from 'tsup';

// Each command file is bundled with what it imports (core, gitbeaker, ky, yaml), so a cold
// start reads a few files instead of hundreds. oclif itself and the lazily loaded heavy parts
// (Kubernetes client, ssh2) stay external. tsc still emits the types (build script).
const banner = {
  js: "import { createRequire as __glkeysCreateRequire } from 'node:module'; const require = __glkeysCreateRequire(import.meta.url);",
};

export default defineConfig([
  {
    entry: ['src/commands/**/*.ts', 'src/hooks/*.ts', 'src/help.ts', 'src/index.ts'],
    outDir: 'dist',
    format: ['esm'],
    bundle: true,
    splitting: true,
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    external: ['@oclif/core', '@kubernetes/client-node', 'ssh2', '@glkeys/core/kubernetes'],
    // Bundled CommonJS dependencies (qs, bcrypt-pbkdf) call require(); give ESM one.
    banner,
    // ci-gen is bundled too, so it shares the one bundled copy of core (client, error classes);
    // its schema package (Ajv + GitLab's schema file) stays external, a dependency of the CLI.
    noExternal: ['@glkeys/core', '@glkeys/ci-gen', '@gitbeaker/core', '@gitbeaker/requester-utils', 'ky', 'yaml'],
  },
  {
    // The fast path (src/fast-path): one self-contained file with the read-only commands'
    // bodies and `@glkeys/core/read`, so `token list` starts without oclif, gitbeaker or ky.
    // oclif stays external: importing it from here would be a bug the tests catch.
    entry: { 'fast-path': 'src/fast-path/index.ts' },
    outDir: 'dist',
    format: ['esm'],
    bundle: true,
    splitting: false,
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    external: ['@oclif/core'],
    noExternal: ['@glkeys/core'],
    banner,
  },
]);
