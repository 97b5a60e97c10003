/**
 * What STS checks before it reads the trust policy: a readable, signed token that is valid now and
 * carries iss/aud/sub; a well-formed role ARN and session name; and the token's audience among the
 * client IDs of the IAM OIDC provider (when the same file defines that provider).
 */
import { templateRegExp } from '../model/template.js';
import type { OidcProviderDefinition } from '../model/types.js';
import type { SourceFile } from '../parsers/source.js';
import type { RequestContext } from './context.js';
import { claimValues } from './context.js';
import type { DecodedToken } from './token.js';
import type { CheckResult } from './types.js';
import { duration, list, locate, q } from './util.js';

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

export interface RoleArn {
  partition: string;
  account: string;
  /** Path and name: `ci/deploy`. */
  name: string;
}

/** Parses `arn:<partition>:iam::<12 digits>:role/<path/name>`; a string saying what is wrong otherwise. */
export function parseRoleArn(arn: string): RoleArn | string {
  if (/^arn:[^:]*:sts::[^:]*:assumed-role\//.test(arn)) {
    return 'this is an assumed-role session ARN (sts); pass the role\'s own ARN, `arn:aws:iam::<account>:role/<name>`';
  }
  const m = /^arn:([^:]*):iam:([^:]*):([^:]*):role\/(.*)$/.exec(arn);
  if (!m) return 'a role ARN has the form `arn:<partition>:iam::<12-digit account>:role/<path/name>`';
  const [, partition, region, account, name] = m;
  if (!PARTITIONS.includes(partition)) return `\`${partition}\` is not an AWS partition (${list(PARTITIONS.slice(0, 3))}, ...)`;
  if (region !== '') return `IAM ARNs have no region: write \`arn:${partition}:iam::${account}:role/${name}\``;
  if (!/^\d{12}$/.test(account)) return `the account id \`${account}\` is not 12 digits`;
  if (!/^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(name)) return `\`${name}\` is not a role path and name (letters, digits and +=,.@_- , path parts separated by /, name at most 64 characters)`;
  return { partition, account, name };
}

export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export interface CheckInput {
  token: DecodedToken;
  context: RequestContext;
  now: Date;
  roleArn?: string;
  sessionName?: string;
  providers: OidcProviderDefinition[];
  file: SourceFile;
}

function seconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

const iso = (s: number) => new Date(s * 1000).toISOString();

