/**
 * Condition operators case by case, against AWS's documented truth tables
 * (IAM User Guide: "Condition operators", "Single-valued vs. multivalued context keys",
 * "Creating a condition with multiple keys or values"). `absent` is a key the request does not
 * have; `[]` an empty set; values are the policy's values (ORed).
 */
import { describe, expect, it } from 'vitest';
import { parseOperator } from '../../src/iam/conditions.js';
import { cidrContains, evaluateOperator, holeValues, type PolicyValue } from '../../src/explain/operators.js';
import type { Tri } from '../../src/explain/types.js';
import { cognito, COGNITO_POOL, explainPolicy, github, policyJson } from './helpers.js';

type Request = string | string[] | 'absent' | 'unknown';

function ev(op: string, request: Request, values: Array<string | PolicyValue>, listUnknown = false): Tri {
  const ctx = request === 'absent' ? {} : request === 'unknown' ? { unknown: true } : { values: Array.isArray(request) ? request : [request] };
  return evaluateOperator(parseOperator(op), ctx, values.map((v) => (typeof v === 'string' ? { value: v } : v)), listUnknown).result;
}

const rule = (op: string, request: Request, values: string[]) =>
  evaluateOperator(parseOperator(op), request === 'absent' ? {} : { values: Array.isArray(request) ? request : [request as string] }, values.map((value) => ({ value }))).rule;

describe('String operators on a single-valued key', () => {
  it.each<[string, Request, string[], Tri]>([
    ['StringEquals', 'main', ['main'], 'true'],
    ['StringEquals', 'main', ['Main'], 'false'], // case-sensitive
    ['StringEquals', 'main', ['dev', 'main'], 'true'], // values are ORed
    ['StringEquals', 'main', ['m*'], 'false'], // `*` is a literal star
    ['StringEquals', 'm*', ['m*'], 'true'],
    ['StringEquals', 'absent', ['main'], 'false'],
    ['StringNotEquals', 'main', ['main'], 'false'],
    ['StringNotEquals', 'dev', ['main'], 'true'],
    ['StringNotEquals', 'dev', ['main', 'dev'], 'false'], // not equal to *any* listed value
    ['StringNotEquals', 'absent', ['main'], 'true'], // negated operator, absent key: true
    ['StringEqualsIgnoreCase', 'MAIN', ['main'], 'true'],
    ['StringNotEqualsIgnoreCase', 'MAIN', ['main'], 'false'],
    ['StringNotEqualsIgnoreCase', 'absent', ['main'], 'true'],
  ])('%s %j against %j is %s', (op, request, values, want) => {
    expect(ev(op, request, values)).toBe(want);
  });
});

describe('StringLike globs: * any run (also none), ? one character, over the whole value', () => {
  it.each<[string, string, Tri]>([
    ['repo:octo-org/octo-repo:*', 'repo:octo-org/octo-repo:ref:refs/heads/main', 'true'],
    ['repo:octo-org/octo-repo:*', 'repo:octo-org/octo-repo:', 'true'], // * matches the empty run
    ['repo:octo-org/*', 'repo:octo-org/octo-repo:pull_request', 'true'], // * crosses / and :
    ['repo:octo-org/*', 'repo:octo-org-fork/x:pull_request', 'false'],
    ['*:ref:refs/heads/main', 'repo:a/b:ref:refs/heads/main', 'true'],
    ['*:ref:refs/heads/main', 'repo:a/b:ref:refs/heads/main2', 'false'], // anchored at the end
    ['ref:refs/heads/main', 'repo:a/b:ref:refs/heads/main', 'false'], // anchored at the start
    ['v?.?', 'v1.2', 'true'],
    ['v?.?', 'v1.10', 'false'], // ? is exactly one character
    ['v?.?', 'v1.', 'false'],
    ['a.b', 'axb', 'false'], // . is literal
    ['a+(b)', 'a+(b)', 'true'], // regex characters are literal
    ['REPO:*', 'repo:x', 'false'], // case-sensitive
    ['*', '', 'true'],
  ])('%j matches %j: %s', (pattern, value, want) => {
    expect(ev('StringLike', value, [pattern])).toBe(want);
  });

  it('ORs several patterns, and StringNotLike negates all of them', () => {
    expect(ev('StringLike', 'repo:a/b:pull_request', ['repo:a/b:ref:*', 'repo:a/b:pull_request'])).toBe('true');
    expect(ev('StringNotLike', 'repo:a/b:pull_request', ['repo:a/b:ref:*', 'repo:a/b:pull_request'])).toBe('false');
    expect(ev('StringNotLike', 'repo:a/b:environment:prod', ['repo:a/b:ref:*', 'repo:a/b:pull_request'])).toBe('true');
  });

  it('StringLike on an absent key is false; StringNotLike on an absent key is true', () => {
    expect(ev('StringLike', 'absent', ['*'])).toBe('false');
    expect(ev('StringNotLike', 'absent', ['*'])).toBe('true');
    expect(rule('StringNotLike', 'absent', ['*'])).toBe('key-absent-negated');
  });
});

