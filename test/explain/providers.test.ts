/**
 * `trustlint explain` against tokens shaped like the real ones: GitHub Actions (branch push, tag,
 * environment, pull_request, reusable workflow), EKS service accounts, Cognito identity pools
 * (authenticated and guest), GitLab and HCP Terraform. Every denial is checked at the line and
 * column of the condition (or principal) that decides it, computed from the policy text.
 */
import { describe, expect, it } from 'vitest';
import {
  at,
  cognito,
  COGNITO_POOL,
  decidingAt,
  eks,
  EKS_ISSUER,
  explainPolicy,
  github,
  githubEnvironment,
  githubPullRequest,
  githubReusable,
  githubTag,
  gitlab,
  locOf,
  policyJson,
  terraform,
} from './helpers.js';

const GH = 'token.actions.githubusercontent.com';
const GH_PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

/** The usual GitHub trust policy: one repository, the main branch. YAML, as in a policy file. */
const GITHUB_MAIN = [
  'Version: "2012-10-17"',
  'Statement:',
  '  - Sid: DeployFromMain',
  '    Effect: Allow',
  '    Principal:',
  `      Federated: ${GH_PROVIDER}`,
  '    Action: sts:AssumeRoleWithWebIdentity',
  '    Condition:',
  '      StringEquals:',
  `        ${GH}:aud: sts.amazonaws.com`,
  '      StringLike:',
  `        ${GH}:sub: repo:octo-org/octo-repo:ref:refs/heads/main`,
  '',
].join('\n');
const SUB_KEY = locOf(GITHUB_MAIN, `${GH}:sub`);
const AUD_KEY = locOf(GITHUB_MAIN, `${GH}:aud`);

