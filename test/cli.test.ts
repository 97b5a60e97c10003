/**
 * The `trustlint` command: exit codes, options, file discovery. Runs `run(argv, io)` in-process
 * with an injected IO, and once the built binary end to end.
 */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { RULES } from '../rules/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface JsonDiagnostic {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  fingerprint: string;
}

interface JsonReport {
  diagnostics: JsonDiagnostic[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

async function cli(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, {
    cwd,
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
    env: {},
  });
  return { code, out, err };
}

async function lintJson(args: string[], cwd = ROOT): Promise<{ code: number; report: JsonReport; err: string }> {
  const { code, out, err } = await cli(['--format', 'json', ...args], cwd);
  return { code, report: JSON.parse(out) as JsonReport, err };
}

const ids = (r: JsonReport) => r.diagnostics.map((d) => `${d.ruleId}:${d.severity} ${d.file}:${d.range.start.line}:${d.range.start.column}`);
const files = (r: JsonReport) => [...new Set(r.diagnostics.map((d) => d.file))].sort();

const GOOD = 'fixtures/cloudformation/github-oidc-good.yaml';
const BAD = 'fixtures/cloudformation/github-oidc-bad.yaml';
const WILDCARDS = 'fixtures/policies/bad-wildcards.yaml';

/** A GitHub trust policy; `sub` decides what is wrong with it. */
function githubTrust(sub: string, aud = true): string {
  return [
    'Version: "2012-10-17"',
    'Statement:',
    '  - Effect: Allow',
    '    Principal:',
    '      Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    '    Action: sts:AssumeRoleWithWebIdentity',
    '    Condition:',
    ...(aud ? ['      StringEquals:', '        token.actions.githubusercontent.com:aud: sts.amazonaws.com'] : []),
    '      StringLike:',
    `        token.actions.githubusercontent.com:sub: ${sub}`,
    '',
  ].join('\n');
}

const temps: string[] = [];
function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustlint-cli-'));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('exit codes', () => {
  it('0 for a clean file, and nothing on stdout in the default format', async () => {
    const { code, out, err } = await cli([GOOD]);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toBe('');
  });

  it('1 when there are error findings', async () => {
    const { code, report } = await lintJson([BAD]);
    expect(code).toBe(1);
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown option', ['--bogus', GOOD], /Unknown option '--bogus'/],
    ['an unknown format', ['--format', 'xml', GOOD], /Unknown format 'xml'/],
    ['a --rule setting that is not a severity', ['--rule', 'wildcard-subject=fatal', GOOD], /--rule expects id=off\|info\|warning\|error/],
    ['a --rule without =', ['--rule', 'wildcard-subject', GOOD], /--rule expects/],
    ['a --rule for an unknown rule', ['--rule', 'wildcard-subjects=off', GOOD], /Unknown rule 'wildcard-subjects'/],
    ['a path that does not exist', ['fixtures/no-such-file.yaml'], /No such file or directory: fixtures\/no-such-file\.yaml/],
    ['a glob that matches nothing', ['fixtures/**/*.hcl'], /No such file or directory/],
    ['a bad --max-warnings', ['--max-warnings', '-1', GOOD], /--max-warnings/],
  ])('2 for %s, with the reason on stderr', async (_what, args, message) => {
    const { code, out, err } = await cli(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^trustlint: /);
    expect(err).toMatch(message);
  });
});