describe('...IfExists', () => {
  it.each<[string, Request, string[], Tri]>([
    ['StringEqualsIfExists', 'absent', ['main'], 'true'], // absent key: true
    ['StringEqualsIfExists', 'main', ['main'], 'true'],
    ['StringEqualsIfExists', 'dev', ['main'], 'false'], // present: compared as StringEquals
    ['StringLikeIfExists', 'absent', ['x*'], 'true'],
    ['StringNotEqualsIfExists', 'absent', ['main'], 'true'],
    ['StringNotEqualsIfExists', 'main', ['main'], 'false'],
    ['NumericLessThanIfExists', 'absent', ['10'], 'true'],
    ['BoolIfExists', 'absent', ['true'], 'true'],
  ])('%s %j against %j is %s', (op, request, values, want) => {
    expect(ev(op, request, values)).toBe(want);
  });
});

describe('Null', () => {
  it.each<[Request, string, Tri]>([
    ['absent', 'true', 'true'], // "the key is absent" holds
    ['main', 'true', 'false'],
    ['main', 'false', 'true'], // "the key is present" holds
    ['absent', 'false', 'false'],
    [[], 'true', 'true'], // an empty set counts as absent
  ])('request %j, Null %s: %s', (request, value, want) => {
    expect(ev('Null', request, [value])).toBe(want);
  });
});

describe('ForAllValues: every request value must match some policy value; an empty set matches', () => {
  it.each<[Request, string[], Tri]>([
    ['absent', ['authenticated'], 'true'], // the pitfall: absent key → true
    [[], ['authenticated'], 'true'], // empty set → true
    [['authenticated'], ['authenticated'], 'true'],
    [['authenticated', 'graph.facebook.com'], ['authenticated', 'graph.facebook.com', 'accounts.google.com'], 'true'],
    [['authenticated', 'cognito-identity.amazonaws.com'], ['authenticated'], 'false'], // one value outside the set
  ])('ForAllValues:StringEquals, request %j, policy %j: %s', (request, values, want) => {
    expect(ev('ForAllValues:StringEquals', request, values)).toBe(want);
  });

  it('ForAllValues with a negated operator: every value matches none of the policy values', () => {
    expect(ev('ForAllValues:StringNotEquals', ['a', 'b'], ['c'])).toBe('true');
    expect(ev('ForAllValues:StringNotEquals', ['a', 'c'], ['c'])).toBe('false');
    expect(ev('ForAllValues:StringNotEquals', 'absent', ['c'])).toBe('true');
  });

  it('reports the empty-set rule', () => {
    expect(rule('ForAllValues:StringLike', 'absent', ['x'])).toBe('for-all-values-empty');
  });
});

