/**
 * Issue 9, the file system as an adversary: a 200 MB file, FIFOs, devices, symlink loops, files
 * that vanish or become unreadable during the run, a hostile `.gitignore` or config file. Every case
 * ends with a finding (or a usage error for the config), never a hang, and the other files are
 * still linted. `node:fs` (files are read and directories listed synchronously) is wrapped to
 * record what is opened and to inject the errors a root user (as in CI containers) never gets from
 * chmod.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Linter } from '../../src/linter.js';
import { discover } from '../../src/cli/discover.js';
import { cli, findingsOf, tempDir, TRUST_JSON, TRUST_JSON_AT, type JsonReport } from './hostile.js';

const hooks = vi.hoisted(() => ({
  opened: [] as string[],
  /** Throw from `open`/`readdir` for a path, or return substitute stats from `stat`. */
  open: undefined as ((path: string) => void) | undefined,
  readdir: undefined as ((path: string) => void) | undefined,
  stat: undefined as ((path: string, real: object) => object | undefined) | undefined,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<Record<string, (...args: unknown[]) => unknown>>();
  const wrapped = {
    ...fs,
    openSync: (...args: unknown[]) => {
      hooks.opened.push(String(args[0]));
      hooks.open?.(String(args[0]));
      return fs.openSync(...args);
    },
    readdirSync: (...args: unknown[]) => {
      hooks.readdir?.(String(args[0]));
      return fs.readdirSync(...args);
    },
    statSync: (...args: unknown[]) => {
      const real = fs.statSync(...args) as object;
      return hooks.stat?.(String(args[0]), real) ?? real;
    },
  };
  return { ...wrapped, default: wrapped };
});

afterEach(() => {
  hooks.opened = [];
  hooks.open = hooks.readdir = hooks.stat = undefined;
});

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

/** A copy of real stats with some fields replaced (methods kept). */
function fakeStats(real: object, over: Record<string, unknown>): object {
  return Object.assign(Object.create(Object.getPrototypeOf(real) as object) as object, real, over);
}

const posix = process.platform !== 'win32';
const json = (out: string) => JSON.parse(out) as JsonReport;
const FINDINGS = [
  `missing-audience ${TRUST_JSON_AT.line}:${TRUST_JSON_AT.column}`,
  `missing-subject ${TRUST_JSON_AT.line}:${TRUST_JSON_AT.column}`,
];
const where = (report: JsonReport, file: string) => findingsOf(report, file).map((f) => f.split(' ').slice(0, 2).join(' '));

