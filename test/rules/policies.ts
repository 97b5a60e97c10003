/** Trust policies from AWS's and the providers' documentation, used as known-good inputs. */
import type { Policy } from '../harness.js';

export const ACCOUNT = '111122223333';
export const GITHUB_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
export const EKS_ISSUER = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const EKS_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS_ISSUER}`;

export function trust(statement: Record<string, unknown>): Policy {
  return { Version: '2012-10-17', Statement: [statement as Policy] };
}

/** GitHub's documented AWS trust policy. */
export const GITHUB_GOOD = trust({
  Effect: 'Allow',
  Principal: { Federated: GITHUB_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' },
  },
});

/** EKS user guide: IAM roles for service accounts. */
export const EKS_GOOD = trust({
  Effect: 'Allow',
  Principal: { Federated: EKS_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: {
      [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:default:my-service-account',
      [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com',
    },
  },
});

/** Cognito developer guide: role trust for an identity pool. */
export const COGNITO_GOOD = trust({
  Effect: 'Allow',
  Principal: { Federated: 'cognito-identity.amazonaws.com' },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-abcd-abcd-abcd-123456790ab' },
    'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
  },
});

/** GitLab documentation: configure OpenID Connect in AWS. */
export const GITLAB_GOOD = trust({
  Effect: 'Allow',
  Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { 'gitlab.com:sub': 'project_path:mygroup/myproject:ref_type:branch:ref:main', 'gitlab.com:aud': 'https://gitlab.com' },
  },
});

/** HashiCorp documentation: HCP Terraform dynamic credentials for AWS. */
export const TERRAFORM_GOOD = trust({
  Effect: 'Allow',
  Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/app.terraform.io` },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { 'app.terraform.io:aud': 'aws.workload.identity' },
    StringLike: { 'app.terraform.io:sub': 'organization:my-org-name:project:my-project-name:workspace:my-workspace-name:run_phase:*' },
  },
});

/** IAM user guide: web identity federation with Google. */
export const GOOGLE_GOOD = trust({
  Effect: 'Allow',
  Principal: { Federated: 'accounts.google.com' },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'accounts.google.com:aud': '66677788899.apps.googleusercontent.com' } },
});

export const DOCUMENTED_GOOD: Array<[string, Policy]> = [
  ['GitHub Actions', GITHUB_GOOD],
  ['EKS IRSA', EKS_GOOD],
  ['Cognito identity pool', COGNITO_GOOD],
  ['GitLab', GITLAB_GOOD],
  ['HCP Terraform', TERRAFORM_GOOD],
  ['Google', GOOGLE_GOOD],
];