export function runChecks(input: CheckInput): CheckResult[] {
  const { token, context, now } = input;
  const claims = token.claims;
  const checks: CheckResult[] = [];
  const nowS = now.getTime() / 1000;

  // A signature, not verified: STS verifies it against the provider's keys.
  if (token.form === 'jwt') {
    const alg = typeof token.header?.alg === 'string' ? token.header.alg : undefined;
    if (token.signature === 'absent' || !alg || alg.toLowerCase() === 'none') {
      checks.push({
        id: 'token-signed',
        result: 'fail',
        message: `the token is not signed (alg ${alg ? q(alg) : 'missing'}${token.signature === 'absent' ? ', empty signature part' : ''}): STS rejects unsigned tokens`,
        hints: ['Pass the token exactly as the identity provider issued it.'],
      });
    } else {
      checks.push({ id: 'token-signed', result: 'pass', message: `signed with ${alg} (the signature is not verified offline)`, hints: [] });
    }
  } else {
    checks.push({ id: 'token-signed', result: 'skipped', message: 'a JSON file of claims has no signature to look at', hints: [] });
  }

  const missing = ['iss', 'aud', 'sub'].filter((c) => {
    const v = claimValues(claims[c]);
    return !v || v.values.length === 0 || v.values.every((x) => x === '');
  });
  checks.push(
    missing.length > 0
      ? {
          id: 'token-claims',
          result: 'fail',
          message: `the token has no ${list(missing, 'and')} claim${missing.length > 1 ? 's' : ''}: STS rejects an OIDC token without iss, aud and sub`,
          hints: [],
        }
      : { id: 'token-claims', result: 'pass', message: 'iss, aud and sub are present', hints: [] },
  );

  if (typeof claims.iss === 'string' && claims.iss !== '') {
    const bareGoogle = claims.iss === 'accounts.google.com';
    if (!/^https:\/\//i.test(claims.iss) && !bareGoogle) {
      checks.push({
        id: 'token-issuer',
        result: 'fail',
        message: `the issuer ${q(claims.iss)} is not an https:// URL: STS finds the IAM OIDC provider by the https URL in iss`,
        actual: [claims.iss],
        hints: [],
      });
    } else {
      checks.push({ id: 'token-issuer', result: 'pass', message: `issuer ${q(claims.iss)} (condition keys start with \`${context.issuer}:\`)`, hints: [] });
    }
  }

  const exp = seconds(claims.exp);
  const iat = seconds(claims.iat);
  if (exp === undefined) {
    checks.push({ id: 'token-expiry', result: 'fail', message: 'the token has no exp (expiry) claim: STS rejects tokens without one', hints: [] });
  } else if (exp <= nowS) {
    checks.push({
      id: 'token-expiry',
      result: 'fail',
      message: `the token expired at ${iso(exp)}, ${duration(nowS - exp)} before ${now.toISOString()}: STS answers "ExpiredTokenException"`,
      expected: [`exp after ${now.toISOString()}`],
      actual: [iso(exp)],
      hints: [
        iat !== undefined
          ? `It was valid for ${duration(exp - iat)} after it was issued (${iso(iat)}). Request a fresh token right before calling STS (CI tokens live minutes), or pass --now with the time of the failed call.`
          : 'Request a fresh token right before calling STS, or pass --now with the time of the failed call.',
      ],
    });
  } else {
    checks.push({
      id: 'token-expiry',
      result: 'pass',
      message: `valid at ${now.toISOString()}: ${iat !== undefined ? `issued ${iso(iat)}, ` : ''}expires ${iso(exp)} (in ${duration(exp - nowS)})`,
      hints: [],
    });
  }
  const nbf = seconds(claims.nbf);
  if (nbf !== undefined && nbf > nowS) {
    checks.push({
      id: 'token-not-before',
      result: 'fail',
      message: `the token is not valid before ${iso(nbf)}, ${duration(nbf - nowS)} after ${now.toISOString()}`,
      expected: [`nbf at or before ${now.toISOString()}`],
      actual: [iso(nbf)],
      hints: ['A clock that runs behind on the machine calling STS, or a wrong --now.'],
    });
  } else if (nbf !== undefined) {
    checks.push({ id: 'token-not-before', result: 'pass', message: `not before ${iso(nbf)}`, hints: [] });
  }

  if (input.roleArn !== undefined) {
    const r = parseRoleArn(input.roleArn);
    checks.push(
      typeof r === 'string'
        ? { id: 'role-arn', result: 'fail', message: `--role-arn ${q(input.roleArn)} is malformed: ${r}`, actual: [input.roleArn], hints: [] }
        : { id: 'role-arn', result: 'pass', message: `role ${r.name} in account ${r.account} (${r.partition})`, hints: [] },
    );
  } else {
    checks.push({ id: 'role-arn', result: 'skipped', message: 'no --role-arn given: the provider\'s account is not compared with the role\'s', hints: [] });
  }

  if (input.sessionName !== undefined) {
    checks.push(
      SESSION_NAME.test(input.sessionName)
        ? { id: 'session-name', result: 'pass', message: `session name ${q(input.sessionName)}`, hints: [] }
        : {
            id: 'session-name',
            result: 'fail',
            message: `session name ${q(input.sessionName)} is not 2 to 64 of the characters A-Z a-z 0-9 _ + = , . @ -: STS answers "ValidationError"`,
            expected: ['[\\w+=,.@-]{2,64}'],
            actual: [input.sessionName],
            hints: [/\s/.test(input.sessionName) ? 'Spaces are not allowed: use - or _.' : /[/:]/.test(input.sessionName) ? 'Slashes and colons are not allowed (a branch name like feature/x must be sanitized).' : 'Shorten it or drop the other characters.'],
          },
    );
  } else {
    checks.push({ id: 'session-name', result: 'skipped', message: 'no --session-name given (the SDK or CI action chooses one)', hints: [] });
  }

  checks.push(audienceCheck(input));
  return checks;
}

