/**
 * How the `trustlint` bin (dist/cli.js, written by scripts/postbuild.mjs) starts the CLI: it runs
 * the bundled CLI (dist/src/cli/cli.bundle.cjs) through V8's code cache, the bytecode of the
 * functions a lint uses, saved at build time (dist/src/cli/cli.bundle.cache). A cold start then
 * skips parsing and compiling most of the half a megabyte of JavaScript: what trustlint adds to
 * Node's own start-up went from about 74 ms to 43 ms (`npm run bench`, docs/performance.md). Node 20 has no code cache for ES
 * modules, hence a CommonJS bundle run as a `vm.Script`, as Node's own `require` would run it.
 *
 * Nothing is written at run time. V8 refuses a cache made by another V8 version or with other V8
 * flags (`cachedDataRejected`), but checks neither the bytes of the cache nor those of the source
 * (only its length): the cache file therefore starts with a SHA-256 of the bundle and the cache,
 * and one that does not match (damaged, or left from another build) is not given to V8. Either
 * way the bundle is then compiled as usual: the cache only ever saves time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What the bundle exports: the CLI's `run`. */
export interface CliBundle {
  main(argv: string[]): Promise<number>;
}

export interface LoadedBundle {
  exports: CliBundle;
  /** Whether V8 used the code cache: none found, used, or refused (and the bundle compiled). */
  cache: 'none' | 'used' | 'rejected';
  /** The compiled bundle: after a run, `codeCache()` gives the cache file (the build does this). */
  script: Script;
  /** The bundle's bytes, which the cache's digest covers. */
  source: Buffer;
}

const DIGEST_BYTES = 32;

function digest(source: Buffer, data: Uint8Array): Buffer {
  return createHash('sha256').update(source).update(data).digest();
}

/** Runs the CommonJS bundle at `bundle` with the code cache at `cacheFile`, when there is one. */
export function loadBundle(bundle: string, cacheFile: string): LoadedBundle {
  const source = readFileSync(bundle);
  let cachedData: Buffer | undefined;
  let refused = false;
  try {
    const file = readFileSync(cacheFile);
    const data = file.subarray(DIGEST_BYTES);
    if (file.length > DIGEST_BYTES && digest(source, data).equals(file.subarray(0, DIGEST_BYTES))) cachedData = data;
    else refused = true;
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: bundle, cachedData });
  const module = { exports: {} as CliBundle };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const cache = refused || (cachedData !== undefined && script.cachedDataRejected) ? 'rejected' : cachedData === undefined ? 'none' : 'used';
  return { exports: module.exports, cache, script, source };
}

/** The cache file for a loaded bundle, with the functions compiled so far: digest, then V8's data. */
export function codeCache(loaded: LoadedBundle): Buffer {
  const data = loaded.script.createCachedData();
  return Buffer.concat([digest(loaded.source, data), data]);
}
