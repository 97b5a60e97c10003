/**
 * Which trust policy `--policy FILE[#SELECTOR]` picks: CloudFormation logical ids, Terraform
 * addresses (a role's inline JSON, a role linked to a `data.aws_iam_policy_document`, the data
 * source itself), plan addresses with modules, and the listing when the choice is ambiguous.
 */
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/explain/index.js';
import { explainCli, explainPolicy, github, githubEnvironment, githubPullRequest, jwt, locOf, NOW, tempTree } from './helpers.js';

const GH = 'token.actions.githubusercontent.com';
const CFN = 'fixtures/explain/github-roles.cfn';

const json = (out: string) => JSON.parse(out) as Explanation;

describe('CloudFormation (fixtures/explain/github-roles.cfn)', () => {
  it('lists the trust policies with their positions and exits 2 when there are several and no selector', async () => {
    const r = await explainCli(['--policy', CFN, '--token', jwt(github()), '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('holds 2 trust policies');
    expect(r.err).toContain(`#DeployRole   ${CFN}:21:9  AWS::IAM::Role AssumeRolePolicyDocument`);
    expect(r.err).toContain(`#ReleaseRole  ${CFN}:39:9  AWS::IAM::Role AssumeRolePolicyDocument`);
  });

  it('explains the selected role', async () => {
    const deploy = await explainCli(['--policy', `${CFN}#DeployRole`, '--token', jwt(github()), '--now', NOW, '--format', 'json']);
    expect(deploy.code).toBe(0);
    expect(json(deploy.out).policy).toMatchObject({ file: CFN, resource: 'DeployRole', resourceType: 'AWS::IAM::Role', format: 'cloudformation' });
    const release = await explainCli(['--policy', `${CFN}#ReleaseRole`, '--token', jwt(githubEnvironment('production')), '--now', NOW, '--format', 'json']);
    expect(release.code).toBe(0);
    expect(json(release.out).verdict).toBe('ALLOWED');
  });

  it('resolves !GetAtt of the OIDC provider in the template, and checks its ClientIdList', async () => {
    const r = await explainCli(['--policy', `${CFN}#DeployRole`, '--token', jwt(github({ aud: 'api://octo' })), '--now', NOW, '--format', 'json']);
    const e = json(r.out);
    expect(e.statements[0].principal.result).toBe('match');
    const check = e.checks.find((c) => c.id === 'provider-audience')!;
    expect(check).toMatchObject({ result: 'fail', expected: ['sts.amazonaws.com'], actual: ['api://octo'] });
    expect(check.message).toContain('Incorrect token audience');
    expect(check.location).toMatchObject({ file: CFN, line: 12, column: 9 });
    expect(e.verdict).toBe('DENIED');
    expect(e.summary).toMatch(/^DENIED: STS rejects the request before it reads the trust policy/);
  });

  it('exits 2 and lists the candidates for an unknown logical id', async () => {
    const r = await explainCli(['--policy', `${CFN}#PlanRole`, '--token', jwt(github()), '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no trust policy #PlanRole');
    expect(r.err).toContain('#DeployRole');
    expect(r.err).toContain('#ReleaseRole');
  });

  it('reads a JSON template the same way', async () => {
    const template = JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Ci: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Federated: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GH}` } },
                    Action: 'sts:AssumeRoleWithWebIdentity',
                    Condition: { StringLike: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:ref:refs/heads/main' } },
                  },
                ],
              },
            },
          },
        },
      },
      null,
      2,
    );
    const dir = tempTree({ 'stack.json': template });
    const r = await explainCli(['--policy', 'stack.json', '--token', jwt(githubPullRequest()), '--now', NOW, '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const e = json(r.out);
    expect(e.policy.resource).toBe('Ci');
    expect(e.deciding.map((d) => d.location && `${d.location.line}:${d.location.column}`)).toEqual([`${locOf(template, `"${GH}:sub"`).line}:${locOf(template, `"${GH}:sub"`).column}`]);
  });
});

/** Terraform JSON: a role with an inline policy string, a role linked to a data source, the provider. */
function terraformConfig(): string {
  const inline = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: '${aws_iam_openid_connect_provider.github.arn}' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: 'repo:${var.repository}:ref:refs/heads/main' },
        },
      },
    ],
  });
  return JSON.stringify(
    {
      variable: { repository: { type: 'string', default: 'octo-org/octo-repo' } },
      resource: {
        aws_iam_openid_connect_provider: { github: { url: `https://${GH}`, client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: {
          ci: { name: 'ci', assume_role_policy: inline },
          previews: { name: 'previews', assume_role_policy: '${data.aws_iam_policy_document.previews_trust.json}' },
        },
      },
      data: {
        aws_iam_policy_document: {
          previews_trust: {
            statement: [
              {
                sid: 'PullRequests',
                actions: ['sts:AssumeRoleWithWebIdentity'],
                principals: [{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.github.arn}'] }],
                condition: [
                  { test: 'StringEquals', variable: `${GH}:aud`, values: ['sts.amazonaws.com'] },
                  { test: 'StringLike', variable: `${GH}:sub`, values: ['repo:octo-org/*:pull_request'] },
                ],
              },
            ],
          },
        },
      },
    },
    null,
    2,
  );
}

describe('Terraform JSON', () => {
  const TF = terraformConfig();
  const dir = tempTree({ 'main.tf.json': TF });
  const run = (selector: string, claims = github(), format = 'json') => explainCli(['--policy', `main.tf.json${selector}`, '--token', jwt(claims), '--now', NOW, '--format', format], dir);

  it('lists aws_iam_role.ci and the data source without a selector, and exits 2', async () => {
    const r = await run('');
    expect(r.code).toBe(2);
    expect(r.err).toContain('holds 2 trust policies');
    expect(r.err).toMatch(/#aws_iam_role\.ci +main\.tf\.json:\d+:\d+ +aws_iam_role assume_role_policy/);
    expect(r.err).toMatch(/#data\.aws_iam_policy_document\.previews_trust +main\.tf\.json:\d+:\d+ +aws_iam_policy_document/);
  });

  it('#aws_iam_role.ci: the inline JSON string, ${var} resolved from its default', async () => {
    const ok = await run('#aws_iam_role.ci');
    expect(ok.code).toBe(0);
    const denied = await run('#aws_iam_role.ci', githubPullRequest());
    expect(denied.code).toBe(1);
    const e = json(denied.out);
    expect(e.policy).toMatchObject({ resource: 'aws_iam_role.ci', format: 'terraform', property: 'assume_role_policy' });
    // The condition key inside the JSON string, at its exact place in the .tf.json file.
    const key = locOf(TF, `\\"${GH}:sub\\"`);
    expect(e.deciding).toHaveLength(1);
    expect(e.deciding[0].location).toMatchObject({ file: 'main.tf.json', line: key.line, column: key.column });
  });

  it('#aws_iam_role.previews follows ${data.aws_iam_policy_document.X.json} to the data source', async () => {
    const r = await run('#aws_iam_role.previews', githubPullRequest());
    expect(r.code).toBe(0);
    const e = json(r.out);
    expect(e.policy.resource).toBe('data.aws_iam_policy_document.previews_trust');
    expect(e.notes).toContain('aws_iam_role.previews takes its trust policy from data.aws_iam_policy_document.previews_trust.');
  });

  it('#data.aws_iam_policy_document.previews_trust names the data source, and locates its condition blocks', async () => {
    const r = await run('#data.aws_iam_policy_document.previews_trust', github());
    expect(r.code).toBe(1);
    const e = json(r.out);
    expect(e.statements[0].sid).toBe('PullRequests');
    const variable = locOf(TF, `"${GH}:sub"`);
    expect(e.deciding[0].location).toMatchObject({ line: variable.line, column: variable.column });
  });

  it('checks the token audience against the provider client_id_list', async () => {
    const r = await run('#aws_iam_role.ci', github({ aud: 'sigstore' }));
    const e = json(r.out);
    expect(e.checks.find((c) => c.id === 'provider-audience')).toMatchObject({ result: 'fail', expected: ['sts.amazonaws.com'], actual: ['sigstore'] });
  });

  it('exits 2 for an address that is not there', async () => {
    const r = await run('#aws_iam_role.deploy');
    expect(r.code).toBe(2);
    expect(r.err).toContain('(Terraform) has no trust policy #aws_iam_role.deploy');
    expect(r.err).toContain('#aws_iam_role.ci');
  });
});

describe('Terraform plan', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:octo-org/octo-repo:environment:production' } },
      },
    ],
  });
  const plan = JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: {
        root_module: {
          child_modules: [
            {
              address: 'module.ci',
              resources: [{ address: 'module.ci.aws_iam_role.deploy', mode: 'managed', type: 'aws_iam_role', name: 'deploy', values: { name: 'deploy', assume_role_policy: policy } }],
            },
          ],
        },
      },
    },
    null,
    2,
  );
  const dir = tempTree({ 'plan.json': plan });

  it('selects a module address, and the short address when it is unique', async () => {
    for (const selector of ['module.ci.aws_iam_role.deploy', 'aws_iam_role.deploy']) {
      const r = await explainCli(['--policy', `plan.json#${selector}`, '--token', jwt(githubEnvironment('production')), '--now', NOW, '--format', 'json'], dir);
      expect(r.code, r.err).toBe(0);
      expect(json(r.out).policy).toMatchObject({ resource: 'module.ci.aws_iam_role.deploy', format: 'terraform-plan' });
    }
  });

  it('uses the only trust policy without a selector', async () => {
    const r = await explainCli(['--policy', 'plan.json', '--token', jwt(githubEnvironment('staging')), '--now', NOW, '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const e = json(r.out);
    const key = locOf(plan, `\\"${GH}:sub\\"`);
    expect(e.deciding[0].location).toMatchObject({ line: key.line, column: key.column });
  });
});