describe('GitHub Actions', () => {
  it('allows a push to main', async () => {
    const { code, report } = await explainPolicy('trust.yaml', GITHUB_MAIN, github());
    expect(code).toBe(0);
    expect(report.verdict).toBe('ALLOWED');
    expect(report.summary).toMatch(/^ALLOWED: statement 0 \(DeployFromMain\)/);
    expect(report.statements[0].conditions.map((c) => c.result)).toEqual(['match', 'match']);
    expect(report.request.provider.id).toBe('github');
  });

  it('denies a pull_request job at the subject, with the pull_request hint', async () => {
    const { code, report } = await explainPolicy('trust.yaml', GITHUB_MAIN, githubPullRequest());
    expect(code).toBe(1);
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', SUB_KEY)]);
    const sub = report.statements[0].conditions[1];
    expect(sub).toMatchObject({ result: 'no-match', expected: ['repo:octo-org/octo-repo:ref:refs/heads/main'], actual: ['repo:octo-org/octo-repo:pull_request'] });
    expect(sub.hints.join(' ')).toContain('pull_request event');
    expect(sub.hints.join(' ')).toContain('`repo:octo-org/octo-repo:pull_request`, not a branch ref');
  });

  it('denies a tag push at the subject: refs/heads patterns do not cover tags', async () => {
    const { report } = await explainPolicy('trust.yaml', GITHUB_MAIN, githubTag('v1.4.0'));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', SUB_KEY)]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('started by a tag (`refs/tags/v1.4.0`)');
  });

  it('denies a job with an environment at the subject: the subject carries no ref', async () => {
    const { report } = await explainPolicy('trust.yaml', GITHUB_MAIN, githubEnvironment('production'));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', SUB_KEY)]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('declares `environment: production`, so GitHub\'s subject is `repo:octo-org/octo-repo:environment:production`');
  });

  it('denies a workflow that asked for another audience, at the audience condition', async () => {
    const { report } = await explainPolicy('trust.yaml', GITHUB_MAIN, github({ aud: 'https://github.com/octo-org' }));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', AUD_KEY)]);
    expect(report.statements[0].conditions[0].hints.join(' ')).toContain("GitHub's default is `sts.amazonaws.com`");
  });

  it('allows the production environment with an environment subject, and denies a branch there', async () => {
    const policy = policyJson([
      {
        Effect: 'Allow',
        Principal: { Federated: GH_PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:octo-org/octo-repo:environment:production' } },
      },
    ]);
    expect((await explainPolicy('trust.json', policy, githubEnvironment('production'))).report.verdict).toBe('ALLOWED');
    const staging = await explainPolicy('trust.json', policy, githubEnvironment('staging'));
    expect(decidingAt(staging.report)).toEqual([at('condition', locOf(policy, `"${GH}:sub"`))]);
    expect(staging.report.statements[0].conditions[1].hints.join(' ')).toContain("This job's environment is `staging`");
    const branch = await explainPolicy('trust.json', policy, github());
    expect(branch.report.verdict).toBe('DENIED');
    expect(decidingAt(branch.report)).toEqual([at('condition', locOf(policy, `"${GH}:sub"`))]);
    expect(branch.report.statements[0].conditions[1].hints.join(' ')).toContain('only for jobs that declare `environment:`');
  });

  it('allows release tags with a StringLike tag pattern', async () => {
    const policy = GITHUB_MAIN.replace('ref:refs/heads/main', 'ref:refs/tags/v*');
    expect((await explainPolicy('trust.yaml', policy, githubTag('v2.0.1'))).report.verdict).toBe('ALLOWED');
    const branch = await explainPolicy('trust.yaml', policy, github());
    expect(branch.report.verdict).toBe('DENIED');
    expect(decidingAt(branch.report)).toEqual([at('condition', SUB_KEY)]);
    expect(branch.report.statements[0].conditions[1].hints.join(' ')).toContain('the policy allows tags only');
  });

  describe('reusable workflow (job_workflow_ref)', () => {
    const REUSABLE = policyJson([
      {
        Sid: 'SharedDeployWorkflow',
        Effect: 'Allow',
        Principal: { Federated: GH_PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GH}:aud`]: 'sts.amazonaws.com',
            [`${GH}:job_workflow_ref`]: 'octo-org/shared-workflows/.github/workflows/deploy.yml@refs/heads/main',
          },
          StringLike: { [`${GH}:sub`]: 'repo:octo-org/*' },
        },
      },
    ]);
    const JWR = locOf(REUSABLE, `"${GH}:job_workflow_ref"`);

    it('allows a caller of the shared workflow at its main branch', async () => {
      const { code, report } = await explainPolicy('trust.json', REUSABLE, githubReusable('refs/heads/main'));
      expect(code).toBe(0);
      expect(report.verdict).toBe('ALLOWED');
    });

    it('denies the shared workflow at another ref, at job_workflow_ref', async () => {
      const { report } = await explainPolicy('trust.json', REUSABLE, githubReusable('refs/heads/experiment'));
      expect(report.verdict).toBe('DENIED');
      expect(decidingAt(report)).toEqual([at('condition', JWR)]);
      expect(report.statements[0].conditions[1].actual).toEqual(['octo-org/shared-workflows/.github/workflows/deploy.yml@refs/heads/experiment']);
    });

    it('denies a job that runs its own workflow, and explains the @ref suffix when the policy omits it', async () => {
      const noRef = REUSABLE.replace('deploy.yml@refs/heads/main', 'deploy.yml');
      const { report } = await explainPolicy('trust.json', noRef, githubReusable('refs/heads/main'));
      expect(report.verdict).toBe('DENIED');
      expect(decidingAt(report)).toEqual([at('condition', locOf(noRef, `"${GH}:job_workflow_ref"`))]);
      expect(report.statements[0].conditions[1].hints.join(' ')).toContain('always ends in `@<ref>`');
    });
  });

  it('denies a condition on repository_owner: STS does not set that key', async () => {
    const policy = GITHUB_MAIN.replace(`${GH}:sub: repo:octo-org/octo-repo:ref:refs/heads/main`, `${GH}:repository_owner: octo-org`);
    const { report } = await explainPolicy('trust.yaml', policy, github());
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', locOf(policy, `${GH}:repository_owner`))]);
    const c = report.statements[0].conditions[1];
    expect(c).toMatchObject({ rule: 'key-absent', actual: null });
    expect(c.hints.join(' ')).toContain('repository_owner_id');
  });

  it('lets a token through when ForAllValues tests a claim the token lacks (the empty-set pitfall)', async () => {
    const policy = GITHUB_MAIN.replace('      StringLike:', '      ForAllValues:StringEquals:').replace(`${GH}:sub: repo:octo-org/octo-repo:ref:refs/heads/main`, `${GH}:environment: production`);
    const { code, report } = await explainPolicy('trust.yaml', policy, github({ sub: 'repo:mallory/evil:ref:refs/heads/main' }));
    expect(code).toBe(0);
    expect(report.verdict).toBe('ALLOWED');
    const c = report.statements[0].conditions[1];
    expect(c).toMatchObject({ result: 'match', rule: 'for-all-values-empty', actual: null });
    expect(c.hints.join(' ')).toContain('`ForAllValues:` is true when the key is absent');
  });

  it('an explicit Deny wins over a matching Allow', async () => {
    const policy = policyJson([
      { Effect: 'Allow', Principal: { Federated: GH_PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${GH}:sub`]: 'repo:octo-org/*' } } },
      { Sid: 'NoPullRequests', Effect: 'Deny', Principal: { Federated: GH_PROVIDER }, Action: 'sts:*', Condition: { StringEquals: { [`${GH}:event_name`]: 'x' }, StringLike: { [`${GH}:sub`]: '*:pull_request' } } },
    ]);
    // event_name is not a key STS sets: the Deny's StringEquals on it is false, so the Deny does not apply.
    expect((await explainPolicy('trust.json', policy, githubPullRequest())).report.verdict).toBe('ALLOWED');
    const strict = policy.replace(`"${GH}:event_name": "x"`, `"${GH}:ref": "refs/pull/42/merge"`);
    const { report } = await explainPolicy('trust.json', strict, githubPullRequest());
    expect(report.verdict).toBe('DENIED');
    expect(report.summary).toContain('statement 1 (NoPullRequests) (Deny) applies');
    expect(decidingAt(report)).toEqual([at('statement', locOf(strict, '{\n      "Sid": "NoPullRequests"'))]);
  });
});

