/**
 * The bin's start-up (src/cli/bin.ts): the CLI bundle run through V8's code cache made at build time.
 */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCache, loadBundle } from '../src/cli/bin.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trustlint-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS bundle like the CLI's: it exports `main`, and may require modules beside it. */
function bundle(name: string): string {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(join(dir, 'helper.cjs'), 'module.exports = (argv) => argv.length;\n');
  writeFileSync(file, "const count = require('./helper.cjs');\nexports.main = async (argv) => count(argv) * 10 + (__filename.endsWith('.cjs') ? 1 : 0);\n");
  return file;
}

describe('loadBundle', () => {
  it('runs the bundle as CommonJS (require beside it, __filename) without a cache', async () => {
    const loaded = loadBundle(bundle('plain'), join(dir, 'absent.cache'));
    expect(loaded.cache).toBe('none');
    expect(await loaded.exports.main(['a', 'b'])).toBe(21);
  });

  it('uses a cache made from the same source; compiles anew when the cache is damaged or from another build', async () => {
    const file = bundle('cached');
    const cache = join(dir, 'cached.cache');
    const first = loadBundle(file, cache);
    await first.exports.main([]);
    const good = codeCache(first);
    writeFileSync(cache, good);
    const again = loadBundle(file, cache);
    expect(again.cache).toBe('used');
    expect(await again.exports.main(['x'])).toBe(11);
    // One byte changed in V8's data (V8 itself would not notice), or a cut file.
    const damaged = Buffer.from(good);
    damaged[damaged.length - 10] ^= 0xff;
    for (const bad of [damaged, good.subarray(0, 20), Buffer.alloc(0)]) {
      writeFileSync(cache, bad);
      const refused = loadBundle(file, cache);
      expect(refused.cache).toBe('rejected');
      expect(await refused.exports.main(['x', 'y', 'z'])).toBe(31);
    }
    // The same cache beside another bundle of the same length (V8 compares lengths only).
    writeFileSync(cache, good);
    writeFileSync(file, readFileSync(file, 'utf8').replace('* 10', '* 20'));
    const other = loadBundle(file, cache);
    expect(other.cache).toBe('rejected');
    expect(await other.exports.main(['x'])).toBe(21);
  });

});

describe('the built bin', () => {
  const BUNDLE = join(ROOT, 'dist', 'src', 'cli', 'cli.bundle.cjs');
  const CACHE = join(ROOT, 'dist', 'src', 'cli', 'cli.bundle.cache');
  beforeAll(() => {
    if (!existsSync(CACHE)) execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  it('starts from the code cache the build made: a new process does not refuse it', () => {
    // V8 refuses a cache made with other flags: the build must make it as `node dist/cli.js` runs.
    const probe = `const { loadBundle } = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'bin.js'))}); console.log(loadBundle(${JSON.stringify(BUNDLE)}, ${JSON.stringify(CACHE)}).cache);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('used');
  });

  it('reports a cache V8 refuses (made with other V8 flags) and runs all the same', async () => {
    const file = bundle('flags');
    const cache = join(dir, 'flags.cache');
    const make = `const m = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'bin.js'))}); const l = m.loadBundle(${JSON.stringify(file)}, ${JSON.stringify(cache)}); await l.exports.main([]); (await import('node:fs')).writeFileSync(${JSON.stringify(cache)}, m.codeCache(l));`;
    const r = spawnSync(process.execPath, ['--no-lazy-feedback-allocation', '--input-type=module', '-e', make], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    const loaded = loadBundle(file, cache);
    expect(loaded.cache).toBe('rejected');
    expect(await loaded.exports.main(['x'])).toBe(11);
  });
});
