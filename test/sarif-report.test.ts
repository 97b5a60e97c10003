/**
 * The SARIF report of `fixtures/`, as GitHub code scanning reads it: valid SARIF 2.1.0, relative
 * artifact URIs, rules with a security severity, and fingerprints that survive unrelated edits.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { run } from '../src/cli/main.js';
import { Linter } from '../src/linter.js';
import { RULES } from '../rules/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion } }>;
  partialFingerprints: Record<string, string>;
  fixes?: unknown[];
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: { 'security-severity'?: string; tags?: string[] };
}

interface SarifLog {
  version: string;
  runs: Array<{ tool: { driver: { name: string; version: string; rules: SarifRule[] } }; results: SarifResult[] }>;
}

const schema: object = JSON.parse(readFileSync(new URL('./data/sarif-2.1.0.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

let code: number;
let text: string;
let log: SarifLog;

beforeAll(async () => {
  let out = '';
  let err = '';
  code = await run(['--format', 'sarif', 'fixtures/'], {
    cwd: ROOT,
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
    env: {},
  });
  expect(err).toBe('');
  text = out;
  log = JSON.parse(out) as SarifLog;
});

describe('SARIF report of fixtures/', () => {
  it('is valid against the official SARIF 2.1.0 schema', () => {
    const ok = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(code).toBe(1);
  });

  it('has one result per finding of the JSON report, in the same order', async () => {
    let json = '';
    await run(['--format', 'json', 'fixtures/'], { cwd: ROOT, stdout: (s) => (json += s), stderr: () => {}, isTTY: false, env: {} });
    const diagnostics = (JSON.parse(json) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } } }> }).diagnostics;
    const results = log.runs[0].results;
    expect(results.map((r) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}:${r.locations[0].physicalLocation.region.startColumn}`)).toEqual(
      diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`),
    );
    expect(results.length).toBeGreaterThan(10);
  });

  it('locates every result by a relative URI against %SRCROOT%, never an absolute path', () => {
    for (const r of log.runs[0].results) {
      expect(r.locations).toHaveLength(1);
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(artifactLocation.uri).toMatch(/^fixtures\/[\w./-]+$/);
      expect(artifactLocation.uri).not.toMatch(/^(\/|file:|[A-Za-z]:)/);
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
    }
    expect(text).not.toContain(ROOT);
    expect(text).not.toContain('fixtures/ignored');
    expect(text).not.toContain('fixtures/not-ours');
  });

  it('describes every rule with a security-severity, tags and help, and every result points at its rule', () => {
    const { driver } = log.runs[0].tool;
    expect(driver.name).toBe('trustlint');
    const ids = driver.rules.map((r) => r.id);
    expect([...ids].sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    for (const rule of driver.rules) {
      expect(rule.properties['security-severity'], rule.id).toMatch(/^(10|\d)\.\d$/);
      expect(rule.properties.tags, rule.id).toContain('security');
      expect(rule.helpUri).toMatch(new RegExp(`/docs/rules/${rule.id}\\.md$`));
      expect(rule.help.markdown).not.toBe('');
      expect(rule.shortDescription.text).not.toBe('');
    }
    for (const r of log.runs[0].results) {
      expect(driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
    }
  });

  it('gives every result partial fingerprints, distinct across results', () => {
    const fps = log.runs[0].results.map((r) => {
      const values = Object.values(r.partialFingerprints ?? {});
      expect(values.length, r.ruleId).toBeGreaterThan(0);
      for (const v of values) expect(v).toMatch(/^\S{16,}$/);
      return JSON.stringify(r.partialFingerprints);
    });
    expect(new Set(fps).size).toBe(fps.length);
  });

  it('offers fixes and suggested replacements as SARIF fixes, but not display-only examples', () => {
    const withFixes = log.runs[0].results.filter((r) => r.fixes && r.fixes.length > 0);
    const ids = new Set(withFixes.map((r) => r.ruleId));
    expect(ids.has('unknown-action')).toBe(true);
    expect(ids.has('missing-audience')).toBe(true);
    // wildcard-subject only has display-only suggestions (placeholders): never a SARIF fix.
    expect(ids.has('wildcard-subject')).toBe(false);
  });
});

describe('fingerprints', () => {
  const linter = new Linter();
  const fingerprints = (path: string, text: string) =>
    linter
      .lintText(path, text)
      .diagnostics.map((d) => `${d.ruleId} ${d.fingerprint}`)
      .sort();

  it('survive comment lines inserted above the findings (CloudFormation YAML)', () => {
    const file = 'fixtures/cloudformation/github-oidc-bad.yaml';
    const original = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    const edited = `# Owned by the platform team.\n# Review changes in #platform-iam.\n# See docs/ci-roles.md\n${original}`;
    const before = linter.lintText(file, original).diagnostics;
    const after = linter.lintText(file, edited).diagnostics;
    expect(before.length).toBeGreaterThan(3);
    // The findings did move...
    expect(after.map((d) => d.range.start.line)).toEqual(before.map((d) => d.range.start.line + 3));
    // ...and their fingerprints did not.
    expect(fingerprints(file, edited)).toEqual(fingerprints(file, original));
  });

  it('survive an unrelated resource added above the findings (Terraform JSON, findings in policy strings)', () => {
    const file = 'fixtures/terraform/github.tf.json';
    const original = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    const edited = original.replace(
      '  "resource": {\n',
      '  "resource": {\n    "aws_s3_bucket": {\n      "artifacts": {\n        "bucket": "octo-deploy-artifacts"\n      }\n    },\n',
    );
    expect(edited).not.toBe(original);
    const before = linter.lintText(file, original).diagnostics;
    const after = linter.lintText(file, edited).diagnostics;
    expect(before.length).toBeGreaterThan(0);
    expect(after.map((d) => d.range.start.line)).toEqual(before.map((d) => d.range.start.line + 5));
    expect(fingerprints(file, edited)).toEqual(fingerprints(file, original));
  });

  it('change when the offending value changes', () => {
    const file = 'trust.yaml';
    const policy = (sub: string) =>
      [
        'Version: "2012-10-17"',
        'Statement:',
        '  - Effect: Allow',
        '    Principal:',
        '      Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        '    Action: sts:AssumeRoleWithWebIdentity',
        '    Condition:',
        '      StringEquals:',
        '        token.actions.githubusercontent.com:aud: sts.amazonaws.com',
        '      StringLike:',
        `        token.actions.githubusercontent.com:sub: ${sub}`,
        '',
      ].join('\n');
    const a = fingerprints(file, policy('repo:*'));
    const b = fingerprints(file, policy('repo:octo-org/*'));
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a).not.toEqual(b);
  });
});