describe('a 200 MB file', () => {
  const dir = tempDir();
  const big = join(dir, 'big.json');
  beforeAll(() => {
    writeFileSync(join(dir, 'good.json'), TRUST_JSON);
    // Sparse: instant to create, no disk used.
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024);
  });

  it('is refused above --max-file-size (default 20 MB) with a finding, never opened, and the other files are linted', async () => {
    const started = Date.now();
    const r = await cli(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const report = json(r.out);
    expect(findingsOf(report, 'big.json')).toEqual(['parse-error 1:1 File is 209715200 bytes, over the 20971520-byte limit (--max-file-size); it was not linted.']);
    expect(where(report, 'good.json')).toEqual(FINDINGS);
    expect(hooks.opened).toContain(join(dir, 'good.json'));
    expect(hooks.opened).not.toContain(big);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('--max-file-size sets the limit', async () => {
    const r = await cli(['--format', 'json', '--max-file-size', '100', 'good.json'], dir);
    expect(findingsOf(json(r.out), 'good.json')).toEqual([`parse-error 1:1 File is ${TRUST_JSON.length} bytes, over the 100-byte limit (--max-file-size); it was not linted.`]);
  });

  it('a file that grows past the limit after its size was checked is refused without being read', async () => {
    hooks.stat = (path, real) => (path === big ? fakeStats(real, { size: 10 }) : undefined);
    const r = await new Linter().lintFile(big, 'big.json', true);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['File is 209715200 bytes, over the 20971520-byte limit (--max-file-size); it was not linted.']);
    expect(r.text).toBeUndefined();
  });
});

describe.runIf(posix)('FIFOs and devices', () => {
  const dir = tempDir();
  beforeAll(() => {
    writeFileSync(join(dir, 'good.json'), TRUST_JSON);
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
  });

  it('a walk never opens a FIFO or a symlink to a device', async () => {
    const r = await cli(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    expect(json(r.out).diagnostics.map((d) => d.file)).toEqual(['good.json', 'good.json']);
    expect(hooks.opened).toEqual([join(dir, 'good.json')]);
  });

  it('named on the command line, each is reported as not a regular file, without blocking', async () => {
    const r = await cli(['--format', 'json', 'pipe.yaml', 'zero.json', 'good.json'], dir);
    expect(r.code).toBe(1);
    const report = json(r.out);
    expect(findingsOf(report, 'pipe.yaml')).toEqual(['parse-error 1:1 This named pipe (FIFO) is not a regular file; it was not read or linted.']);
    expect(findingsOf(report, 'zero.json')).toEqual(['parse-error 1:1 This device is not a regular file; it was not read or linted.']);
    expect(where(report, 'good.json')).toEqual(FINDINGS);
  });

  it('a FIFO swapped in after its type was checked is opened without blocking and refused', async () => {
    const pipe = join(dir, 'pipe.yaml');
    hooks.stat = (path, real) => (path === pipe ? fakeStats(real, { isFile: () => true, isFIFO: () => false, size: 0 }) : undefined);
    const r = await new Linter().lintFile(pipe, 'pipe.yaml', true);
    expect(hooks.opened).toEqual([pipe]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['This named pipe (FIFO) is not a regular file; it was not read or linted.']);
  });

  it('a FIFO or /dev/zero as .gitignore does not block or exhaust the walk', async () => {
    const a = tempDir();
    writeFileSync(join(a, 'good.json'), TRUST_JSON);
    execFileSync('mkfifo', [join(a, '.gitignore')]);
    const b = tempDir();
    writeFileSync(join(b, 'good.json'), TRUST_JSON);
    symlinkSync('/dev/zero', join(b, '.gitignore'));
    for (const d of [a, b]) expect((await discover(['.'], d)).targets.map((t) => t.display)).toEqual(['good.json']);
  });

  it('a FIFO or /dev/zero as the config file is a usage error, not a hang', async () => {
    const a = tempDir();
    execFileSync('mkfifo', [join(a, 'trustlint.config.yaml')]);
    const b = tempDir();
    symlinkSync('/dev/zero', join(b, 'trustlint.config.yaml'));
    for (const d of [a, b]) {
      const r = await cli(['.'], d);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^trustlint: Config file .*trustlint\.config\.yaml is not a regular file\.\n$/);
    }
  });
});

describe.runIf(posix)('symbolic link loops', () => {
  const dir = tempDir();
  beforeAll(() => {
    writeFileSync(join(dir, 'good.json'), TRUST_JSON);
    symlinkSync('b.yaml', join(dir, 'a.yaml'));
    symlinkSync('a.yaml', join(dir, 'b.yaml'));
    symlinkSync('self.json', join(dir, 'self.json'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'trust.json'), TRUST_JSON);
    symlinkSync('..', join(dir, 'sub', 'up'));
  });

  it('a walk and a glob finish, each file once, no link followed', async () => {
    expect((await discover(['.'], dir)).targets.map((t) => t.display)).toEqual(['good.json', 'sub/trust.json']);
    expect((await discover(['**/*.json'], dir)).targets.map((t) => t.display)).toEqual(['good.json', 'sub/trust.json']);
  });

  it('named on the command line, a loop is a finding and the other files are linted', async () => {
    const r = await cli(['--format', 'json', 'a.yaml', 'self.json', 'good.json'], dir);
    expect(r.code).toBe(1);
    const report = json(r.out);
    expect(findingsOf(report, 'a.yaml')).toEqual(['parse-error 1:1 File could not be read: it is a symbolic link loop (ELOOP).']);
    expect(findingsOf(report, 'self.json')).toEqual(['parse-error 1:1 File could not be read: it is a symbolic link loop (ELOOP).']);
    expect(where(report, 'good.json')).toEqual(FINDINGS);
  });
});

describe('files that vanish or become unreadable during the run', () => {
  it('a file removed between discovery and reading is reported, the others are linted', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), TRUST_JSON);
    writeFileSync(join(dir, 'b.json'), TRUST_JSON);
    const { targets } = await discover(['.'], dir);
    unlinkSync(join(dir, 'a.json'));
    const linter = new Linter();
    const results = await Promise.all(targets.map((t) => linter.lintFile(t.absolute, t.display, t.explicit)));
    expect(results[0].diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`)).toEqual([
      '1:1 File could not be read: it no longer exists (removed while trustlint ran?) (ENOENT).',
    ]);
    expect(results[1].diagnostics.map((d) => d.ruleId)).toEqual(['missing-audience', 'missing-subject']);
  });

  it('a file that cannot be opened (permission denied) is reported, the others are linted', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'locked.json'), TRUST_JSON);
    writeFileSync(join(dir, 'open.json'), TRUST_JSON);
    hooks.open = (path) => {
      if (path.endsWith('locked.json')) throw errno('EACCES', 'open', path);
    };
    const r = await cli(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const report = json(r.out);
    expect(findingsOf(report, 'locked.json')).toEqual(['parse-error 1:1 File could not be read: permission denied (EACCES).']);
    expect(where(report, 'open.json')).toEqual(FINDINGS);
  });

  it('a directory that cannot be listed is reported (its files are not linted), the others are linted', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'private'));
    writeFileSync(join(dir, 'private', 'hidden.json'), TRUST_JSON);
    writeFileSync(join(dir, 'open.json'), TRUST_JSON);
    hooks.readdir = (path) => {
      if (path.endsWith('private')) throw errno('EACCES', 'scandir', path);
    };
    const r = await cli(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    const report = json(r.out);
    expect(findingsOf(report, 'private')).toEqual(['parse-error 1:1 Directory could not be read: permission denied (EACCES); the files in it were not linted.']);
    expect(where(report, 'open.json')).toEqual(FINDINGS);
    expect(report.diagnostics.some((d) => d.file.includes('hidden'))).toBe(false);
  });
});