describe('raw policy files', () => {
  it('reads a YAML policy without a selector', async () => {
    const text = ['Statement:', '  - Effect: Allow', `    Principal: {Federated: "arn:aws:iam::111122223333:oidc-provider/${GH}"}`, '    Action: "sts:*"', ''].join('\n');
    const dir = tempTree({ 'trust.yml': text });
    const r = await explainCli(['--policy', 'trust.yml', '--token', jwt(github()), '--now', NOW, '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const e = json(r.out);
    expect(e.policy.format).toBe('policy');
    expect(e.statements[0].action.message).toBe('Action "sts:*" covers sts:AssumeRoleWithWebIdentity');
  });

  it('reports a file that does not parse at its position, exit 2', async () => {
    const dir = tempTree({ 'broken.json': '{\n  "Statement": [\n    {"Effect": "Allow",,}\n  ]\n}\n' });
    const r = await explainCli(['--policy', 'broken.json', '--token', jwt(github()), '--now', NOW], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.json:3:\d+: the file could not be parsed/);
  });

  it('exits 2 for a file with no policy in it, or no file at all', async () => {
    const dir = tempTree({ 'package.json': '{"name": "x"}\n' });
    expect((await explainCli(['--policy', 'package.json', '--token', jwt(github()), '--now', NOW], dir)).err).toContain('holds no policy document');
    const missing = await explainCli(['--policy', 'nope.json', '--token', jwt(github()), '--now', NOW], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read the policy file nope.json: ENOENT');
  });
});

describe('explain: statements in the branches of an Fn::If', () => {
  const template = (other: string, noValue = false) => `Conditions:
  Open: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If
            - Open
            - Effect: Allow
              Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }
              Action: sts:AssumeRoleWithWebIdentity
              Condition:
                StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com }
                StringLike: { token.actions.githubusercontent.com:sub: "repo:octo-org/*" }
${
  noValue
    ? '            - !Ref AWS::NoValue'
    : `            - Effect: Allow
              Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }
              Action: sts:AssumeRoleWithWebIdentity
              Condition:
                StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com }
                StringLike: { token.actions.githubusercontent.com:sub: "${other}" }`
}
`;

  it('a branch that applies makes the answer depend on the condition, unless every branch applies', async () => {
    const one = await explainPolicy('t.cfn', template('repo:octo-org/other:*'), github());
    expect(one.report.verdict).toBe('UNDETERMINED');
    expect(one.report.summary).toBe(
      "UNDETERMINED: the answer depends on what is not known offline: statement 0 applies to this token, but it is the !If Open (true) branch of the template: it applies only when the template's condition chooses it, which the stack's parameters decide.",
    );
    expect((await explainPolicy('t.cfn', template('repo:octo-org/*:*'), github())).report.verdict).toBe('ALLOWED');
    expect((await explainPolicy('t.cfn', template('', true), github())).report.verdict).toBe('UNDETERMINED');
    expect((await explainPolicy('t.cfn', template('repo:octo-org/other:*'), github({ sub: 'repo:evil/x:ref:refs/heads/main' }))).report.verdict).toBe('DENIED');
  });
});

describe('explain: an issuer that ends with a slash (Auth0)', () => {
  it('matches the provider ARN and keys that keep the slash', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/example.us.auth0.com/' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'example.us.auth0.com/:aud': 'my-client' } },
        },
      ],
    });
    const claims = { iss: 'https://example.us.auth0.com/', aud: 'my-client', sub: 'auth0|12345', iat: 1748779200, exp: 1748779500 };
    expect((await explainPolicy('p.json', policy, claims)).report.verdict).toBe('ALLOWED');
    expect((await explainPolicy('p.json', policy, { ...claims, aud: 'other-client' })).report.verdict).toBe('DENIED');
  });
});

describe('explain: an HCL role whose trust policy is a policy document data source', () => {
  it('#aws_iam_role.X follows data.aws_iam_policy_document.Y.json (bare or inside "${...}") to the document', async () => {
    const tf = (ref: string) => `data "aws_iam_policy_document" "github" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/${GH}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${GH}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "${GH}:sub"
      values   = ["repo:octo-org/octo-repo:*"]
    }
  }
}
resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = ${ref}
}
`;
    for (const ref of ['data.aws_iam_policy_document.github.json', '"${data.aws_iam_policy_document.github.json}"']) {
      const dir = tempTree({ 'main.tf': tf(ref) });
      const r = await explainCli(['--policy', 'main.tf#aws_iam_role.deploy', '--token', jwt(github()), '--now', NOW, '--format', 'json'], dir);
      expect(r.code, r.err).toBe(0);
      const e = JSON.parse(r.out) as Explanation;
      expect(e.verdict).toBe('ALLOWED');
      expect(e.policy.resource).toBe('data.aws_iam_policy_document.github');
    }
  });
});
