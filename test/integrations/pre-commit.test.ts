/**
 * The pre-commit hook under the real `pre-commit` (Debian's package; .ci/run installs it). The
 * working tree is copied into a temporary git repository — so the hook is tested as it is, committed
 * or not — and pre-commit installs it from there as it would from GitHub: `npm install`, the
 * `prepare` build, `npm pack`, `npm install -g` of the tarball, with the system node.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TEMPLATE, GOOD_TEMPLATE, GIT_ENV, PKG, ROOT, codeBlocks, exec, gitRepo, ok, snapshot, removeTempDirs, tempDir, which } from './helpers.js';

const PRE_COMMIT = which('pre-commit');
const MISSING = 'pre-commit is not installed: `apt-get install pre-commit` (.ci/run installs it, so CI always runs these tests)';
// Installing the hook takes pre-commit a few tens of seconds (npm install, two builds, npm install -g).
const INSTALL_TIMEOUT = 240_000;

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  types: string[];
}
const HOOKS = parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

if (!PRE_COMMIT && !process.env.CI) console.warn(`pre-commit tests skipped: ${MISSING}`);


afterAll(removeTempDirs);
describe('.pre-commit-hooks.yaml', () => {
  it('declares the trustlint hook: node, the `trustlint` bin, every format trustlint reads', () => {
    expect(HOOKS.map((h) => h.id)).toEqual(['trustlint']);
    const [hook] = HOOKS;
    expect(hook).toMatchObject({ name: 'trustlint', entry: 'trustlint', language: 'node', types: ['file'] });
    expect(Object.keys(PKG.bin)).toContain(hook.entry);
    // pre-commit matches `files` with Python's re.search; this pattern means the same in JavaScript.
    const files = new RegExp(hook.files);
    for (const name of ['a.json', 'infra/main.tf.json', 'cfn/stack.yaml', 'cfn/stack.yml', 'stack.template', 'cdk.out/App.template.json', 'main.tf', 'policy.json.tpl', 'trust.tftpl', 'assume_role.tpl', 'trust.tmpl', 'plan.json']) {
      expect(files.test(name), name).toBe(true);
    }
    for (const name of ['README.md', 'main.js', 'notes.tpl.bak', 'a.json.bak', 'Dockerfile', 'yaml', 'template.txt']) expect(files.test(name), name).toBe(false);
  });

  it.runIf(!PRE_COMMIT && process.env.CI)('pre-commit is installed in CI', () => {
    expect(PRE_COMMIT, MISSING).toBeDefined();
  });
});

describe.skipIf(!PRE_COMMIT)('pre-commit (real)', () => {
  let hookRepo: string;
  let work: string;
  let home: string;
  const env = () => ({ ...GIT_ENV, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never', NO_COLOR: '1', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' });

  beforeAll(async () => {
    const base = tempDir('pre-commit');
    hookRepo = join(base, 'trustlint');
    home = join(base, 'home');
    work = join(base, 'work');
    snapshot(hookRepo);
    await gitRepo(hookRepo, {});
    await gitRepo(work, { 'infra/bad.yaml': BAD_TEMPLATE, 'infra/good.yaml': GOOD_TEMPLATE, 'README.md': '# app\n' });
  }, 60_000);

  it('validates the manifest with pre-commit itself', async () => {
    ok(await exec(PRE_COMMIT!, ['validate-manifest', join(ROOT, '.pre-commit-hooks.yaml')], { cwd: ROOT, env: env() }), 'pre-commit validate-manifest');
  });

  it(
    'try-repo: the hook fails on a bad template, with trustlint’s findings in its output',
    async () => {
      const r = await exec(PRE_COMMIT!, ['try-repo', hookRepo, 'trustlint', '--files', 'infra/bad.yaml', '--color', 'never'], { cwd: work, env: env() });
      const out = r.stdout + r.stderr;
      expect(r.status, out).toBe(1);
      expect(out).toMatch(/^trustlint\.+Failed$/m);
      expect(out).toContain('infra/bad.yaml');
      expect(out).toMatch(/24:31 +error .*missing-audience/);
      expect(out).toMatch(/28:58 +error .*wildcard-subject/);
      console.log(`pre-commit try-repo (install + run, bad template): ${(r.ms / 1000).toFixed(1)} s`);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'try-repo: the hook passes a good template',
    async () => {
      const r = await exec(PRE_COMMIT!, ['try-repo', hookRepo, 'trustlint', '--files', 'infra/good.yaml', 'README.md', '--color', 'never', '--verbose'], { cwd: work, env: env() });
      const out = r.stdout + r.stderr;
      expect(r.status, out).toBe(0);
      expect(out).toMatch(/^trustlint\.+Passed$/m);
      console.log(`pre-commit try-repo (install + run, good template): ${(r.ms / 1000).toFixed(1)} s`);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'the config of docs/integrations/pre-commit.md: `git commit` of a bad template is refused, of a good one goes through',
    async () => {
      const [block] = codeBlocks('docs/integrations/pre-commit.md').filter((b) => b.lang === 'yaml' && b.code.startsWith('# .pre-commit-config.yaml'));
      expect(block, 'a yaml block starting with `# .pre-commit-config.yaml`').toBeDefined();
      const config = parseYaml(block.code) as { repos: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }> };
      expect(config.repos[0].rev).toBe(`v${PKG.version}`);
      expect(config.repos[0].hooks.map((h) => h.id)).toEqual(HOOKS.map((h) => h.id));

      const docsConfig = join(work, 'docs-config.yaml');
      writeFileSync(docsConfig, block.code);
      ok(await exec(PRE_COMMIT!, ['validate-config', docsConfig], { cwd: work, env: env() }), 'pre-commit validate-config');

      // The same config, pointing at the local copy of this repository at its commit.
      const head = ok(await exec('git', ['rev-parse', 'HEAD'], { cwd: hookRepo, env: GIT_ENV }), 'git rev-parse').stdout.trim();
      writeFileSync(join(work, '.pre-commit-config.yaml'), block.code.replace(config.repos[0].repo, hookRepo).replace(`rev: ${config.repos[0].rev}`, `rev: ${head}`));
      ok(await exec('git', ['add', '.pre-commit-config.yaml'], { cwd: work, env: GIT_ENV }), 'git add');
      ok(await exec('git', ['commit', '-q', '--no-verify', '-m', 'pre-commit config'], { cwd: work, env: GIT_ENV }), 'git commit');
      ok(await exec(PRE_COMMIT!, ['install'], { cwd: work, env: env() }), 'pre-commit install');

      writeFileSync(join(work, 'infra/bad.yaml'), `${BAD_TEMPLATE}# edited\n`);
      ok(await exec('git', ['add', 'infra/bad.yaml'], { cwd: work, env: GIT_ENV }), 'git add');
      const refused = await exec('git', ['commit', '-m', 'bad'], { cwd: work, env: env() });
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/^trustlint\.+Failed$/m);
      ok(await exec('git', ['reset', '-q', 'HEAD', 'infra/bad.yaml'], { cwd: work, env: GIT_ENV }), 'git reset');

      writeFileSync(join(work, 'infra/good.yaml'), `${GOOD_TEMPLATE}# edited\n`);
      ok(await exec('git', ['add', 'infra/good.yaml'], { cwd: work, env: GIT_ENV }), 'git add');
      const accepted = await exec('git', ['commit', '-m', 'good'], { cwd: work, env: env() });
      expect(accepted.status, accepted.stdout + accepted.stderr).toBe(0);
      expect(accepted.stdout + accepted.stderr).toMatch(/^trustlint\.+Passed$/m);
      console.log(`git commit with the hook installed from the docs config (install + run): ${((refused.ms + accepted.ms) / 1000).toFixed(1)} s`);
    },
    INSTALL_TIMEOUT,
  );
});
