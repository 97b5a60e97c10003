import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type CliIO } from '../src/cli/main.js';
import { findConfig, loadConfig } from '../src/cli/config-file.js';

const BAD_TRUST = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      "StringLike": { "token.actions.githubusercontent.com:sub": "repo:*" }
    }
  }]
}
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustlint-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} };
  const code = await run(argv, io);
  return { code, out, err };
}

const ruleIds = async (cwd: string, argv: string[] = []) => {
  const r = await cli(['--format', 'json', ...argv], cwd);
  return { code: r.code, err: r.err, found: (JSON.parse(r.out || '{"diagnostics":[]}').diagnostics as Array<{ ruleId: string; severity: string; file: string }>).map((d) => `${d.file}:${d.ruleId}:${d.severity}`) };
};

describe('config file', () => {
  it('is found upward from the working directory and sets severities', async () => {
    const dir = project({ 'trustlint.config.yaml': 'rules:\n  wildcard-subject: warning\n', 'infra/trust.json': BAD_TRUST });
    const r = await ruleIds(join(dir, 'infra'));
    expect(r.found).toContain('trust.json:wildcard-subject:warning');
    expect(r.found.every((f) => !f.endsWith(':error'))).toBe(true);
    expect(r.code).toBe(0);
  });

  it('accepts JSON, [severity, options] and ignore globs relative to the config file', async () => {
    const dir = project({
      'trustlint.config.json': JSON.stringify({ rules: { 'wildcard-subject': ['error', {}] }, ignore: ['legacy/**'] }),
      'legacy/trust.json': BAD_TRUST,
      'live/trust.json': BAD_TRUST,
    });
    const r = await ruleIds(dir);
    expect(r.found.some((f) => f.startsWith('legacy/'))).toBe(false);
    expect(r.found).toContain('live/trust.json:wildcard-subject:error');
  });

  it('--rule overrides the config file; --config names one explicitly', async () => {
    const dir = project({ 'cfg/strict.yaml': 'rules:\n  wildcard-subject: off\n', 'trust.json': BAD_TRUST });
    expect((await ruleIds(dir, ['--config', 'cfg/strict.yaml'])).found.some((f) => f.includes('wildcard-subject'))).toBe(false);
    expect((await ruleIds(dir, ['--config', 'cfg/strict.yaml', '--rule', 'wildcard-subject=info'])).found).toContain('trust.json:wildcard-subject:info');
  });

  it.each([
    ['rules:\n  wildcard-subject: loud\n', 'trustlint.config.yaml:2:21: rules.wildcard-subject: severity must be off, info, warning or error'],
    ['rules:\n  no-such-rule: off\n', 'trustlint.config.yaml:2:3: rules.no-such-rule: unknown rule'],
    ['rule:\n  wildcard-subject: off\n', 'trustlint.config.yaml:1:1: unknown key `rule` (expected rules, ignore, providers or reportUnusedSuppressions)'],
    ['providers:\n  github:\n    owner: [acme]\n', 'trustlint.config.yaml:3:5: providers.github.owner: unknown key (expected owners)'],
    ['providers:\n  github:\n    owners: acme\n', 'trustlint.config.yaml:3:13: providers.github.owners must be a list of strings'],
    ['ignore: "*.json"\n', 'trustlint.config.yaml:1:9: `ignore` must be a list of strings'],
    ['rules:\n  wildcard-subject: [error, {nope: 1}]\n', "rule 'wildcard-subject' has no option 'nope' (it takes no options)"],
    ['rules: [\n', 'trustlint.config.yaml:1:8'],
  ])('rejects invalid config %j with the offending key and exit 2', async (text, message) => {
    const dir = project({ 'trustlint.config.yaml': text, 'trust.json': BAD_TRUST });
    const r = await cli([], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  it('reads provider allow-lists', async () => {
    const dir = project({ 'trustlint.config.yml': 'providers:\n  github:\n    owners: [octo-org]\n  eks:\n    clusters: [ABC]\n' });
    const loaded = await loadConfig(findConfig(dir), dir);
    expect(loaded.config.providers).toEqual({ github: { owners: ['octo-org'] }, eks: { clusters: ['ABC'] } });
  });

  it('reports a missing --config file', async () => {
    const dir = project({ 'trust.json': BAD_TRUST });
    const r = await cli(['--config', 'nope.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Cannot read config file .*nope\.yaml: ENOENT/);
  });
});