/** STS's "Incorrect token audience": the token's aud must be one of the provider's client IDs. */
function audienceCheck(input: CheckInput): CheckResult {
  const { context, providers, file, token } = input;
  if (context.provider.bare) {
    return { id: 'provider-audience', result: 'skipped', message: `${context.provider.name} is not an IAM OIDC provider: no client ID list applies`, hints: [] };
  }
  const issuer = context.issuer.replace(/\/$/, '').toLowerCase();
  const matching = providers.filter((p) => {
    if (!p.issuer.holes || p.issuer.holes.length === 0) return p.issuer.value.replace(/\/$/, '').toLowerCase() === issuer;
    return templateRegExp(p.issuer).test(issuer);
  });
  if (matching.length === 0) {
    return {
      id: 'provider-audience',
      result: 'skipped',
      message: providers.length > 0 ? `the file defines no IAM OIDC provider for ${context.issuer}: its client IDs are not checked` : 'the file defines no IAM OIDC provider: its client IDs (audiences) are not checked',
      hints: [],
    };
  }
  const aud = claimValues(token.claims.aud)?.values ?? [];
  const results = matching.map((p): CheckResult => {
    const location = locate(file, (p.clientIds ?? p.issuer).range);
    const sure = !p.issuer.holes || p.issuer.holes.length === 0;
    if (!p.clientIds) {
      return {
        id: 'provider-audience',
        result: sure ? 'fail' : 'unknown',
        message: `the OIDC provider ${p.resource} has no client ID list: STS answers "Incorrect token audience" for every token`,
        expected: [],
        actual: aud,
        location,
        hints: [`Add ${aud.length > 0 ? list(aud) : 'the audience'} to its ClientIdList / client_id_list.`],
      };
    }
    const known = p.clientIds.items.filter((i) => !i.unknown && !(i.holes && i.holes.length > 0)).map((i) => i.value);
    const expected = p.clientIds.items.map((i) => i.value);
    if (aud.some((a) => known.includes(a))) {
      return { id: 'provider-audience', result: 'pass', message: `audience ${list(aud.filter((a) => known.includes(a)))} is a client ID of the OIDC provider ${p.resource}`, expected, actual: aud, location, hints: [] };
    }
    const undecided = p.clientIds.unknown || p.clientIds.items.some((i) => !i.unknown && i.holes && i.holes.length > 0 && aud.some((a) => templateRegExp(i, '').test(a)));
    if (undecided || !sure) {
      return {
        id: 'provider-audience',
        result: 'unknown',
        message: `the client IDs of the OIDC provider ${p.resource} are not all known: whether they include ${list(aud)} cannot be decided`,
        expected,
        actual: aud,
        location,
        hints: [],
      };
    }
    return {
      id: 'provider-audience',
      result: 'fail',
      message: `the token's audience ${list(aud)} is not a client ID of the OIDC provider ${p.resource}: STS answers "Incorrect token audience" before reading the trust policy`,
      expected,
      actual: aud,
      location,
      hints: [audienceHint(context, aud, expected)],
    };
  });
  return results.find((r) => r.result === 'pass') ?? results.find((r) => r.result === 'unknown') ?? results[0];
}

function audienceHint(context: RequestContext, aud: string[], expected: string[]): string {
  const add = `Add ${list(aud)} to the provider's ClientIdList (client_id_list in Terraform)`;
  switch (context.provider.id) {
    case 'github':
      return `${add}, or let the workflow request ${list(expected)}: GitHub issues \`sts.amazonaws.com\` unless the workflow sets \`audience:\` (aws-actions/configure-aws-credentials) or calls \`core.getIDToken(<audience>)\`.`;
    case 'gitlab':
      return `${add}, or change \`aud:\` under the job's \`id_tokens:\` in .gitlab-ci.yml.`;
    case 'terraform':
      return `${add}, or set TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE in the workspace to one of ${list(expected)} (HCP Terraform's default is \`aws.workload.identity\`).`;
    case 'eks':
      return `${add}: EKS service-account tokens for IRSA carry \`sts.amazonaws.com\`.`;
    default:
      return `${add}, or have the client request one of ${list(expected)}.`;
  }
}
