/**
 * The composite action (action.yml) and the workflows of docs/integrations/github.md. GitHub's runner
 * is not available here, so the test runs the action as the runner would: each `run` step with
 * `bash --noprofile --norc -eo pipefail`, its `env` and `working-directory` expressions resolved,
 * `GITHUB_OUTPUT` and `GITHUB_ACTION_PATH` set — on a fresh copy of this repository that the
 * action's own install step builds. `uses` steps (actions/setup-node) are not run: the test's node is
 * the one set up.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TEMPLATE, GOOD_TEMPLATE, PKG, ROOT, codeBlocks, exec, snapshot, removeTempDirs, tempDir } from './helpers.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  branding?: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const ACTION_TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const ACTION = parseYaml(ACTION_TEXT) as Action;
const EXPR = /\$\{\{\s*([^}]*?)\s*\}\}/g;

interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The names of the steps that ran. */
  ran: string[];
}

/** Runs the composite action from `actionPath` in `workspace` with the given `with:` inputs. */
async function runAction(actionPath: string, workspace: string, withInputs: Record<string, string> = {}): Promise<ActionRun> {
  for (const k of Object.keys(withInputs)) if (!(k in ACTION.inputs)) throw new Error(`action.yml has no input '${k}'`);
  const inputs = Object.fromEntries(Object.entries(ACTION.inputs).map(([k, v]) => [k, withInputs[k] ?? v.default ?? '']));
  const steps: Record<string, Record<string, string>> = {};
  const resolve = (expr: string): string => {
    let m: RegExpExecArray | null;
    if ((m = /^inputs\.([\w-]+)$/.exec(expr))) {
      if (!(m[1] in inputs)) throw new Error(`unknown input ${m[1]}`);
      return inputs[m[1]];
    }
    if (expr === 'github.action_path') return actionPath;
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return steps[m[1]]?.[m[2]] ?? '';
    throw new Error(`the test does not evaluate \${{ ${expr} }}`);
  };
  const subst = (s: string) => s.replace(EXPR, (_, e: string) => resolve(e));
  const condition = (cond: string): boolean => {
    const m = /^(?:\$\{\{\s*)?inputs\.([\w-]+) != ''(?:\s*\}\})?$/.exec(cond.trim());
    if (!m) throw new Error(`the test does not evaluate if: ${cond}`);
    return resolve(`inputs.${m[1]}`) !== '';
  };
  let stdout = '';
  let stderr = '';
  const ran: string[] = [];
  for (const step of ACTION.runs.steps) {
    if (step.if !== undefined && !condition(step.if)) continue;
    if (step.uses) continue;
    ran.push(step.name ?? step.id ?? '?');
    const outputFile = join(tempDir('gh-output'), 'output');
    writeFileSync(outputFile, '');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, subst(String(v))]));
    const r = await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: step['working-directory'] ? subst(step['working-directory']) : workspace,
      env: { ...env, GITHUB_OUTPUT: outputFile, GITHUB_ACTION_PATH: actionPath, GITHUB_WORKSPACE: workspace, CI: 'true', npm_config_prefer_offline: 'true' },
    });
    stdout += r.stdout;
    stderr += r.stderr;
    if (step.id) {
      steps[step.id] = Object.fromEntries(
        readFileSync(outputFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    }
    if (r.status !== 0) return { status: r.status, stdout, stderr, outputs: actionOutputs(), ran };
  }
  return { status: 0, stdout, stderr, outputs: actionOutputs(), ran };

  function actionOutputs(): Record<string, string> {
    return Object.fromEntries(Object.entries(ACTION.outputs).map(([k, v]) => [k, subst(v.value)]));
  }
}

interface Sarif {
  version: string;
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; properties: Record<string, unknown> }> } };
    results: Array<{ ruleId: string; partialFingerprints: Record<string, string>; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }>;
  }>;
}


