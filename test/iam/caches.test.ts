import { describe, expect, it } from 'vitest';
import { actionFacts, canonicalAction, matchingActions, serviceKeys } from '../../src/iam/actions.js';
import { parseOperator } from '../../src/iam/conditions.js';
import { isMultivaluedKey } from '../../src/iam/multivalued-keys.js';
import { keyMatchesIssuer, parseFederated, splitProviderKey } from '../../src/iam/providers.js';
import type { LString } from '../../src/model/types.js';

const lstring = (value: string, holes?: Array<readonly [number, number]>): LString =>
  ({ value, holes, range: { start: 0, end: value.length }, path: [] }) as unknown as LString;

describe('actionFacts', () => {
  it.each([
    ['sts:AssumeRoleWithWebIdentity'],
    ['STS:assumerolewithwebidentity'],
    ['s3:Get*'],
    ['S3:get*'],
    ['s3:Nothing*'],
    ['s3:NoSuchAction'],
    ['nosuchservice:GetObject'],
    ['s*:GetObject'],
    ['sts'],
    [':GetObject'],
    ['s3:'],
  ])('agrees with the catalogue helpers for %s', (value) => {
    const f = actionFacts(value);
    const colon = value.indexOf(':');
    expect(f.colon).toBe(colon);
    if (colon <= 0 || colon === value.length - 1) return expect(f.prefix).toBeUndefined();
    const service = value.slice(0, colon);
    const name = value.slice(colon + 1);
    expect(f.serviceWildcard).toBe(/[*?]/.test(service));
    if (f.serviceWildcard) return;
    expect(f.prefix).toBe(serviceKeys().get(service.toLowerCase()));
    if (!f.prefix) return;
    expect(f.nameWildcard).toBe(/[*?]/.test(name));
    if (f.nameWildcard) {
      expect(f.matches).toBe(matchingActions(service, name).length > 0);
      expect(f.canonical).toBe(`${f.prefix}:${name}`);
    } else {
      expect(f.canonical).toBe(canonicalAction(value));
      expect(f.matches).toBe(canonicalAction(value) !== undefined);
    }
  });

  it('answers a repeated string from the cache', () => {
    expect(actionFacts('kms:Decrypt')).toBe(actionFacts('kms:Decrypt'));
  });
});

describe('parseOperator', () => {
  it('shares one frozen result per spelling', () => {
    const op = parseOperator('ForAnyValue:StringLikeIfExists');
    expect(parseOperator('ForAnyValue:StringLikeIfExists')).toBe(op);
    expect(Object.isFrozen(op)).toBe(true);
    expect(op).toEqual({
      text: 'ForAnyValue:StringLikeIfExists',
      qualifier: 'ForAnyValue',
      base: 'StringLike',
      ifExists: true,
      valid: true,
      negated: false,
      pattern: true,
      literalString: false,
    });
  });
});

describe('splitProviderKey', () => {
  it('gives the same split for a string and a key without holes, cached', () => {
    const a = splitProviderKey('token.actions.githubusercontent.com:sub');
    expect(a).toEqual({ prefix: 'token.actions.githubusercontent.com', claim: 'sub' });
    expect(splitProviderKey(lstring('token.actions.githubusercontent.com:sub'))).toBe(a);
    expect(splitProviderKey(lstring('token.actions.githubusercontent.com:sub', []))).toBe(a);
    expect(splitProviderKey('aws:SourceIp')).toBeUndefined();
    expect(splitProviderKey('aws:SourceIp')).toBeUndefined();
  });

  it('does not count a colon inside a hole, and does not cache keys with holes', () => {
    // `${AWS::Region}` is a hole: the first colon that counts follows it.
    const value = 'oidc.eks.${AWS::Region}.amazonaws.com/id/X:sub';
    const holes: Array<readonly [number, number]> = [[9, 23]];
    expect(splitProviderKey(lstring(value, holes))).toEqual({ prefix: 'oidc.eks.${AWS::Region}.amazonaws.com/id/X', claim: 'sub' });
    expect(splitProviderKey(value)).toEqual({ prefix: 'oidc.eks.${AWS', claim: ':Region}.amazonaws.com/id/X:sub' });
  });
});

describe('keyMatchesIssuer', () => {
  const fp = parseFederated(lstring('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'));
  it('compares key prefix and issuer case-insensitively when neither has holes', () => {
    expect(keyMatchesIssuer(lstring('Token.Actions.GitHubUserContent.com:sub'), fp)).toBe(true);
    expect(keyMatchesIssuer(lstring('gitlab.com:sub'), fp)).toBe(false);
  });
});

describe('isMultivaluedKey', () => {
  it('gives the same answer from the cache', () => {
    for (let i = 0; i < 2; i++) {
      expect(isMultivaluedKey('cognito-identity.amazonaws.com:amr')).toBe(true);
      expect(isMultivaluedKey('aws:TagKeys')).toBe(true);
      expect(isMultivaluedKey('aws:SourceIp')).toBe(false);
    }
  });
});
