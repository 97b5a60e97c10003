/**
 * The token: decoding (header and payload only), the ways to pass it, that it never shows up in
 * output or errors, and the checks STS makes before it reads the policy.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt, readToken, TokenError } from '../../src/explain/token.js';
import type { Explanation } from '../../src/explain/index.js';
import { explainCli, explainPolicy, github, jwt, NOW, SIGNATURE, tempTree, IAT } from './helpers.js';

const GH = 'token.actions.githubusercontent.com';
const POLICY = [
  'Version: "2012-10-17"',
  'Statement:',
  '  - Effect: Allow',
  '    Principal:',
  `      Federated: arn:aws:iam::111122223333:oidc-provider/${GH}`,
  '    Action: sts:AssumeRoleWithWebIdentity',
  '    Condition:',
  '      StringEquals:',
  `        ${GH}:aud: sts.amazonaws.com`,
  '      StringLike:',
  `        ${GH}:sub: repo:octo-org/octo-repo:*`,
  '',
].join('\n');
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const json = (out: string) => JSON.parse(out) as Explanation;

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('decoding', () => {
  it('decodes header and payload, and keeps only whether a signature is there', () => {
    const t = decodeJwt(jwt(github()));
    expect(t).toMatchObject({ form: 'jwt', header: { alg: 'RS256', kid: 'x' }, signature: 'present' });
    expect(t.claims.sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(JSON.stringify(t)).not.toContain(SIGNATURE);
    expect(decodeJwt(`Bearer ${jwt(github())}\n`).claims.iss).toBe(`https://${GH}`);
    expect(decodeJwt(jwt(github(), { alg: 'none' }, '')).signature).toBe('absent');
  });

  it('says which part is malformed, without quoting it', () => {
    const [h, p, s] = jwt(github()).split('.');
    expect(error(() => decodeJwt(`${h}.${p}`))).toBe('a JWT has 3 parts separated by dots (header.payload.signature); this token has 2.');
    expect(error(() => decodeJwt(`${h}.${p}.${s}.x.y`))).toContain('encrypted token (JWE)');
    expect(error(() => decodeJwt(`${h}.${p}!.${s}`))).toBe("the token's payload (part 2 of 3) is not base64url: it holds characters other than A-Z, a-z, 0-9, '-' and '_'.");
    expect(error(() => decodeJwt(`${b64('not json')}.${p}.${s}`))).toBe("the token's header (part 1 of 3) decodes, but not to JSON.");
    expect(error(() => decodeJwt(`${h}.${b64('[1,2]')}.${s}`))).toBe("the token's payload (part 2 of 3) decodes to JSON that is not an object.");
    expect(error(() => decodeJwt(`${h}.${p.slice(0, -3)}a.${s}`))).toMatch(/payload \(part 2 of 3\)/);
    expect(error(() => decodeJwt(`${h}..${s}`))).toBe("the token's payload (part 2 of 3) is empty.");
    expect(error(() => decodeJwt(`${h}.${p}.${s}+/`))).toContain('signature (part 3 of 3) is not base64url');
  });

  it('reads a JWT file, a JSON object of claims, GitHub\'s {"value": ...} response and {header, payload}', () => {
    expect(readToken(`${jwt(github())}\n`, 'f').form).toBe('jwt');
    expect(readToken(JSON.stringify(github()), 'f')).toMatchObject({ form: 'claims', signature: 'not-applicable' });
    expect(readToken(JSON.stringify({ count: 1822, value: jwt(github()) }), 'f').form).toBe('jwt');
    expect(readToken(JSON.stringify({ header: { alg: 'RS256' }, payload: github() }), 'f').claims.sub).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    const secret = '{"iss": "https://x", "password": "hunter2"';
    expect(error(() => readToken(secret, 'the file t.json'))).toBe('the file t.json starts like JSON but is not valid JSON (nor a JWT).');
  });
});

describe('the token never appears in the output', () => {
  const dir = tempTree({ 'trust.yaml': POLICY });
  const token = jwt(github());
  const [header, payload] = token.split('.');

  it.each([
    ['allowed, text', github(), 'text'],
    ['allowed, json', github(), 'json'],
    ['denied, text', github({ sub: 'repo:x/y:pull_request' }), 'text'],
    ['denied, json', github({ sub: 'repo:x/y:pull_request' }), 'json'],
    ['expired, json', github({ exp: IAT - 1 }), 'json'],
  ])('%s: no signature, no raw part', async (_, claims, format) => {
    const t = jwt(claims);
    const r = await explainCli(['--policy', 'trust.yaml', '--token', t, '--now', NOW, '--format', format], dir);
    expect(r.code).toBeLessThan(2);
    for (const text of [r.out, r.err]) {
      expect(text).not.toContain(SIGNATURE);
      expect(text).not.toContain(t.split('.')[0]);
      expect(text).not.toContain(t.split('.')[1]);
    }
  });

  it('a malformed token: exit 2, the failing part named, nothing of it echoed', async () => {
    const bad = `${header}.${payload.slice(0, 20)}%%%${payload.slice(20)}.${SIGNATURE}`;
    const r = await explainCli(['--policy', 'trust.yaml', '--token', bad, '--now', NOW], dir);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe("trustlint explain: --token: the token's payload (part 2 of 3) is not base64url: it holds characters other than A-Z, a-z, 0-9, '-' and '_'.\n");
    const notJson = `${header}.${b64('sub=repo:x')}.${SIGNATURE}`;
    const r2 = await explainCli(['--policy', 'trust.yaml', `--token=${notJson}`, '--now', NOW], dir);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain("payload (part 2 of 3) decodes, but not to JSON");
    expect(r2.err).not.toContain(SIGNATURE);
    expect(r2.err).not.toContain(header);
  });

  it('a token passed where an option was expected is redacted from the usage error', async () => {
    const r = await explainCli(['--policy', 'trust.yaml', token, '--now', NOW], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('<redacted>');
    expect(r.err).not.toContain(header);
    expect(r.err).not.toContain(SIGNATURE);
  });

  it('a value that is neither a file nor a JWT is not echoed', async () => {
    const r = await explainCli(['--policy', 'trust.yaml', '--token', 'hunter2-secret', '--now', NOW], dir);
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('hunter2');
    expect(r.err).toContain('neither a readable file nor a JWT');
    const missing = await explainCli(['--policy', 'trust.yaml', '--token', 'tokens/ci.jwt', '--now', NOW], dir);
    expect(missing.err).toBe('trustlint explain: --token: no such file: tokens/ci.jwt.\n');
  });
});

describe('ways to pass the token', () => {
  const dir = tempTree({
    'trust.yaml': POLICY,
    'token.jwt': `${jwt(github())}\n`,
    'claims.json': JSON.stringify(github(), null, 2),
    'id-token-response.json': JSON.stringify({ count: 1822, value: jwt(github()) }),
  });
  const run = (token: string, stdin?: string) => explainCli(['--policy', 'trust.yaml', '--token', token, '--now', NOW, '--format', 'json'], dir, stdin);

  it.each(['token.jwt', 'claims.json', 'id-token-response.json'])('from the file %s', async (file) => {
    const r = await run(file);
    expect(r.code, r.err).toBe(0);
    expect(json(r.out).token.form).toBe(file === 'claims.json' ? 'claims' : 'jwt');
  });

  it('from standard input with -', async () => {
    const r = await run('-', `${jwt(github())}\n`);
    expect(r.code, r.err).toBe(0);
    expect(json(r.out).token).toMatchObject({ form: 'jwt', header: { alg: 'RS256', kid: 'x' }, signature: 'present' });
    const empty = await run('-', '');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('standard input is empty');
  });
});

describe('checks before the policy', () => {
  const check = (e: Explanation, id: string) => e.checks.find((c) => c.id === id);

  it('an expired token is DENIED by the expiry check, whatever the policy says', async () => {
    const { code, report } = await explainPolicy('trust.yaml', POLICY, github({ exp: IAT + 30 }));
    expect(code).toBe(1);
    expect(report.verdict).toBe('DENIED');
    expect(report.deciding).toEqual([expect.objectContaining({ kind: 'check', check: 'token-expiry' })]);
    expect(check(report, 'token-expiry')!.message).toBe('the token expired at 2025-06-01T12:00:30.000Z, 30s before 2025-06-01T12:01:00.000Z: STS answers "ExpiredTokenException"');
    expect(report.statements[0].result).toBe('match');
  });

  it('a token not yet valid (nbf) is DENIED', async () => {
    const { report } = await explainPolicy('trust.yaml', POLICY, github({ nbf: IAT + 3600, exp: IAT + 7200 }));
    expect(report.verdict).toBe('DENIED');
    expect(check(report, 'token-not-before')).toMatchObject({ result: 'fail', actual: ['2025-06-01T13:00:00.000Z'] });
  });

  it('a token without sub, or with an issuer that is not https, is DENIED', async () => {
    const noSub = github();
    delete noSub.sub;
    const { report } = await explainPolicy('trust.yaml', POLICY, noSub);
    expect(check(report, 'token-claims')).toMatchObject({ result: 'fail', message: expect.stringContaining('no `sub` claim') });
    const http = await explainPolicy('trust.yaml', POLICY, github({ iss: 'http://token.actions.githubusercontent.com' }));
    expect(check(http.report, 'token-issuer')?.result).toBe('fail');
  });

  it('an unsigned token is DENIED', async () => {
    const dir = tempTree({ 'trust.yaml': POLICY });
    const r = await explainCli(['--policy', 'trust.yaml', '--token', jwt(github(), { alg: 'none' }, ''), '--now', NOW, '--format', 'json'], dir);
    expect(check(json(r.out), 'token-signed')?.result).toBe('fail');
  });

  it('checks --role-arn, and the provider must be in the role\'s account', async () => {
    const bad = await explainPolicy('trust.yaml', POLICY, github(), ['--role-arn', 'arn:aws:iam::12345:role/deploy']);
    expect(bad.report.verdict).toBe('DENIED');
    expect(check(bad.report, 'role-arn')).toMatchObject({ result: 'fail', message: expect.stringContaining('the account id `12345` is not 12 digits') });
    const session = await explainPolicy('trust.yaml', POLICY, github(), ['--role-arn', 'arn:aws:sts::111122223333:assumed-role/deploy/x']);
    expect(check(session.report, 'role-arn')?.message).toContain('assumed-role session ARN');
    const ok = await explainPolicy('trust.yaml', POLICY, github(), ['--role-arn', 'arn:aws:iam::111122223333:role/ci/deploy']);
    expect(ok.report.verdict).toBe('ALLOWED');
    expect(ok.report.request.context.find((c) => c.key === 'aws:FederatedProvider')?.values).toEqual([`arn:aws:iam::111122223333:oidc-provider/${GH}`]);
    const other = await explainPolicy('trust.yaml', POLICY, github(), ['--role-arn', 'arn:aws:iam::444455556666:role/deploy']);
    expect(other.report.verdict).toBe('DENIED');
    expect(other.report.deciding).toEqual([expect.objectContaining({ kind: 'principal', location: expect.objectContaining({ line: 5, column: 18 }) })]);
    expect(other.report.statements[0].principal.hints.join(' ')).toContain("STS looks for the OIDC provider in the role's own account");
  });

  it('checks --session-name against [\\w+=,.@-]{2,64}', async () => {
    const bad = await explainPolicy('trust.yaml', POLICY, github(), ['--session-name', 'feature/login']);
    expect(bad.report.verdict).toBe('DENIED');
    expect(check(bad.report, 'session-name')?.hints.join(' ')).toContain('Slashes and colons are not allowed');
    const ok = await explainPolicy('trust.yaml', POLICY, github(), ['--session-name', 'GitHubActions']);
    expect(ok.report.verdict).toBe('ALLOWED');
    expect(check(ok.report, 'session-name')?.result).toBe('pass');
  });
});