describe('ForAnyValue: some request value must match some policy value; an empty set does not', () => {
  const AMR = ['authenticated', 'cognito-identity.amazonaws.com', 'cognito-identity.amazonaws.com:us-east-1:pool:CognitoSignIn:abc'];
  it.each<[Request, string[], Tri]>([
    ['absent', ['authenticated'], 'false'],
    [[], ['authenticated'], 'false'],
    [AMR, ['authenticated'], 'true'], // several values, one matches
    [AMR, ['unauthenticated'], 'false'],
    [AMR, ['unauthenticated', 'cognito-identity.amazonaws.com'], 'true'], // ORed policy values
    [['unauthenticated'], ['authenticated'], 'false'],
  ])('ForAnyValue:StringLike, request %j, policy %j: %s', (request, values, want) => {
    expect(ev('ForAnyValue:StringLike', request, values)).toBe(want);
  });

  it('ForAnyValue with a negated operator: some value matches none of the policy values', () => {
    expect(ev('ForAnyValue:StringNotLike', ['authenticated', 'x'], ['authenticated'])).toBe('true');
    expect(ev('ForAnyValue:StringNotLike', ['authenticated'], ['authenticated'])).toBe('false');
    expect(ev('ForAnyValue:StringNotLike', 'absent', ['authenticated'])).toBe('false');
  });

  it('ForAnyValue:...IfExists is true for an absent key', () => {
    expect(ev('ForAnyValue:StringEqualsIfExists', 'absent', ['x'])).toBe('true');
  });
});

describe('a single-valued operator against several request values', () => {
  it('does not match (negated: matches), and says so', () => {
    expect(ev('StringLike', ['authenticated', 'cognito-identity.amazonaws.com'], ['authenticated'])).toBe('false');
    expect(ev('StringNotLike', ['authenticated', 'cognito-identity.amazonaws.com'], ['x'])).toBe('true');
    expect(rule('StringLike', ['a', 'b'], ['a'])).toBe('single-operator-multivalued');
  });

  it('compares a one-element set like a single value', () => {
    expect(ev('StringEquals', ['sts.amazonaws.com'], ['sts.amazonaws.com'])).toBe('true');
  });
});