describe('--rule', () => {
  it('id=off removes that rule’s findings and keeps the others', async () => {
    const all = (await lintJson([BAD])).report;
    const { code, report } = await lintJson(['--rule', 'wildcard-subject=off', BAD]);
    expect(all.diagnostics.some((d) => d.ruleId === 'wildcard-subject')).toBe(true);
    expect(report.diagnostics.some((d) => d.ruleId === 'wildcard-subject')).toBe(false);
    expect(ids(report)).toEqual(ids(all).filter((s) => !s.startsWith('wildcard-subject:')));
    expect(code).toBe(1);
  });

  it('id=warning changes the severity of every finding of that rule, and the exit code follows', async () => {
    const { code, report } = await lintJson(['--rule', 'wildcard-subject=warning', WILDCARDS]);
    const severities = report.diagnostics.map((d) => `${d.ruleId}:${d.severity}`);
    expect(severities).toEqual(['wildcard-subject:warning', 'wildcard-subject:warning', 'wildcard-subject:warning', 'wildcard-subject:warning']);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 4 });
    expect(code).toBe(0);
  });

  it('id=error raises a warning-level finding', async () => {
    const dir = tempTree({ 'trust.yaml': githubTrust('repo:octo-org/*') });
    const before = await lintJson(['trust.yaml'], dir);
    expect(ids(before.report)).toEqual(['wildcard-subject:warning trust.yaml:11:50']);
    const after = await lintJson(['--rule', 'wildcard-subject=error', 'trust.yaml'], dir);
    expect(ids(after.report)).toEqual(['wildcard-subject:error trust.yaml:11:50']);
    expect(after.code).toBe(1);
  });

  it('is repeatable', async () => {
    const { code, report } = await lintJson(['--rule', 'wildcard-subject=off', '--rule', 'missing-audience=off', '--rule', 'unknown-action=off', '--rule', 'federated-principal-mismatch=off', BAD]);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('--max-warnings and --quiet', () => {
  const onlyWarnings = () => tempTree({ 'org-wide.yaml': githubTrust('repo:octo-org/*') });

  it('warnings alone exit 0; --max-warnings 0 makes them exit 1; a higher limit does not', async () => {
    const dir = onlyWarnings();
    const plain = await lintJson(['org-wide.yaml'], dir);
    expect(plain.report.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect(plain.code).toBe(0);
    expect((await cli(['--max-warnings', '0', 'org-wide.yaml'], dir)).code).toBe(1);
    expect((await cli(['--max-warnings', '1', 'org-wide.yaml'], dir)).code).toBe(0);
  });

  it('--quiet drops warnings from the report and its counts, keeps errors', async () => {
    const all = (await lintJson([WILDCARDS])).report;
    expect(all.diagnostics.map((d) => d.severity).sort()).toEqual(['error', 'error', 'error', 'warning']);
    const { code, report } = await lintJson(['--quiet', WILDCARDS]);
    expect(report.diagnostics.map((d) => d.severity)).toEqual(['error', 'error', 'error']);
    expect(report.summary).toMatchObject({ errors: 3, warnings: 0 });
    expect(ids(report)).toEqual(ids(all).filter((s) => !s.includes(':warning ')));
    expect(code).toBe(1);
  });

  it('--quiet with only warnings prints nothing and exits 0', async () => {
    const dir = onlyWarnings();
    const { code, out } = await cli(['--quiet', 'org-wide.yaml'], dir);
    expect(out).toBe('');
    expect(code).toBe(0);
  });
});

describe('--output', () => {
  it('writes the report to the file, creating its directory, and prints nothing', async () => {
    const dir = tempTree({});
    const target = join(dir, 'reports', 'trustlint.sarif');
    const { code, out, err } = await cli(['--format', 'sarif', '--output', target, BAD]);
    expect(out).toBe('');
    expect(err).toBe('');
    expect(code).toBe(1);
    const log = JSON.parse(readFileSync(target, 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.length).toBeGreaterThan(0);
  });

  it('resolves a relative --output against the working directory, without colours', async () => {
    const dir = tempTree({ 'trust.yaml': githubTrust('repo:*') });
    const { code, out } = await run(['--output', 'out/report.txt', '--color', 'trust.yaml'], {
      cwd: dir,
      stdout: () => {
        throw new Error('nothing should be printed');
      },
      stderr: () => {},
      isTTY: true,
      env: {},
    }).then((c) => ({ code: c, out: readFileSync(join(dir, 'out', 'report.txt'), 'utf8') }));
    expect(code).toBe(1);
    expect(out).toContain('trust.yaml');
    expect(out).toContain('wildcard-subject');
    expect(out).not.toContain('\u001b[');
  });
});

describe('file discovery', () => {
  it('expands a quoted glob itself, in a stable order', async () => {
    const { report } = await lintJson(['fixtures/**/*.yaml']);
    const found = files(report);
    expect(found).toEqual(expect.arrayContaining([BAD, WILDCARDS, 'fixtures/cloudformation/policy-as-string.yaml', 'fixtures/cloudformation/sam-function.yaml', 'fixtures/broken/truncated.yaml']));
    expect(found.every((f) => f.endsWith('.yaml'))).toBe(true);
    // 7 .yaml files under fixtures/ (one of them git-ignored); .yml, .json and .tf.json do not match.
    expect(report.summary.files).toBeGreaterThanOrEqual(6);
    const again = await lintJson(['fixtures/**/*.yaml']);
    expect(ids(again.report)).toEqual(ids(report));
  });

  it('a glob honours .gitignore, as directory walking does', async () => {
    const { report } = await lintJson(['fixtures/**/*.yaml']);
    expect(files(report)).not.toContain('fixtures/ignored/bad.yaml');
    const direct = await lintJson(['fixtures/ignored/bad.yaml']);
    expect(files(direct.report)).toContain('fixtures/ignored/bad.yaml');
    // Every other .yaml under fixtures/ is read: the glob's count minus the ignored one.
    const all = (await import('tinyglobby')).globSync('fixtures/**/*.yaml', { cwd: ROOT });
    expect(report.summary.files).toBe(all.filter((f) => !f.startsWith('fixtures/ignored/')).length);
  });

  it('walks directories honouring .gitignore files (nested too) and skipping node_modules, .git and .terraform', async () => {
    const bad = githubTrust('repo:*', false);
    const dir = tempTree({
      '.gitignore': 'generated/\n*.local.yaml\n',
      'infra/role.yaml': bad,
      'infra/.gitignore': 'scratch.yaml\n',
      'infra/scratch.yaml': bad,
      'infra/nested/policy.yml': bad,
      'dev.local.yaml': bad,
      'generated/role.yaml': bad,
      'node_modules/some-pkg/policy.json': JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObjetc', Resource: '*' }] }),
      'infra/node_modules/x/policy.yaml': bad,
      '.terraform/modules/iam/policy.yaml': bad,
      '.git/info/policy.yaml': bad,
      'README.md': '# infra\n',
    });
    const { code, report } = await lintJson([], dir);
    expect(files(report)).toEqual(['infra/nested/policy.yml', 'infra/role.yaml']);
    expect(report.summary.files).toBe(2);
    expect(code).toBe(1);
    // The same with the directory named explicitly, from outside it.
    const named = await lintJson([join(dir, 'infra')], dirname(dir));
    expect(files(named.report)).toEqual([`${dir.split('/').pop()}/infra/nested/policy.yml`, `${dir.split('/').pop()}/infra/role.yaml`]);
  });

  it('reports a malformed file as parse-error at its position, and still lints the other files', async () => {
    const dir = tempTree({
      'a-broken.json': '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow" "Action": "s3:GetObject", "Resource": "*" }\n  ]\n}\n',
      'b-trust.yaml': githubTrust('repo:*'),
      'c-policy.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjetc', Resource: '*' }] }, null, 2) + '\n',
    });
    const { code, report, err } = await lintJson(['.'], dir);
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(report.summary.files).toBe(3);
    expect(ids(report)).toEqual(['parse-error:error a-broken.json:4:25', 'wildcard-subject:error b-trust.yaml:11:50', 'unknown-action:error c-policy.json:6:17']);
  });

  it('skips files that are none of our formats without a word', async () => {
    const dir = tempTree({
      'package.json': JSON.stringify({ name: 'x', version: '1.0.0' }),
      '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
      'notes.yaml': 'just: [a, list\n',
    });
    const { code, report, err } = await lintJson(['.'], dir);
    expect(report.diagnostics).toEqual([]);
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

describe('commands and informational options', () => {
  it('`trustlint rules` lists every rule id with its default severity', async () => {
    const { code, out } = await cli(['rules']);
    expect(code).toBe(0);
    for (const rule of RULES) expect(out).toMatch(new RegExp(`^${rule.meta.id}\\s+${rule.meta.defaultSeverity}\\b`, 'm'));
  });

  it('`trustlint rules --format json` describes every rule', async () => {
    const { code, out } = await cli(['rules', '--format', 'json']);
    expect(code).toBe(0);
    const rules = JSON.parse(out) as Array<{ id: string; docsUrl: string; securitySeverity: number }>;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const r of rules) expect(r.docsUrl).toContain(`${r.id}.md`);
  });

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const { code, out } = await cli([flag]);
      expect(code).toBe(0);
      expect(out).toBe(`${PKG.version}\n`);
    }
  });

  it('--help prints the usage with every option', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: trustlint /);
    for (const opt of ['--format', '--output', '--rule', '--max-warnings', '--quiet', '--ignore', '--version', 'trustlint rules']) expect(out).toContain(opt);
  });

  it('stylish (the default) names the file, the position and the rule', async () => {
    const { code, out } = await cli([BAD]);
    expect(code).toBe(1);
    expect(out).toContain(BAD);
    expect(out).toMatch(/28:58/);
    expect(out).toContain('wildcard-subject');
    expect(out).not.toContain('\u001b[');
  });
});