describe('EKS service accounts (IRSA)', () => {
  const POLICY = policyJson([
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${EKS_ISSUER}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com', [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:payroll:payroll-worker' } },
    },
  ]);

  it('allows the service account the role is for (aud is a one-element array)', async () => {
    const { code, report } = await explainPolicy('trust.json', POLICY, eks('payroll', 'payroll-worker'));
    expect(code).toBe(0);
    expect(report.verdict).toBe('ALLOWED');
    expect(report.request.context.find((c) => c.key === `${EKS_ISSUER}:aud`)).toMatchObject({ values: ['sts.amazonaws.com'], multiValued: true });
  });

  it('denies a pod running as the default service account, at the subject', async () => {
    const { report } = await explainPolicy('trust.json', POLICY, eks('payroll', 'default'));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', locOf(POLICY, `"${EKS_ISSUER}:sub"`))]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('runs as the service account `default` in the namespace `payroll`');
  });

  it('denies a token from another cluster at the principal', async () => {
    const other = 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
    const { report } = await explainPolicy('trust.json', POLICY, eks('payroll', 'payroll-worker', other));
    expect(report.verdict).toBe('DENIED');
    expect(report.summary).toContain("no Allow statement trusts the token's issuer");
    expect(decidingAt(report)).toEqual([at('principal', locOf(POLICY, '"arn:aws:iam::111122223333:oidc-provider/'))]);
    expect(report.statements[0].principal.hints.join(' ')).toContain('Each EKS cluster has its own issuer');
  });

  it('allows any service account of the namespace with StringLike', async () => {
    const policy = POLICY.replace('"StringEquals": {', '"StringLike": {').replace('payroll:payroll-worker', 'payroll:*');
    expect((await explainPolicy('trust.json', policy, eks('payroll', 'batch'))).report.verdict).toBe('ALLOWED');
    const staging = await explainPolicy('trust.json', policy, eks('payroll-staging', 'batch'));
    expect(staging.report.verdict).toBe('DENIED');
    expect(decidingAt(staging.report)).toEqual([at('condition', locOf(policy, `"${EKS_ISSUER}:sub"`))]);
  });
});

