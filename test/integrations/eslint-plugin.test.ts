/**
 * The ESLint plugin under the real ESLint 9 (the `ESLint` class, flat config, jsonc-eslint-parser and
 * yaml-eslint-parser): parity with the CLI over every fixture, fixes and suggestions, options and
 * settings, and `eslint-disable` comments in YAML and JSONC.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter as ESLintLinter } from 'eslint';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import trustlint, { JSON_FILES, YAML_FILES } from '../../src/eslint-plugin/index.js';
import { run } from '../../src/cli/main.js';
import { Linter } from '../../src/linter.js';
import { fixToFixedPoint } from '../../src/fixes/apply.js';
import { docsUrl } from '../../src/engine/diagnostic.js';
import { RULES } from '../../rules/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Typed with ESLint's own types: these assignments are checked by `tsc`.
const recommended: ESLintLinter.Config[] = trustlint.configs.recommended;
const _asPlugin: ESLint.Plugin = trustlint;

function eslint(extra: ESLintLinter.Config[] = [], options: ESLint.Options = {}): ESLint {
  return new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [...recommended, ...extra], ...options });
}

async function lintText(text: string, filePath: string, extra: ESLintLinter.Config[] = [], options: ESLint.Options = {}): Promise<ESLint.LintResult> {
  const [result] = await eslint(extra, options).lintText(text, { filePath: join(ROOT, filePath) });
  return result;
}

interface Finding {
  file: string;
  ruleId: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
}

const key = (f: Finding) => `${f.file}:${f.line}:${f.column}:${f.ruleId}:${f.endLine}:${f.endColumn}:${f.message}`;
const sorted = (fs: Finding[]) => [...fs].sort((a, b) => key(a).localeCompare(key(b)));

async function cliJson(args: string[]): Promise<{ diagnostics: Array<{ file: string; ruleId: string; message: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }> }> {
  let out = '';
  await run([...args, '--format', 'json'], { cwd: ROOT, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
  return JSON.parse(out);
}

const WEB_IDENTITY_YAML = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringLike:
                token.actions.githubusercontent.com:sub: repo:*
`;

describe('ESLint plugin: shape', () => {
  it('exposes every engine rule as trustlint/<id>, written with RuleCreator (docs URL from the id)', () => {
    expect(Object.keys(trustlint.rules).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    for (const r of RULES) {
      const rule = trustlint.rules[r.meta.id];
      expect(rule.meta?.docs?.url).toBe(docsUrl(r.meta.id));
      expect(rule.meta?.docs?.description).toBe(r.meta.description);
      expect(rule.meta?.fixable === 'code').toBe(r.meta.fix === 'safe' || r.meta.fix === 'unsafe');
      expect(rule.meta?.hasSuggestions).toBe(r.meta.hasSuggestions || r.meta.fix !== 'none');
      expect((rule as { name?: string }).name).toBe(r.meta.id);
    }
    expect(trustlint.meta.name).toBe('trustlint');
    expect(trustlint.meta.version).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('recommended: JSON with jsonc-eslint-parser, YAML and .template with yaml-eslint-parser, every rule at its default severity', async () => {
    expect(recommended.map((c) => c.files)).toEqual([JSON_FILES, YAML_FILES]);
    const want = Object.fromEntries(RULES.map((r) => [`trustlint/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']));
    for (const c of recommended) expect(c.rules).toEqual(want);
    const engine = eslint();
    const parserOf = async (file: string) => ((await engine.calculateConfigForFile(join(ROOT, file))) as ESLintLinter.Config | undefined)?.languageOptions?.parser as { meta?: { name?: string } } | undefined;
    for (const f of ['a.json', 'infra/main.tf.json', 'cdk.out/Stack.template.json']) expect((await parserOf(f))?.meta?.name).toBe('jsonc-eslint-parser');
    for (const f of ['a.yaml', 'b.yml', 'stack.template']) expect((await parserOf(f))?.meta?.name).toBe('yaml-eslint-parser');
    expect(await parserOf('main.tf')).toBeUndefined();
    // An info rule (action-case) is a warning in ESLint.
    expect(RULES.find((r) => r.meta.id === 'action-case')?.meta.defaultSeverity).toBe('info');
    expect(want['trustlint/action-case']).toBe('warn');
  });
});

describe('ESLint plugin: parity with the CLI over fixtures/', () => {
  it('reports the same (rule, line, column, end, message) set as `trustlint fixtures`', async () => {
    // ESLint does not read .gitignore; the CLI's walk does. Give ESLint the same ignores.
    const ignorePatterns = readFileSync(join(ROOT, 'fixtures/.gitignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => `fixtures/${l}`);
    const results = await eslint([], { ignorePatterns }).lintFiles(['fixtures']);
    const linted = new Set(results.map((r) => r.filePath.slice(ROOT.length).replace(/\\/g, '/')));
    expect(linted.size).toBeGreaterThan(20);
    expect([...linted].some((f) => f.startsWith('fixtures/ignored/'))).toBe(false);

    const fromESLint: Finding[] = [];
    const fatal = new Map<string, ESLintLinter.LintMessage>();
    for (const r of results) {
      const file = r.filePath.slice(ROOT.length).replace(/\\/g, '/');
      for (const m of r.messages) {
        if (m.fatal) {
          fatal.set(file, m);
          continue;
        }
        expect(m.ruleId).toMatch(/^trustlint\//);
        fromESLint.push({ file, ruleId: m.ruleId!.slice('trustlint/'.length), line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message });
      }
    }

    // ESLint's recommended config enables `trustlint/unused-suppression`: the CLI's opt-in.
    const report = await cliJson(['fixtures', '--report-unused-suppressions']);
    const fromCli: Finding[] = [];
    const cliParseErrors = new Map<string, Finding>();
    for (const d of report.diagnostics) {
      // Formats ESLint has no parser for (Terraform HCL, templatefile() templates) are CLI-only.
      if (!linted.has(d.file)) {
        expect(d.file).toMatch(/\.(tf|tftpl|tpl)$/);
        continue;
      }
      const f = { file: d.file, ruleId: d.ruleId, line: d.range.start.line, column: d.range.start.column, endLine: d.range.end.line, endColumn: d.range.end.column, message: d.message };
      if (fatal.has(d.file)) {
        expect(d.ruleId).toBe('parse-error');
        cliParseErrors.set(d.file, f);
      } else fromCli.push(f);
    }

    expect(fromESLint.length).toBeGreaterThan(40);
    expect(sorted(fromESLint)).toEqual(sorted(fromCli));
    // A file ESLint's own parser rejects is a fatal ESLint "Parsing error" (ruleId null), and the
    // CLI reports trustlint's parse-error in it; the trustlint rules never run there.
    expect([...fatal.keys()].sort()).toEqual(['fixtures/broken/bad.json', 'fixtures/broken/truncated.yaml']);
    expect([...cliParseErrors.keys()].sort()).toEqual([...fatal.keys()].sort());
    const badJson = fatal.get('fixtures/broken/bad.json')!;
    expect(badJson.ruleId).toBeNull();
    expect(badJson.message).toMatch(/^Parsing error/);
    expect([badJson.line, badJson.column]).toEqual([cliParseErrors.get('fixtures/broken/bad.json')!.line, cliParseErrors.get('fixtures/broken/bad.json')!.column]);
  });

  it('passes trustlint settings through `settings.trustlint` (the config file’s `providers`)', async () => {
    const dir = 'fixtures/rules/untrusted-subject-owner';
    const config = parseYaml(readFileSync(join(ROOT, dir, 'trustlint.config.yaml'), 'utf8')) as { providers: Record<string, unknown> };
    const results = await eslint([{ settings: { trustlint: { providers: config.providers } } }]).lintFiles([`${dir}/deploy-roles.yaml`]);
    const fromESLint = results[0].messages.filter((m) => m.ruleId === 'trustlint/untrusted-subject-owner').map((m) => `${m.line}:${m.column}`);
    const report = await cliJson(['--config', `${dir}/trustlint.config.yaml`, `${dir}/deploy-roles.yaml`]);
    const fromCli = report.diagnostics.filter((d) => d.ruleId === 'untrusted-subject-owner').map((d) => `${d.range.start.line}:${d.range.start.column}`);
    expect(fromCli.length).toBeGreaterThan(0);
    expect(fromESLint).toEqual(fromCli);
    // Without the settings the rule has no allow-list and stays silent.
    const plain = await eslint().lintFiles([`${dir}/deploy-roles.yaml`]);
    expect(plain[0].messages.filter((m) => m.ruleId === 'trustlint/untrusted-subject-owner')).toEqual([]);
  });
});

describe('ESLint plugin: fixes and suggestions', () => {
  it('`eslint --fix` applies exactly the safe fixes `trustlint --fix` applies', async () => {
    for (const file of ['fixtures/rules/action-case/ci-roles.yaml', 'fixtures/rules/policy-syntax/ci-policies.yaml']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const [result] = await eslint([], { fix: true }).lintText(text, { filePath: join(ROOT, file) });
      const linter = new Linter();
      const expected = fixToFixedPoint(file, text, (t) => linter.lintText(file, t, false).diagnostics, { unsafe: false }).output;
      expect(expected).not.toBe(text);
      expect(result.output).toBe(expected);
    }
  });

  it('offers unsafe fixes and suggestions as ESLint suggestions, never as --fix', async () => {
    const result = await lintText(WEB_IDENTITY_YAML, 'role.yaml');
    const missing = result.messages.find((m) => m.ruleId === 'trustlint/missing-audience')!;
    expect(missing.fix).toBeUndefined();
    const [engine] = new Linter().lintText('role.yaml', WEB_IDENTITY_YAML, false).diagnostics.filter((d) => d.ruleId === 'missing-audience');
    const offered = [...(engine.fix ? [engine.fix] : []), ...(engine.suggestions ?? [])];
    expect(offered.length).toBeGreaterThan(0);
    expect(missing.suggestions?.map((s) => s.desc)).toEqual(offered.map((f) => f.title));
    // The suggestion's edit, applied, is the engine's edit applied.
    const s = missing.suggestions![0];
    const applied = WEB_IDENTITY_YAML.slice(0, s.fix.range[0]) + s.fix.text + WEB_IDENTITY_YAML.slice(s.fix.range[1]);
    expect(applied).toContain('token.actions.githubusercontent.com:aud');
    const after = await lintText(applied, 'role.yaml');
    expect(after.messages.some((m) => m.ruleId === 'trustlint/missing-audience')).toBe(false);
    // Nothing here is safe: --fix leaves the file alone.
    const [fixed] = await eslint([], { fix: true }).lintText(WEB_IDENTITY_YAML, { filePath: join(ROOT, 'role.yaml') });
    expect(fixed.output).toBeUndefined();
  });
});

describe('ESLint plugin: locations', () => {
  it('reports at the same line and column as the CLI in a CRLF file, with a non-ASCII line before', async () => {
    const text = `# Rôle de déploiement — ünïcode\n${WEB_IDENTITY_YAML}`.replace(/\n/g, '\r\n');
    const result = await lintText(text, 'crlf.yaml');
    const engine = new Linter().lintText('crlf.yaml', text, false).diagnostics;
    expect(result.messages.map((m) => [m.ruleId, m.line, m.column, m.endLine, m.endColumn])).toEqual(
      engine.map((d) => [`trustlint/${d.ruleId}`, d.range.start.line, d.range.start.column, d.range.end.line, d.range.end.column]),
    );
    expect(result.messages.length).toBe(2);
  });

  it('surfaces trustlint parse errors ESLint’s parser does not see (a policy in a JSON string) as trustlint/parse-error', async () => {
    const text = `Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'\n`;
    const result = await lintText(text, 'string-policy.yaml');
    const engine = new Linter().lintText('string-policy.yaml', text, false).diagnostics;
    expect(engine.map((d) => d.ruleId)).toEqual(['parse-error']);
    expect(result.messages.map((m) => [m.ruleId, m.line, m.column, m.fatal ?? false])).toEqual([['trustlint/parse-error', engine[0].range.start.line, engine[0].range.start.column, false]]);
  });
});

describe('ESLint plugin: options', () => {
  it('validates options against the rule’s schema and runs the rule with them', async () => {
    const text = WEB_IDENTITY_YAML.replace(
      '              StringLike:',
      '              StringEquals:\n                token.actions.githubusercontent.com:aud: https://github.com/octo-org\n              StringLike:',
    );
    const plain = await lintText(text, 'aud.yaml');
    expect(plain.messages.some((m) => m.ruleId === 'trustlint/unexpected-audience')).toBe(true);
    const configured = await lintText(text, 'aud.yaml', [{ rules: { 'trustlint/unexpected-audience': ['error', { audiences: { github: ['https://github.com/octo-org'] } }] } }]);
    expect(configured.messages.some((m) => m.ruleId === 'trustlint/unexpected-audience')).toBe(false);
    // The other rules still report, once each.
    expect(configured.messages.filter((m) => m.ruleId === 'trustlint/wildcard-subject')).toHaveLength(1);
    await expect(lintText(text, 'aud.yaml', [{ rules: { 'trustlint/unexpected-audience': ['error', { audience: [] }] } }])).rejects.toThrow(/should NOT have additional properties/);
    await expect(lintText(text, 'aud.yaml', [{ rules: { 'trustlint/missing-audience': ['error', {}] } }])).rejects.toThrow(/should NOT have more than 0 items/);
  });
});

describe('ESLint plugin: eslint-disable comments', () => {
  it('work in YAML (# comments), next-line and block forms', async () => {
    const before = await lintText(WEB_IDENTITY_YAML, 'disable.yaml');
    expect(before.messages.map((m) => m.ruleId).sort()).toEqual(['trustlint/missing-audience', 'trustlint/wildcard-subject']);

    const nextLine = WEB_IDENTITY_YAML.replace(
      '                token.actions.githubusercontent.com:sub: repo:*',
      '                # eslint-disable-next-line trustlint/wildcard-subject -- sandbox account\n                token.actions.githubusercontent.com:sub: repo:*',
    );
    const r1 = await lintText(nextLine, 'disable.yaml');
    expect(r1.messages.map((m) => m.ruleId)).toEqual(['trustlint/missing-audience']);
    expect(r1.suppressedMessages.map((m) => [m.ruleId, m.suppressions?.[0]?.justification])).toEqual([['trustlint/wildcard-subject', 'sandbox account']]);

    const block = `# eslint-disable trustlint/missing-audience, trustlint/wildcard-subject\n${WEB_IDENTITY_YAML}# eslint-enable\n`;
    expect((await lintText(block, 'disable.yaml')).messages).toEqual([]);

    // A directive for a rule that reports nothing there is reported as unused, as for JavaScript.
    const unused = `# eslint-disable-next-line trustlint/unknown-action\n${WEB_IDENTITY_YAML}`;
    const r2 = await lintText(unused, 'disable.yaml', [{ linterOptions: { reportUnusedDisableDirectives: 'error' } }]);
    expect(r2.messages.some((m) => m.ruleId === null && /Unused eslint-disable directive/.test(m.message))).toBe(true);
  });

  it('trustlint’s own suppression comments apply too, and unused ones are trustlint/unused-suppression', async () => {
    const suppressed = WEB_IDENTITY_YAML.replace(
      '                token.actions.githubusercontent.com:sub: repo:*',
      '                # trustlint-disable-next-line wildcard-subject -- sandbox account\n                token.actions.githubusercontent.com:sub: repo:*',
    );
    const r1 = await lintText(suppressed, 'suppress.yaml');
    expect(r1.messages.map((m) => m.ruleId)).toEqual(['trustlint/missing-audience']);
    const unused = `# trustlint-disable-next-line unknown-action -- nothing here\n${WEB_IDENTITY_YAML}`;
    const r2 = await lintText(unused, 'suppress.yaml');
    const engine = new Linter({ config: { rules: {}, reportUnusedSuppressions: true } }).lintText('suppress.yaml', unused, false).diagnostics;
    expect(engine.map((d) => d.ruleId)).toContain('unused-suppression');
    expect(r2.messages.map((m) => [m.ruleId, m.line, m.column]).sort()).toEqual(engine.map((d) => [`trustlint/${d.ruleId}`, d.range.start.line, d.range.start.column]).sort());
    // Turned off in ESLint, it is not reported.
    const r3 = await lintText(unused, 'suppress.yaml', [{ rules: { 'trustlint/unused-suppression': 'off' } }]);
    expect(r3.messages.map((m) => m.ruleId)).not.toContain('trustlint/unused-suppression');
  });

  it('work in JSONC (// and /* */ comments)', async () => {
    const policy = (comment: string) => `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        "StringLike": {
          ${comment}
          "token.actions.githubusercontent.com:sub": "repo:*"
        }
      }
    }
  ]
}
`;
    const plain = await lintText(policy(''), 'trust.json');
    expect(plain.messages.map((m) => [m.ruleId, m.line])).toEqual([['trustlint/wildcard-subject', 12]]);
    expect((await lintText(policy('// eslint-disable-next-line trustlint/wildcard-subject'), 'trust.json')).messages).toEqual([]);
    expect((await lintText(policy('/* eslint-disable-next-line trustlint/wildcard-subject */'), 'trust.json')).messages).toEqual([]);
    // A directive for another rule suppresses nothing, and ESLint says so (by default a warning).
    const other = await lintText(policy('// eslint-disable-next-line trustlint/missing-audience'), 'trust.json');
    expect(other.messages.map((m) => [m.ruleId, m.line])).toEqual([
      [null, 11],
      ['trustlint/wildcard-subject', 12],
    ]);
    expect(other.messages[0].message).toMatch(/Unused eslint-disable directive .*trustlint\/missing-audience/);
  });
});
