/**
 * The GitLab CI job of docs/integrations/gitlab-ci.md: its `script` lines run as GitLab's shell
 * runner runs them (one bash, errexit), with `trustlint` on PATH being this repository's build
 * instead of the `npm install --global` of a published version.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TEMPLATE, GOOD_TEMPLATE, PKG, ROOT, codeBlocks, exec, removeTempDirs, tempDir } from './helpers.js';

interface Job {
  stage: string;
  image: string;
  script: string[];
  artifacts: { when: string; reports: { codequality: string }; paths: string[] };
}

const [block] = codeBlocks('docs/integrations/gitlab-ci.md').filter((b) => b.lang === 'yaml' && b.code.startsWith('# .gitlab-ci.yml'));
const CLI = join(ROOT, 'dist/cli.js');

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end?: number } };
}


afterAll(removeTempDirs);
describe('docs/integrations/gitlab-ci.md', () => {
  let job: Job;
  let bin: string;

  beforeAll(() => {
    expect(block, 'a yaml block starting with `# .gitlab-ci.yml`').toBeDefined();
    job = (parseYaml(block.code) as Record<string, Job>).trustlint;
    expect(existsSync(CLI), 'dist/cli.js: run `npm run build` (npm ci does)').toBe(true);
    bin = join(tempDir('gitlab-bin'), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'trustlint'), `#!/bin/sh\nexec node ${JSON.stringify(CLI)} "$@"\n`);
    chmodSync(join(bin, 'trustlint'), 0o755);
  });

  /** Runs the job's script in a project directory; GitLab stops at the first failing line. */
  async function runJob(files: Record<string, string>) {
    const dir = tempDir('gitlab');
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const install = job.script.filter((l) => l.startsWith('npm install --global trustlint@'));
    expect(install).toEqual([`npm install --global trustlint@${PKG.version}`]);
    const script = job.script.filter((l) => !install.includes(l)).join('\n');
    const r = await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' } });
    return { ...r, dir };
  }

  it('is a job on node 20 that keeps a Code Quality report and the SARIF report, also when it fails', () => {
    expect(job.image).toMatch(/^node:(2\d|[3-9]\d)/);
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports.codequality).toBe('gl-code-quality-report.json');
    expect(job.artifacts.paths).toEqual(['trustlint.sarif', 'trustlint.json']);
  });

  it('fails on a bad template and writes a valid Code Quality report of its findings', async () => {
    const r = await runJob({ 'infra/bad.yaml': BAD_TEMPLATE, 'infra/good.yaml': GOOD_TEMPLATE });
    expect(r.status, r.stderr).toBe(1);
    // The last line's readable output is in the log.
    expect(r.stdout).toContain('infra/bad.yaml');
    expect(r.stdout).toMatch(/24:31 +error .*missing-audience/);
    for (const f of job.artifacts.paths) expect(existsSync(join(r.dir, f)), f).toBe(true);
    const sarif = JSON.parse(readFileSync(join(r.dir, 'trustlint.sarif'), 'utf8')) as { version: string };
    expect(sarif.version).toBe('2.1.0');

    const issues = JSON.parse(readFileSync(join(r.dir, job.artifacts.reports.codequality), 'utf8')) as CodeQualityIssue[];
    const report = JSON.parse(readFileSync(join(r.dir, 'trustlint.json'), 'utf8')) as { diagnostics: Array<{ ruleId: string; range: { start: { line: number } } }> };
    expect(issues.length).toBe(report.diagnostics.length);
    expect(issues.length).toBeGreaterThan(3);
    // GitLab's Code Quality format: these fields, these severities, unique fingerprints.
    for (const i of issues) {
      expect(Object.keys(i).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
      expect(i.location.path).toBe('infra/bad.yaml');
      expect(i.location.lines.begin).toBeGreaterThan(0);
      expect(i.description).toContain(`(${i.check_name})`);
    }
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.map((i) => [i.check_name, i.location.lines.begin])).toEqual(report.diagnostics.map((d) => [d.ruleId, d.range.start.line]));
  });

  it('passes on a good template, with an empty Code Quality report', async () => {
    const r = await runJob({ 'infra/good.yaml': GOOD_TEMPLATE });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(r.dir, 'gl-code-quality-report.json'), 'utf8'))).toEqual([]);
  });
});