afterAll(removeTempDirs);
describe('action.yml', () => {
  it('is a composite action whose inputs, outputs and steps fit together', () => {
    expect(ACTION.name).toBe('trustlint');
    expect(ACTION.description.length).toBeGreaterThan(20);
    expect(ACTION.description.length).toBeLessThanOrEqual(125); // the Marketplace's limit
    expect(ACTION.runs.using).toBe('composite');
    expect(Object.keys(ACTION.inputs).sort()).toEqual(['args', 'fail-on-findings', 'format', 'node-version', 'output', 'paths']);
    for (const [k, input] of Object.entries(ACTION.inputs)) {
      expect(input.description, k).toBeTruthy();
      expect(typeof input.default, k).toBe('string');
    }
    expect(ACTION.inputs.format.default).toBe('sarif');
    expect(ACTION.inputs.output.default).toBe('trustlint.sarif');

    const used = new Set<string>();
    const ids = new Set(ACTION.runs.steps.map((s) => s.id).filter(Boolean));
    for (const m of ACTION_TEXT.matchAll(EXPR)) {
      const e = m[1];
      const input = /^inputs\.([\w-]+)$/.exec(e);
      const step = /^steps\.([\w-]+)\.outputs\.[\w-]+$/.exec(e);
      if (input) used.add(input[1]);
      else if (step) expect(ids.has(step[1]), e).toBe(true);
      else expect(e).toBe('github.action_path');
    }
    for (const s of ACTION.runs.steps) {
      if (s.if) for (const m of s.if.matchAll(/inputs\.([\w-]+)/g)) used.add(m[1]);
      if (s.uses) {
        // Pinned to a major version tag (or a commit), never a branch.
        expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@(v\d+|[0-9a-f]{40})$/);
        expect(s.run).toBeUndefined();
        continue;
      }
      expect(s.shell, s.name).toBe('bash');
      // Inputs reach scripts through the environment: an expression in a script is an injection.
      expect(s.run, s.name).not.toMatch(/\$\{\{/);
    }
    expect([...used].sort()).toEqual(Object.keys(ACTION.inputs).sort());
    for (const o of Object.values(ACTION.outputs)) expect(o.value).toMatch(/^\$\{\{ steps\.lint\.outputs\.[\w-]+ \}\}$/);
  });

  it('refers to files that exist: the bin it runs is built by `npm ci` (prepare) from a committed lockfile', () => {
    expect(ACTION_TEXT).toContain('/dist/cli.js');
    expect(PKG.bin.trustlint).toBe('dist/cli.js');
    expect(PKG.scripts.prepare).toBeDefined();
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true);
    expect(readFileSync(join(ROOT, 'scripts/postbuild.mjs'), 'utf8')).toContain('dist/cli.js');
  });
});