describe('the built binary', () => {
  const BIN = join(ROOT, 'dist', 'cli.js');

  beforeAll(() => {
    if (!existsSync(BIN)) execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  const node = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('runs end to end: JSON report on stdout, exit codes 1, 0 and 2', () => {
    const bad = node(['--format', 'json', BAD]);
    expect(bad.stderr).toBe('');
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as JsonReport;
    expect(report.diagnostics.find((d) => d.ruleId === 'wildcard-subject' && d.severity === 'error')?.range).toEqual({
      start: { line: 28, column: 58 },
      end: { line: 28, column: 64 },
    });
    expect(node([GOOD]).status).toBe(0);
    const usage = node(['--format', 'xml', GOOD]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("Unknown format 'xml'");
    expect(node(['--version']).stdout).toBe(`${PKG.version}\n`);
  });

  it('gives the same reports on worker threads as on one thread, in the same order', () => {
    // Every fixture three times over: findings, parse errors, files that are not ours, all four syntaxes.
    const dir = mkdtempSync(join(tmpdir(), 'trustlint-jobs-'));
    const files = execSync('git ls-files fixtures', { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (let copy = 0; copy < 3; copy++) {
      for (const f of files) {
        const to = join(dir, `copy${copy}`, f);
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, readFileSync(join(ROOT, f)));
      }
    }
    try {
      const lint = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      for (const format of ['json', 'sarif', 'stylish']) {
        const one = lint(['--format', format, '--jobs', '1']);
        expect(one.status).toBe(1);
        expect(one.stderr).toBe('');
        for (const jobs of ['2', '3']) {
          const many = lint(['--format', format, '--jobs', jobs]);
          expect(many.stderr).toBe('');
          expect(many.status).toBe(1);
          expect(many.stdout).toBe(one.stdout);
        }
      }
      const report = JSON.parse(lint(['--format', 'json', '--jobs', '3']).stdout) as JsonReport;
      // Enough linted files (ignored and skipped ones aside) for three threads (MIN_FILES_PER_WORKER each).
      expect(report.summary.files).toBeGreaterThan(3 * 24);
      // In the order of the walk: the copies one after the other.
      const copies = report.diagnostics.map((d) => d.file.split('/')[0]);
      expect(copies).toEqual([...copies].sort());
      expect(new Set(copies)).toEqual(new Set(['copy0', 'copy1', 'copy2']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('paths in SARIF and annotations', () => {
  it('are relative to the repository root, wherever trustlint runs in it (fingerprints too); elsewhere to the working directory', async () => {
    const dir = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'infra/stacks/trust.yaml': githubTrust('"repo:*"') });
    const sarif = await cli(['--format', 'sarif', 'trust.yaml'], join(dir, 'infra/stacks'));
    const uris = new Set((JSON.parse(sarif.out) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }).runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
    expect([...uris]).toEqual(['infra/stacks/trust.yaml']);
    const github = await cli(['--format', 'github', 'trust.yaml'], join(dir, 'infra/stacks'));
    expect(github.out).toMatch(/^::error file=infra\/stacks\/trust\.yaml,line=11,/m);
    // The json report keeps the paths as given on the command line; fingerprints name the file from
    // the repository root, so they are the same wherever trustlint runs.
    const json = await lintJson(['trust.yaml'], join(dir, 'infra/stacks'));
    expect(json.report.diagnostics[0].file).toBe('trust.yaml');
    const fromRoot = await lintJson(['infra/stacks/trust.yaml'], dir);
    expect(fromRoot.report.diagnostics.map((d) => d.fingerprint)).toEqual(json.report.diagnostics.map((d) => d.fingerprint));
    expect(fromRoot.report.diagnostics.length).toBeGreaterThan(0);
    // Outside a repository: relative to the working directory, as before.
    const loose = tempTree({ 'a/trust.yaml': githubTrust('"repo:*"') });
    const looseOut = await cli(['--format', 'github', 'trust.yaml'], join(loose, 'a'));
    expect(looseOut.out).toMatch(/^::error file=trust\.yaml,line=11,/m);
  });
});
