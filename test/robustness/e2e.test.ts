/**
 * Issue 9, acceptance: one run over a directory that mixes every hostile file of the catalogue
 * (and the file-system ones: a 200 MB file, a FIFO, symlink loops, a file that vanishes, one that
 * cannot be opened, a directory that cannot be listed) with good templates from fixtures/. The run
 * exits 1, reports each good template exactly as the reviewed snapshot does, and each bad file
 * with a located reason. Once in-process through `run()`, once as `node dist/cli.js` under a
 * timeout (no hang) with every network entry point closed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { cli, HOSTILE, mismatches, tempDir, TRUST_JSON, type JsonDiagnostic, type JsonReport } from './hostile.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const posix = process.platform !== 'win32';

const hooks = vi.hoisted(() => ({ locked: '', unlisted: '', vanishing: '' }));

// Root (as in CI containers) reads every file whatever its mode: permission errors are injected.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<Record<string, (...args: unknown[]) => unknown>>();
  const denied = (code: string, path: string) => Object.assign(new Error(`${code}: '${path}'`), { code, path });
  const wrapped = {
    ...fs,
    openSync: (...args: unknown[]) => {
      if (hooks.locked && String(args[0]) === hooks.locked) throw denied('EACCES', hooks.locked);
      return fs.openSync(...args);
    },
    readdirSync: (...args: unknown[]) => {
      if (hooks.unlisted && String(args[0]) === hooks.unlisted) throw denied('EACCES', hooks.unlisted);
      return fs.readdirSync(...args);
    },
  };
  return { ...wrapped, default: wrapped };
});

// A file removed after it was found, before it is read.
vi.mock('../../src/cli/discover.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/cli/discover.js')>();
  return {
    ...m,
    discover: async (...args: Parameters<typeof m.discover>) => {
      const found = await m.discover(...args);
      if (hooks.vanishing && existsSync(hooks.vanishing)) unlinkSync(hooks.vanishing);
      return found;
    },
  };
});

/** Good templates, linted as the fixtures snapshot shows them (same relative paths). */
const GOOD = [
  'fixtures/cloudformation/github-oidc-bad.yaml',
  'fixtures/cloudformation/github-oidc-good.yaml',
  'fixtures/cloudformation/eks-irsa.json',
  'fixtures/cloudformation/policy-as-string.yaml',
  'fixtures/cloudformation/sam-function.yaml',
  'fixtures/terraform/github.tf.json',
  'fixtures/terraform/plan.json',
  'fixtures/policies/gitlab-trust.json',
  'fixtures/policies/bad-wildcards.yaml',
];

/** The file-system cases, with the finding each must get. */
const FS_CASES: Array<{ file: string; message: RegExp; posixOnly?: boolean; inProcessOnly?: boolean }> = [
  { file: 'hostile/big.json', message: /^File is 209715200 bytes, over the 20971520-byte limit \(--max-file-size\); it was not linted\.$/ },
  { file: 'hostile/pipe.yaml', message: /^This named pipe \(FIFO\) is not a regular file; it was not read or linted\.$/, posixOnly: true },
  { file: 'hostile/loop-a.yaml', message: /^File could not be read: it is a symbolic link loop \(ELOOP\)\.$/, posixOnly: true },
  { file: 'hostile/vanishing.yaml', message: /^File could not be read: it no longer exists \(removed while trustlint ran\?\) \(ENOENT\)\.$/, inProcessOnly: true },
  { file: 'hostile/locked.json', message: /^File could not be read: permission denied \(EACCES\)\.$/, inProcessOnly: true },
  { file: 'hostile/private', message: /^Directory could not be read: permission denied \(EACCES\); the files in it were not linted\.$/, inProcessOnly: true },
];

interface Snapshot {
  diagnostics: JsonDiagnostic[];
}

const snapshot = JSON.parse(readFileSync(join(ROOT, 'test/__snapshots__/fixtures.json'), 'utf8')) as Snapshot;
const strip = (d: JsonDiagnostic) => ({ ruleId: d.ruleId, severity: d.severity, message: d.message, range: d.range, path: d.path, fingerprint: d.fingerprint });

let dir: string;