describe('action.yml, run as the runner runs it', () => {
  let actionPath: string;
  let workspace: string;
  let install: ActionRun;

  beforeAll(async () => {
    const base = tempDir('action');
    actionPath = join(base, 'action');
    workspace = join(base, 'workspace');
    snapshot(actionPath);
    for (const [name, text] of Object.entries({ 'infra/bad.yaml': BAD_TEMPLATE, 'infra/good.yaml': GOOD_TEMPLATE })) {
      mkdirSync(join(workspace, 'infra'), { recursive: true });
      writeFileSync(join(workspace, name), text);
    }
    // The first run installs and builds the fresh checkout; later runs find dist/ there.
    install = await runAction(actionPath, workspace, { paths: 'infra/good.yaml' });
    console.log(`action install step (npm ci + build) and first run: ${install.ran.join(', ')}`);
  }, 300_000);

  it('installs and builds its own checkout, then lints', () => {
    expect(install.status, install.stdout + install.stderr).toBe(0);
    expect(install.ran).toEqual(['Install trustlint', 'Run trustlint']);
    expect(install.stdout).toContain(`${PKG.version}\n`);
    expect(existsSync(join(actionPath, 'dist/cli.js'))).toBe(true);
  });

  it('defaults: SARIF for code scanning in trustlint.sarif; findings fail the step', async () => {
    const r = await runAction(actionPath, workspace, { paths: 'infra' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.outputs).toEqual({ 'exit-code': '1', report: 'trustlint.sarif' });
    const sarif = JSON.parse(readFileSync(join(workspace, 'trustlint.sarif'), 'utf8')) as Sarif;
    expect(sarif.version).toBe('2.1.0');
    const [run] = sarif.runs;
    expect(run.results.length).toBeGreaterThan(3);
    for (const res of run.results) {
      const loc = res.locations[0].physicalLocation.artifactLocation;
      expect(loc).toEqual({ uri: 'infra/bad.yaml', uriBaseId: '%SRCROOT%' });
      expect(Object.keys(res.partialFingerprints).length).toBeGreaterThan(0);
    }
    for (const rule of run.tool.driver.rules) expect(rule.properties['security-severity'], rule.id).toBeDefined();
  });

  it('fail-on-findings: false passes the step and still reports the exit status', async () => {
    const r = await runAction(actionPath, workspace, { paths: 'infra', 'fail-on-findings': 'false', output: 'reports/trustlint.sarif' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '1', report: 'reports/trustlint.sarif' });
    expect(existsSync(join(workspace, 'reports/trustlint.sarif'))).toBe(true);
  });

  it('a usage error writes no report, and the action hands none on', async () => {
    // A report of an earlier run at that path must not pass for this one's.
    writeFileSync(join(workspace, 'stale.sarif'), '{}');
    const r = await runAction(actionPath, workspace, { paths: 'infra', output: 'stale.sarif', args: '--rule no-such-rule=off' });
    expect(r.status).toBe(2);
    expect(r.outputs).toEqual({ 'exit-code': '2', report: '' });
    expect(existsSync(join(workspace, 'stale.sarif'))).toBe(false);
    expect(r.stdout).toContain('trustlint: no report was written (exit status 2)');
  });

  it('format: github with no output prints workflow annotations', async () => {
    const r = await runAction(actionPath, workspace, { paths: 'infra', format: 'github', output: '' });
    expect(r.status).toBe(1);
    expect(r.outputs).toEqual({ 'exit-code': '1', report: '' });
    expect(r.stdout).toMatch(/^::error file=infra\/bad\.yaml,line=24,col=31,endLine=24,endColumn=41,title=missing-audience::/m);
    expect(r.stdout).toMatch(/^::warning file=infra\/bad\.yaml,line=63,col=58,.*title=wildcard-subject::/m);
  });

  it('paths: globs reach trustlint unexpanded, newlines separate paths; args are passed on', async () => {
    const glob = await runAction(actionPath, workspace, { paths: '**/good.yaml\n  infra/good.yaml', format: 'json', output: 'out.json' });
    expect(glob.status, glob.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(workspace, 'out.json'), 'utf8')) as { summary: { files: number } };
    expect(report.summary.files).toBe(1);
    const off = ['missing-audience', 'wildcard-subject', 'unknown-action', 'federated-principal-mismatch'].map((id) => `--rule ${id}=off`).join(' ');
    const quiet = await runAction(actionPath, workspace, { paths: 'infra', format: 'stylish', output: '', args: off });
    expect(quiet.status, quiet.stdout).toBe(0);
  });

  it('a usage error fails the step even with fail-on-findings: false', async () => {
    const r = await runAction(actionPath, workspace, { paths: 'infra', args: '--max-warnings many', 'fail-on-findings': 'false' });
    expect(r.status).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stderr).toContain('--max-warnings expects a whole number');
  });

  describe('docs/integrations/github.md', () => {
    interface Workflow {
      on: unknown;
      permissions?: Record<string, string>;
      jobs: Record<string, { 'runs-on': string; permissions?: Record<string, string>; steps: Step[] }>;
    }
    const blocks = codeBlocks('docs/integrations/github.md').filter((b) => b.lang === 'yaml');
    const workflows = blocks.filter((b) => b.code.startsWith('# .github/workflows/')).map((b) => parseYaml(b.code) as Workflow);

    it('has a code scanning workflow and an annotations workflow, both using the action correctly', async () => {
      expect(workflows).toHaveLength(2);
      const kinds: string[] = [];
      for (const wf of workflows) {
        expect(wf.on).toBeDefined();
        expect(wf.permissions).toEqual({ contents: 'read' });
        for (const job of Object.values(wf.jobs)) {
          expect(job['runs-on']).toBe('ubuntu-latest');
          expect(job.steps[0].uses).toBe('actions/checkout@v4');
          const i = job.steps.findIndex((s) => s.uses?.startsWith('trustlint/trustlint@'));
          expect(i).toBeGreaterThan(0);
          const step = job.steps[i];
          expect(step.uses).toBe(`trustlint/trustlint@v${PKG.version}`);
          const withInputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
          for (const k of Object.keys(withInputs)) expect(ACTION.inputs, k).toHaveProperty(k);

          const ws = tempDir('workflow');
          mkdirSync(join(ws, 'infra'));
          writeFileSync(join(ws, 'infra/bad.yaml'), BAD_TEMPLATE);
          const r = await runAction(actionPath, ws, withInputs);
          expect(r.status).toBe(1);

          const upload = job.steps.slice(i + 1).find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
          if (upload) {
            kinds.push('sarif');
            expect(upload.uses).toBe('github/codeql-action/upload-sarif@v3');
            expect(job.permissions?.['security-events']).toBe('write');
            // The upload runs when the trustlint step failed on findings.
            expect(upload.if).toMatch(/!cancelled\(\)|always\(\)/);
            const file = upload.with!.sarif_file;
            expect(file).toBe(withInputs.output ?? ACTION.inputs.output.default);
            expect((JSON.parse(readFileSync(join(ws, file), 'utf8')) as Sarif).runs[0].results.length).toBeGreaterThan(0);
          } else {
            kinds.push('annotations');
            expect(withInputs.format).toBe('github');
            expect(withInputs.output).toBe('');
            expect(r.stdout).toMatch(/^::error file=infra\/bad\.yaml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[\w-]+::/m);
          }
        }
      }
      expect(kinds.sort()).toEqual(['annotations', 'sarif']);
    }, 60_000);

    it('the inputs table lists every input with its default, and the npx example the current version', () => {
      const text = readFileSync(join(ROOT, 'docs/integrations/github.md'), 'utf8');
      for (const [k, input] of Object.entries(ACTION.inputs)) {
        const row = text.split('\n').find((l) => l.startsWith(`| \`${k}\` |`));
        expect(row, k).toBeDefined();
        expect(row!.split('|')[2].trim(), k).toBe(input.default ? `\`${input.default}\`` : '');
      }
      for (const k of Object.keys(ACTION.outputs)) expect(text).toContain(`| \`${k}\` |`);
      const npx = blocks.find((b) => b.code.includes('npx --yes trustlint@'));
      expect(npx?.code).toContain(`npx --yes trustlint@${PKG.version} `);
      expect(() => parseYaml(npx!.code)).not.toThrow();
    });
  });
});