describe('Numeric, Date, Bool, Arn, IpAddress, Binary', () => {
  it.each<[string, string, string, Tri]>([
    ['NumericEquals', '10', '10.0', 'true'],
    ['NumericNotEquals', '10', '11', 'true'],
    ['NumericLessThan', '9', '10', 'true'],
    ['NumericLessThanEquals', '10', '10', 'true'],
    ['NumericGreaterThan', '10', '10', 'false'],
    ['NumericGreaterThanEquals', '11', '10', 'true'],
    ['NumericEquals', 'ten', '10', 'false'],
    ['DateLessThan', '2025-06-01T12:00:00Z', '2025-07-01T00:00:00Z', 'true'],
    ['DateGreaterThan', '2025-06-01T12:00:00Z', '2025-07-01T00:00:00Z', 'false'],
    ['DateEquals', '2025-06-01T12:00:00Z', '1748779200', 'true'], // epoch seconds
    ['DateNotEquals', '2025-06-01T12:00:00Z', '2025-06-01T12:00:00Z', 'false'],
    ['Bool', 'true', 'TRUE', 'true'],
    ['Bool', 'false', 'true', 'false'],
    ['ArnLike', 'arn:aws:iam::111122223333:oidc-provider/gitlab.com', 'arn:aws:iam::*:oidc-provider/*', 'true'],
    ['ArnEquals', 'arn:aws:iam::111122223333:oidc-provider/gitlab.com', 'arn:aws:iam::111122223333:oidc-provider/gitlab.com', 'true'],
    ['ArnLike', 'arn:aws:iam::111122223333:oidc-provider/gitlab.com', 'arn:aws:iam::444455556666:*', 'false'],
    ['ArnNotLike', 'arn:aws:iam::111122223333:oidc-provider/gitlab.com', 'arn:aws:iam::444455556666:*', 'true'],
    ['IpAddress', '203.0.113.7', '203.0.113.0/24', 'true'],
    ['IpAddress', '203.0.114.7', '203.0.113.0/24', 'false'],
    ['NotIpAddress', '203.0.114.7', '203.0.113.0/24', 'true'],
    ['IpAddress', '2001:db8:1234:5678::1', '2001:DB8:1234:5678::/64', 'true'],
    ['BinaryEquals', 'QmluYXJ5', 'QmluYXJ5', 'true'],
  ])('%s %j against %j: %s', (op, request, value, want) => {
    expect(ev(op, request, [value])).toBe(want);
  });

  it('IP operators on an absent key (no source IP offline): IpAddress false, NotIpAddress true', () => {
    expect(ev('IpAddress', 'absent', ['10.0.0.0/8'])).toBe('false');
    expect(ev('NotIpAddress', 'absent', ['10.0.0.0/8'])).toBe('true');
  });

  it('matches CIDR ranges of both families', () => {
    expect(cidrContains('10.0.0.0/8', '10.255.1.2')).toBe(true);
    expect(cidrContains('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(cidrContains('::ffff:192.0.2.0/120', '::ffff:192.0.2.9')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '2001:db8::1')).toBe(false);
  });
});

describe('values the file does not determine', () => {
  const hole = (value: string, holeText: string): PolicyValue => {
    const a = value.indexOf(holeText);
    return { value, holes: [[a, a + holeText.length]] };
  };

  it('is unknown when the hole could make it match, false when the known text already fails', () => {
    const v = hole('repo:${GitHubOrg}/octo-repo:*', '${GitHubOrg}');
    expect(ev('StringLike', 'repo:octo-org/octo-repo:ref:refs/heads/main', [v])).toBe('unknown');
    expect(ev('StringLike', 'repo:octo-org/other:ref:refs/heads/main', [v])).toBe('false');
    expect(ev('StringEquals', 'repo:a/octo-repo:x', [hole('repo:${Org}/octo-repo:x', '${Org}')])).toBe('unknown');
  });

  it('a known match decides an OR even when another value is unknown; a negated one cannot', () => {
    expect(ev('StringEquals', 'a', ['a', { value: '!Ref X', unknown: true }])).toBe('true');
    expect(ev('StringEquals', 'b', ['a', { value: '!Ref X', unknown: true }])).toBe('unknown');
    expect(ev('StringEquals', 'b', ['a'], true)).toBe('unknown');
    expect(ev('StringNotEquals', 'a', ['a'], true)).toBe('false');
    expect(ev('StringNotEquals', 'b', ['a'], true)).toBe('unknown');
  });

  it('is unknown when the request value is not known offline (no --session-name)', () => {
    expect(ev('StringLike', 'unknown', ['ci-*'])).toBe('unknown');
    expect(ev('Null', 'unknown', ['true'])).toBe('unknown');
  });

  it('an IAM policy variable is left undecided', () => {
    expect(ev('StringEquals', 'octo-org', ['${aws:username}'])).toBe('unknown');
  });

  it('finds what a hole must stand for', () => {
    expect(holeValues(hole('repo:${GitHubOrg}/octo-repo:*', '${GitHubOrg}'), 'repo:octo-org/octo-repo:ref:refs/heads/main', true)).toEqual(['octo-org']);
    expect(holeValues(hole('repo:${GitHubOrg}/octo-repo:*', '${GitHubOrg}'), 'repo:octo-org/other:x', true)).toBeUndefined();
  });
});

describe('an invalid operator', () => {
  it('never matches (IAM refuses such a policy)', () => {
    expect(ev('StringEqual', 'a', ['a'])).toBe('false');
    expect(evaluateOperator(parseOperator('ForAnyValues:StringLike'), { values: ['a'] }, [{ value: 'a' }]).rule).toBe('invalid-operator');
  });
});

describe('the same semantics through a whole policy', () => {
  const GH = 'token.actions.githubusercontent.com';
  const statement = (condition: Record<string, Record<string, unknown>>) =>
    policyJson([{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }]);

  it('ANDs operators and keys, ORs values', async () => {
    const policy = statement({
      StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:repository_owner_id`]: ['1', '65432'] },
      StringLike: { [`${GH}:sub`]: ['repo:other/*', 'repo:octo-org/*'] },
    });
    expect((await explainPolicy('p.json', policy, github())).report.verdict).toBe('ALLOWED');
    expect((await explainPolicy('p.json', policy, github({ repository_owner_id: '2' }))).report.verdict).toBe('DENIED');
  });

  it('policy variables: put in from the token with Version 2012-10-17, plain text without it; ${*} is a literal *', async () => {
    const body = (version: boolean, sub: string, op = 'StringEquals') =>
      JSON.stringify({
        ...(version ? { Version: '2012-10-17' } : {}),
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, [op]: { [`${GH}:sub`]: sub } },
          },
        ],
      });
    const own = `repo:\${${GH}:repository}:ref:refs/heads/main`;
    expect((await explainPolicy('p.json', body(true, own), github())).report.verdict).toBe('ALLOWED');
    expect((await explainPolicy('p.json', body(true, own), github({ ref: 'refs/heads/dev', sub: 'repo:octo-org/octo-repo:ref:refs/heads/dev' }))).report.verdict).toBe('DENIED');
    // Without the Version, IAM compares the text `${...}` itself.
    expect((await explainPolicy('p.json', body(false, own), github())).report.verdict).toBe('DENIED');
    // `${*}` is a literal asterisk, in StringEquals and in StringLike alike.
    expect((await explainPolicy('p.json', body(true, 'repo:octo-org/octo-repo:${*}', 'StringLike'), github())).report.verdict).toBe('DENIED');
    expect((await explainPolicy('p.json', body(true, 'repo:octo-org/octo-repo:ref:refs/heads/main${*}', 'StringLike'), github({ sub: 'repo:octo-org/octo-repo:ref:refs/heads/main*' }))).report.verdict).toBe('ALLOWED');
    // A key the token does not carry is not put in: undecided.
    expect((await explainPolicy('p.json', body(true, 'repo:${aws:username}:*', 'StringLike'), github())).report.verdict).toBe('UNDETERMINED');
  });

  it('ForAllValues that fails on some values names them and suggests ForAnyValue; no letter-case hint for values that match', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': COGNITO_POOL }, 'ForAllValues:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
        },
      ],
    });
    const { report } = await explainPolicy('p.json', policy, cognito(true));
    expect(report.verdict).toBe('DENIED');
    const amr = report.statements[0].conditions.find((c) => c.key === 'cognito-identity.amazonaws.com:amr')!;
    expect(amr.message).toMatch(/^`cognito-identity\.amazonaws\.com:amr` also holds \[.*\], which match none of the policy's values, and ForAllValues needs every value to match one$/);
    expect(amr.hints[0]).toBe("ForAllValues needs every value of `cognito-identity.amazonaws.com:amr` to match one of the policy's; to need one of them, write `ForAnyValue:StringLike`.");
    expect(amr.hints.join(' ')).not.toMatch(/letter case/);
  });

  it('aws:TokenIssueTime is absent from a web-identity call (no temporary credentials sign it)', async () => {
    const aud = { [`${GH}:aud`]: 'sts.amazonaws.com' };
    expect((await explainPolicy('p.json', statement({ StringEquals: aud, DateGreaterThan: { 'aws:TokenIssueTime': '2025-01-01T00:00:00Z' } }), github())).report.verdict).toBe('DENIED');
    expect((await explainPolicy('p.json', statement({ StringEquals: aud, Null: { 'aws:TokenIssueTime': 'true' } }), github())).report.verdict).toBe('ALLOWED');
  });

  it("the caller's network (aws:SourceIp, aws:SourceVpce) is not known offline: it leaves the answer undecided, and is listed only then", async () => {
    const aud = { [`${GH}:aud`]: 'sts.amazonaws.com' };
    const allow = await explainPolicy('p.json', statement({ StringEquals: aud, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), github());
    expect(allow.report.verdict).toBe('UNDETERMINED');
    expect(allow.report.request.context.map((c) => c.key)).toContain('aws:SourceIp');
    const vpce = await explainPolicy('p.json', statement({ StringEquals: { ...aud, 'aws:SourceVpce': 'vpce-1a2b3c4d' } }), github());
    expect(vpce.report.verdict).toBe('UNDETERMINED');
    // A policy that does not read them does not list them.
    const plain = await explainPolicy('p.json', statement({ StringEquals: aud }), github());
    expect(plain.report.verdict).toBe('ALLOWED');
    expect(plain.report.request.context.map((c) => c.key)).not.toContain('aws:SourceIp');
  });

  it('StringNotEquals on a claim the token lacks does not restrict anything', async () => {
    const policy = statement({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringNotEquals: { [`${GH}:environment`]: 'sandbox' } });
    const { report } = await explainPolicy('p.json', policy, github());
    expect(report.verdict).toBe('ALLOWED');
    expect(report.statements[0].conditions[1]).toMatchObject({ result: 'match', rule: 'key-absent-negated' });
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('does not require the key');
  });

  it('keys are case-insensitive, values case-sensitive', async () => {
    const policy = statement({ StringEquals: { 'TOKEN.Actions.GitHubUserContent.com:AUD': 'sts.amazonaws.com' } });
    expect((await explainPolicy('p.json', policy, github())).report.verdict).toBe('ALLOWED');
    const upper = statement({ StringEquals: { [`${GH}:aud`]: 'STS.amazonaws.com' } });
    const { report } = await explainPolicy('p.json', upper, github());
    expect(report.verdict).toBe('DENIED');
    expect(report.statements[0].conditions[0].hints.join(' ')).toContain('differ only in letter case');
  });

  it('StringEquals with a star explains that it is literal', async () => {
    const policy = statement({ StringEquals: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:*' } });
    const { report } = await explainPolicy('p.json', policy, github());
    expect(report.verdict).toBe('DENIED');
    expect(report.statements[0].conditions[0].hints.join(' ')).toContain('compares literally');
  });

  it('keeps only the last of a repeated operator, as IAM does', async () => {
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/${GH}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${GH}:sub":"repo:x/y:pull_request"},"StringEquals":{"${GH}:aud":"sts.amazonaws.com"}}}]}`;
    const { report } = await explainPolicy('p.json', text, github());
    expect(report.verdict).toBe('ALLOWED');
    expect(report.statements[0].conditions.map((c) => c.key)).toEqual([`${GH}:aud`]);
    expect(report.statements[0].notes.join(' ')).toContain('The Condition block repeats `StringEquals`: IAM keeps only the last of repeated keys');
  });

  it('sts:RoleSessionName and aws:CurrentTime come from --session-name and --now', async () => {
    const policy = statement({ StringLike: { 'sts:RoleSessionName': 'gha-*' }, DateLessThan: { 'aws:CurrentTime': '2025-12-31T00:00:00Z' } });
    expect((await explainPolicy('p.json', policy, github(), ['--session-name', 'gha-deploy-7'])).report.verdict).toBe('ALLOWED');
    expect((await explainPolicy('p.json', policy, github(), ['--session-name', 'deploy'])).report.verdict).toBe('DENIED');
    const unknown = await explainPolicy('p.json', policy, github());
    expect(unknown.report.verdict).toBe('UNDETERMINED');
    expect(unknown.code).toBe(1);
    expect(unknown.report.statements[0].conditions[0].hints.join(' ')).toContain('pass --session-name');
  });
});