beforeAll(() => {
  dir = tempDir('trustlint-e2e-');
  for (const f of GOOD) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  const h = join(dir, 'hostile');
  mkdirSync(h);
  for (const x of HOSTILE) writeFileSync(join(h, x.name), x.bytes());
  writeFileSync(join(h, 'big.json'), '');
  truncateSync(join(h, 'big.json'), 200 * 1024 * 1024);
  writeFileSync(join(h, 'vanishing.yaml'), TRUST_JSON);
  writeFileSync(join(h, 'locked.json'), TRUST_JSON);
  mkdirSync(join(h, 'private'));
  writeFileSync(join(h, 'private', 'hidden.json'), TRUST_JSON);
  if (posix) {
    execFileSync('mkfifo', [join(h, 'pipe.yaml')]);
    symlinkSync('loop-b.yaml', join(h, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', join(h, 'loop-b.yaml'));
    mkdirSync(join(h, 'sub'));
    symlinkSync('..', join(h, 'sub', 'up'));
  }
});

/** The run's arguments: the whole tree, plus the FIFO and the loop by name (a walk skips them). */
const args = () => ['--format', 'json', '.', ...(posix ? ['hostile/pipe.yaml', 'hostile/loop-a.yaml'] : [])];

function checkReport(report: JsonReport, inProcess: boolean): void {
  // Every good template: exactly its reviewed findings.
  for (const f of GOOD) {
    expect(report.diagnostics.filter((d) => d.file === f).map(strip), f).toEqual(snapshot.diagnostics.filter((d) => d.file === f).map(strip));
  }
  // Every hostile file: its located reason (or, for the good ones in odd encodings, its findings).
  for (const x of HOSTILE) {
    const found = report.diagnostics.filter((d) => d.file === `hostile/${x.name}`) as unknown as Diagnostic[];
    expect(mismatches(found, x.expect), x.name).toEqual([]);
  }
  for (const c of FS_CASES) {
    if ((c.posixOnly && !posix) || (c.inProcessOnly && !inProcess)) continue;
    const found = report.diagnostics.filter((d) => d.file === c.file);
    expect(found.map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`), c.file).toEqual(['parse-error 1:1']);
    expect(found[0].message).toMatch(c.message);
  }
  // Nothing else: no finding on a file that is not in the lists, nothing from the hidden directory.
  const known = new Set([...GOOD, ...HOSTILE.map((x) => `hostile/${x.name}`), ...FS_CASES.map((c) => c.file), 'hostile/locked.json', 'hostile/private/hidden.json']);
  expect(report.diagnostics.filter((d) => !known.has(d.file)).map((d) => d.file)).toEqual([]);
  if (inProcess) expect(report.diagnostics.some((d) => d.file.startsWith('hostile/private/'))).toBe(false);
  for (const d of report.diagnostics) {
    expect(d.range.start.line).toBeGreaterThanOrEqual(1);
    expect(d.message).not.toMatch(/\n\s+at |Maximum call stack|RangeError|TypeError/);
  }
}

describe('a directory of hostile files and good templates', () => {
  it('in-process: exit 1, each good template as reviewed, each bad file with a located reason', async () => {
    hooks.locked = join(dir, 'hostile', 'locked.json');
    hooks.unlisted = join(dir, 'hostile', 'private');
    hooks.vanishing = join(dir, 'hostile', 'vanishing.yaml');
    const started = Date.now();
    const r = await cli(args(), dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    checkReport(JSON.parse(r.out) as JsonReport, true);
    expect(Date.now() - started).toBeLessThan(60_000);

    // SARIF and JSON reports of the same files validate (file-level findings, text that could not be decoded).
    const sarif = await cli(['--format', 'sarif', ...args().slice(2)], dir);
    const { createContext } = await import('./properties.js');
    const ctx = await createContext();
    expect(ctx.validateSarif(JSON.parse(sarif.out)), ctx.errorsOf('sarif')).toBe(true);
    expect(ctx.validateJson(JSON.parse(r.out)), ctx.errorsOf('json')).toBe(true);

    // The default (stylish) report too: every hostile file named, no stack trace, no raw control character.
    const s = await cli(args().slice(2), dir);
    expect(s.code).toBe(1);
    for (const x of HOSTILE.filter((y) => y.expect.length > 0)) expect(s.out).toContain(`hostile/${x.name}`);
    // eslint-disable-next-line no-control-regex
    expect(s.out).not.toMatch(/\n\s+at |[\u0000-\u0008\u000b-\u001f\u007f]/);
  }, 120_000);

  it.runIf(posix)('node dist/cli.js: the same, under a timeout, with the network closed', () => {
    expect(existsSync(CLI), 'dist/cli.js: run `npm run build`').toBe(true);
    // Any attempt to reach the network fails loudly on stderr.
    const preload = join(tempDir('trustlint-net-'), 'no-network.cjs');
    writeFileSync(
      preload,
      `const net = require('node:net'); const dns = require('node:dns');
const refuse = (what) => { process.stderr.write('NETWORK ACCESS: ' + what + '\\n'); throw new Error('network access: ' + what); };
net.Socket.prototype.connect = function () { refuse('net.Socket.connect'); };
dns.lookup = () => refuse('dns.lookup');
dns.promises.lookup = async () => refuse('dns.promises.lookup');
globalThis.fetch = async (u) => refuse('fetch ' + u);
`,
    );
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--require', preload, CLI, ...args()], { cwd: dir, timeout: 90_000, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.signal, 'killed by the timeout: the run hung').toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    checkReport(JSON.parse(r.stdout) as JsonReport, false);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 120_000);
});