describe('Cognito identity pools', () => {
  const POLICY = policyJson([
    {
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': COGNITO_POOL },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    },
  ]);
  const AMR = locOf(POLICY, '"cognito-identity.amazonaws.com:amr"');

  it('allows an authenticated identity (amr has three values)', async () => {
    const { code, report } = await explainPolicy('trust.json', POLICY, cognito(true));
    expect(code).toBe(0);
    expect(report.verdict).toBe('ALLOWED');
    expect(report.request.context.find((c) => c.key === 'cognito-identity.amazonaws.com:amr')?.values).toHaveLength(3);
  });

  it('denies a guest identity at amr', async () => {
    const { report } = await explainPolicy('trust.json', POLICY, cognito(false));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', AMR)]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('guest (unauthenticated) identity');
  });

  it('denies another identity pool at aud', async () => {
    const { report } = await explainPolicy('trust.json', POLICY, cognito(true, 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'));
    expect(decidingAt(report)).toEqual([at('condition', locOf(POLICY, '"cognito-identity.amazonaws.com:aud"'))]);
    expect(report.statements[0].conditions[0].hints.join(' ')).toContain('identity pool id');
  });

  it('denies a single-valued operator on the multivalued amr, and says to use ForAnyValue', async () => {
    const plain = POLICY.replace('"ForAnyValue:StringLike"', '"StringLike"');
    const { report } = await explainPolicy('trust.json', plain, cognito(true));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', locOf(plain, '"cognito-identity.amazonaws.com:amr"'))]);
    const c = report.statements[0].conditions[1];
    expect(c.rule).toBe('single-operator-multivalued');
    expect(c.hints.join(' ')).toContain('Use `ForAnyValue:StringLike`');
  });

  it('allows a guest with the unauthenticated role', async () => {
    const guest = POLICY.replace(':amr": "authenticated"', ':amr": "unauthenticated"');
    expect((await explainPolicy('trust.json', guest, cognito(false))).report.verdict).toBe('ALLOWED');
    const member = await explainPolicy('trust.json', guest, cognito(true));
    expect(member.report.verdict).toBe('DENIED');
    expect(decidingAt(member.report)).toEqual([at('condition', locOf(guest, '"cognito-identity.amazonaws.com:amr"'))]);
    expect(member.report.statements[0].conditions[1].hints.join(' ')).toContain('this role is for guest (unauthenticated) identities');
  });
});

describe('GitLab', () => {
  const POLICY = [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [{',
    '    "Effect": "Allow",',
    '    "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com" },',
    '    "Action": "sts:AssumeRoleWithWebIdentity",',
    '    "Condition": {',
    '      "StringEquals": { "gitlab.com:aud": "https://gitlab.com" },',
    '      "StringLike": { "gitlab.com:sub": "project_path:acme/payments:ref_type:branch:ref:main" }',
    '    }',
    '  }]',
    '}',
    '',
  ].join('\n');

  it('allows the main branch of the project', async () => {
    const { code, report } = await explainPolicy('trust.json', POLICY, gitlab('branch', 'main'));
    expect(code).toBe(0);
    expect(report.verdict).toBe('ALLOWED');
  });

  it('denies a tag pipeline at the subject', async () => {
    const { report } = await explainPolicy('trust.json', POLICY, gitlab('tag', 'v3.1.0'));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', { line: 9, column: 23 })]);
    expect(decidingAt(report)).toEqual([at('condition', locOf(POLICY, '"gitlab.com:sub"'))]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('runs for a tag (`v3.1.0`), so the subject has `ref_type:tag`');
  });

  it('denies a condition on project_path, which STS does not turn into a key', async () => {
    const policy = POLICY.replace('"gitlab.com:sub": "project_path:acme/payments:ref_type:branch:ref:main"', '"gitlab.com:project_path": "acme/payments"');
    const { report } = await explainPolicy('trust.json', policy, gitlab());
    expect(decidingAt(report)).toEqual([at('condition', locOf(policy, '"gitlab.com:project_path"'))]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('Its value is part of `gitlab.com:sub`');
  });
});

describe('HCP Terraform', () => {
  const POLICY = [
    'Version: "2012-10-17"',
    'Statement:',
    '  - Effect: Allow',
    '    Principal:',
    '      Federated: arn:aws:iam::111122223333:oidc-provider/app.terraform.io',
    '    Action: sts:AssumeRoleWithWebIdentity',
    '    Condition:',
    '      StringEquals:',
    '        app.terraform.io:aud: aws.workload.identity',
    '      StringLike:',
    '        app.terraform.io:sub: "organization:acme:project:*:workspace:payments-prod:run_phase:apply"',
    '',
  ].join('\n');

  it('allows the apply phase of the workspace', async () => {
    const { code, report } = await explainPolicy('trust.yaml', POLICY, terraform('apply'));
    expect(code).toBe(0);
    expect(report.verdict).toBe('ALLOWED');
  });

  it('denies the plan phase at the subject, naming the run phase', async () => {
    const { report } = await explainPolicy('trust.yaml', POLICY, terraform('plan'));
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', { line: 11, column: 9 })]);
    expect(report.statements[0].conditions[1].hints.join(' ')).toContain('this one is for `plan`');
  });

  it('denies another workspace', async () => {
    const { report } = await explainPolicy('trust.yaml', POLICY, terraform('apply', 'payments-dev'));
    expect(decidingAt(report)).toEqual([at('condition', locOf(POLICY, 'app.terraform.io:sub'))]);
  });
});

describe('Google', () => {
  const POLICY = policyJson([
    {
      Effect: 'Allow',
      Principal: { Federated: 'accounts.google.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'accounts.google.com:aud': '1234-web.apps.googleusercontent.com', 'accounts.google.com:oaud': '1234-android.apps.googleusercontent.com' } },
    },
  ]);
  const token = (azp?: string) => ({
    iss: 'https://accounts.google.com',
    ...(azp ? { azp } : {}),
    aud: '1234-android.apps.googleusercontent.com',
    sub: '110169484474386276334',
    iat: 1748779200,
    exp: 1748782800,
  });

  it('compares accounts.google.com:aud with azp when the token has one, and oaud with aud', async () => {
    expect((await explainPolicy('trust.json', POLICY, token('1234-web.apps.googleusercontent.com'))).report.verdict).toBe('ALLOWED');
    const { report } = await explainPolicy('trust.json', POLICY, token());
    expect(report.verdict).toBe('DENIED');
    expect(decidingAt(report)).toEqual([at('condition', locOf(POLICY, '"accounts.google.com:aud"'))]);
    expect(report.statements[0].conditions[0].hints.join(' ')).toContain("is the token's `azp` when it has one");
  });
});

describe('misconfigurations the output names', () => {
  const GH_POLICY = (statement: Record<string, unknown>) => policyJson([{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', ...statement }]);

  it('an AWS principal, and sts:AssumeRole, do not cover a web identity', async () => {
    const policy = GH_POLICY({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } });
    const { report } = await explainPolicy('trust.json', policy, github());
    expect(decidingAt(report)).toEqual([at('principal', locOf(policy, '"arn:aws:iam::111122223333:root"'))]);
    expect(report.statements[0].principal.hints.join(' ')).toContain('only by a `Federated` principal');
    const assume = policyJson([{ Effect: 'Allow', Principal: { Federated: GH_PROVIDER }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]);
    const r2 = await explainPolicy('trust.json', assume, github());
    expect(r2.report.summary).toBe('DENIED: the statements that trust this issuer do not allow sts:AssumeRoleWithWebIdentity.');
    expect(decidingAt(r2.report)).toEqual([at('action', locOf(assume, '[\n        "sts:AssumeRole"'))]);
    expect(r2.report.statements[0].action.hints.join(' ')).toContain('`sts:AssumeRole` is another API');
  });

  it('https:// in the provider ARN or in a key, a misspelt operator or key', async () => {
    const policy = GH_POLICY({
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/https://${GH}` },
      Condition: { StringEqual: { [`https://${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:subject`]: 'repo:octo-org/*' } },
    });
    const { report } = await explainPolicy('trust.json', policy, github());
    const [st] = report.statements;
    expect(st.principal.hints).toEqual([`The provider part must not include \`https://\`: write \`${GH_PROVIDER}\`.`]);
    expect(st.conditions[0].hints).toEqual(['Did you mean `StringEquals`?', `Condition keys never carry the scheme: write \`${GH}:aud\`.`]);
    expect(st.conditions[1].hints).toEqual([`\`subject\` is not a condition key STS sets for this issuer; did you mean \`${GH}:sub\`?`]);
  });

  it('a key for another provider than the token\'s', async () => {
    const policy = GH_POLICY({ Principal: { Federated: GH_PROVIDER }, Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' } } });
    const { report } = await explainPolicy('trust.json', policy, github());
    expect(decidingAt(report)).toEqual([at('condition', locOf(policy, '"gitlab.com:aud"'))]);
    expect(report.statements[0].conditions[0].hints.join(' ')).toContain('This key is for the issuer `gitlab.com`, but the token comes from `token.actions.githubusercontent.com`');
  });
});
