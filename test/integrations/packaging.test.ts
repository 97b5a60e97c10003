/**
 * The npm package: `npm pack` of a copy of the working tree (its `prepare` build included), the
 * tarball's contents, and a temporary project that installs the tarball and uses it — the
 * `trustlint` bin, the library, and the ESLint plugin with the configs of docs/integrations/eslint.md.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TEMPLATE, GOOD_TEMPLATE, PKG, ROOT, codeBlocks, exec, ok, snapshot, removeTempDirs, tempDir } from './helpers.js';

/** A policy with a repeated condition operator: the JSON parser reports it, the YAML parser refuses the file. */
const BAD_JSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": { "StringEquals": { "aws:PrincipalAccount": "111122223333" }, "StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }
    }
  ]
}
`;
import { RULES } from '../../rules/index.js';

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
  size: number;
  unpackedSize: number;
}

const versionOf = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;


afterAll(removeTempDirs);
describe('npm package', () => {
  let pack: PackResult;
  let tarball: string;
  let consumer: string;
  let installMs = 0;

  beforeAll(async () => {
    const base = tempDir('pack');
    const src = join(base, 'src');
    snapshot(src);
    // The build (prepare) needs the dev dependencies: borrow the repository's.
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    const packed = ok(await exec('npm', ['pack', '--json', '--pack-destination', base], { cwd: src }), 'npm pack');
    // The standard output is the JSON alone: pre-commit reads `npm pack`'s output the same way.
    [pack] = JSON.parse(packed.stdout) as PackResult[];
    tarball = join(base, pack.filename);
    console.log(`npm pack (with the prepare build): ${(packed.ms / 1000).toFixed(1)} s, ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} KiB`);

    consumer = join(base, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
    const install = ok(
      await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, `eslint@${versionOf('eslint')}`, `@eslint/js@${versionOf('@eslint/js')}`, `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`], { cwd: consumer }),
      'npm install <tarball>',
    );
    installMs = install.ms;
    console.log(`npm install of the tarball, eslint, @eslint/js, typescript and @types/node into a new project: ${(installMs / 1000).toFixed(1)} s`);
    mkdirSync(join(consumer, 'infra'));
    writeFileSync(join(consumer, 'infra/bad.yaml'), BAD_TEMPLATE);
    writeFileSync(join(consumer, 'infra/good.yaml'), GOOD_TEMPLATE);
    // A JSON policy with a duplicate key: it must reach the JSON parser (the YAML one refuses it).
    writeFileSync(join(consumer, 'infra/bad.json'), BAD_JSON);
  }, 300_000);

  it('contains dist/, docs/, the README and package.json, and nothing from tests, fixtures or sources', () => {
    const files = pack.files.map((f) => f.path).sort();
    for (const f of ['README.md', 'package.json', 'dist/cli.js', 'dist/src/cli/cli.bundle.cjs', 'dist/src/cli/cli.bundle.cache', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/eslint-plugin/index.js', 'dist/src/eslint-plugin/index.d.ts', 'dist/rules/index.js']) {
      expect(files, f).toContain(f);
    }
    for (const f of ['pre-commit.md', 'github.md', 'gitlab-ci.md', 'eslint.md']) expect(files).toContain(`docs/integrations/${f}`);
    for (const r of RULES) expect(files).toContain(`docs/rules/${r.meta.id}.md`);
    const unexpected = files.filter((f) => !/^(README\.md|package\.json|LICENSE(\.\w+)?|dist\/cli\.js|dist\/(src|rules)\/.+\.(js|d\.ts|wasm|json)|dist\/src\/cli\/cli\.bundle\.(cjs|cache)|docs\/.+\.md)$/.test(f));
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|tests|fixtures|bench|__snapshots__)\/|\.test\.|\.tsbuildinfo$/.test(f))).toEqual([]);
    // The exports point at files in the package.
    const targets = (v: unknown): string[] => (typeof v === 'string' ? [v] : Object.values(v as object).flatMap(targets));
    expect(Object.keys(PKG.exports)).toEqual(['.', './eslint-plugin', './package.json']);
    for (const target of targets(PKG.exports)) expect(files, target).toContain(target.slice(2));
  });

  it('npx trustlint --version, and the bin lints', async () => {
    const version = ok(await exec('npx', ['--no', '--', 'trustlint', '--version'], { cwd: consumer }), 'npx trustlint --version');
    expect(version.stdout).toBe(`${PKG.version}\n`);
    const bad = await exec('npx', ['--no', '--', 'trustlint', '--no-color', 'infra/bad.yaml'], { cwd: consumer });
    expect(bad.status, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/24:31 +error .*missing-audience/);
    ok(await exec('npx', ['--no', '--', 'trustlint', 'infra/good.yaml'], { cwd: consumer }), 'trustlint infra/good.yaml');
  });

  it('import("trustlint") and import("trustlint/eslint-plugin") resolve through `exports`', async () => {
    const script = `
      const { Linter } = await import('trustlint');
      const { default: plugin } = await import('trustlint/eslint-plugin');
      const fs = await import('node:fs');
      const d = new Linter().lintText('infra/bad.yaml', fs.readFileSync('infra/bad.yaml', 'utf8')).diagnostics;
      console.log(JSON.stringify({ findings: d.length, rules: Object.keys(plugin.rules).length, configs: plugin.configs.recommended.length, version: plugin.meta.version }));
    `;
    const r = ok(await exec('node', ['--input-type=module', '-e', script], { cwd: consumer }), 'node -e import');
    expect(JSON.parse(r.stdout)).toEqual({ findings: 7, rules: RULES.length, configs: 2, version: PKG.version });
    // Deep imports stay private.
    const deep = await exec('node', ['--input-type=module', '-e', "await import('trustlint/dist/src/linter.js')"], { cwd: consumer });
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('its type declarations fit ESLint’s: an eslint.config.ts with defineConfig() type-checks (skipLibCheck off)', async () => {
    writeFileSync(
      join(consumer, 'check.ts'),
      [
        "import { defineConfig } from 'eslint/config';",
        "import trustlint from 'trustlint/eslint-plugin';",
        "import { Linter, type Diagnostic } from 'trustlint';",
        '',
        "export default defineConfig([...trustlint.configs.recommended, { plugins: { trustlint }, rules: { 'trustlint/action-case': 'off' } }]);",
        "export const findings: Diagnostic[] = new Linter().lintText('a.json', '{}').diagnostics;",
        '',
      ].join('\n'),
    );
    const tsconfig = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['check.ts'] };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
    ok(await exec('npx', ['--no', '--', 'tsc', '-p', '.'], { cwd: consumer }), 'tsc in the consumer project');
  }, 60_000);

  it('npx eslint with each eslint.config.js of docs/integrations/eslint.md reports trustlint’s findings', async () => {
    const configs = codeBlocks('docs/integrations/eslint.md').filter((b) => b.lang === 'js' && b.code.startsWith('// eslint.config.js'));
    expect(configs.length).toBe(5);
    for (const [i, config] of configs.entries()) {
      writeFileSync(join(consumer, 'eslint.config.js'), config.code);
      // The whole project, as the page says to run it: eslint.config.js, package.json and tsconfig.json too.
      const r = await exec('npx', ['--no', '--', 'eslint', '--format', 'json', '.'], { cwd: consumer });
      expect(r.status, `config #${i + 1}:\n${config.code}\n${r.stderr}`).toBe(1);
      const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number; column: number }> }>;
      const of = (name: string) => results.find((x) => x.filePath === join(consumer, name))?.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`);
      expect(of('infra/bad.yaml'), `config #${i + 1}`).toContain('trustlint/missing-audience 24:31');
      expect(of('infra/bad.json'), `config #${i + 1}`).toContain('trustlint/duplicate-key 8:22');
      expect(of('infra/good.yaml'), `config #${i + 1}`).toEqual([]);
      for (const x of results) expect(x.messages.filter((m) => m.ruleId === null), `config #${i + 1}: ${x.filePath}`).toEqual([]);
    }
    // The first config is the one the page tells everyone to start with.
    expect(configs[0].code).toBe("// eslint.config.js\nimport trustlint from 'trustlint/eslint-plugin';\n\nexport default [\n  ...trustlint.configs.recommended,\n];\n");
  }, 60_000);
});
