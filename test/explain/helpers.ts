/**
 * Test helpers for `trustlint explain`: tokens shaped like the ones each provider issues (with a
 * fake signature), a temporary directory for policy files, the CLI run in-process, and positions
 * computed from the text (not from trustlint) to check the reported locations.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { runExplain } from '../../src/cli/explain.js';
import type { Explanation } from '../../src/explain/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A signature no output may ever contain. */
export const SIGNATURE = 'U0lHTkFUVVJFLW11c3QtbmV2ZXItYmUtcHJpbnRlZC0xMjM0NTY3ODkw';

export type Claims = Record<string, unknown>;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export function jwt(claims: Claims, header: Claims = { alg: 'RS256', kid: 'x' }, signature = SIGNATURE): string {
  return `${b64(header)}.${b64(claims)}.${signature}`;
}

/** All tokens are issued at 2025-06-01T12:00:00Z; tests evaluate one minute later. */
export const IAT = Date.UTC(2025, 5, 1, 12) / 1000;
export const NOW = '2025-06-01T12:01:00Z';

export const GITHUB_ISS = 'https://token.actions.githubusercontent.com';

/** A GitHub Actions token for a push to main of octo-org/octo-repo; `over` changes the job. */
export function github(over: Claims = {}): Claims {
  return {
    jti: '5f0c8a2e-7a4e-4c55-9a2b-1e8d5d6f3c11',
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    aud: 'sts.amazonaws.com',
    ref: 'refs/heads/main',
    sha: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0',
    repository: 'octo-org/octo-repo',
    repository_owner: 'octo-org',
    repository_owner_id: '65432',
    run_id: '9876543210',
    run_number: '7',
    run_attempt: '1',
    repository_visibility: 'private',
    repository_id: '123456789',
    actor_id: '583231',
    actor: 'octocat',
    workflow: 'Deploy',
    head_ref: '',
    base_ref: '',
    event_name: 'push',
    ref_protected: 'true',
    ref_type: 'branch',
    workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
    workflow_sha: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0',
    job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
    job_workflow_sha: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0',
    runner_environment: 'github-hosted',
    iss: GITHUB_ISS,
    nbf: IAT - 600,
    exp: IAT + 300,
    iat: IAT,
    ...over,
  };
}

export const githubTag = (tag = 'v1.4.0') =>
  github({ sub: `repo:octo-org/octo-repo:ref:refs/tags/${tag}`, ref: `refs/tags/${tag}`, ref_type: 'tag', event_name: 'push' });

export const githubEnvironment = (env = 'production') => github({ sub: `repo:octo-org/octo-repo:environment:${env}`, environment: env });

export const githubPullRequest = () =>
  github({
    sub: 'repo:octo-org/octo-repo:pull_request',
    ref: 'refs/pull/42/merge',
    head_ref: 'feature/login',
    base_ref: 'main',
    event_name: 'pull_request',
    ref_protected: 'false',
    workflow_ref: 'octo-org/octo-repo/.github/workflows/ci.yml@refs/pull/42/merge',
    job_workflow_ref: 'octo-org/octo-repo/.github/workflows/ci.yml@refs/pull/42/merge',
  });

/** A job of octo-org/octo-repo that calls octo-org/shared-workflows' deploy workflow at `ref`. */
export const githubReusable = (ref = 'refs/heads/main') =>
  github({
    workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
    job_workflow_ref: `octo-org/shared-workflows/.github/workflows/deploy.yml@${ref}`,
  });

export const EKS_ID = 'EXAMPLED539D4633E53DE1B71EXAMPLE';
export const EKS_ISSUER = `oidc.eks.us-west-2.amazonaws.com/id/${EKS_ID}`;

export function eks(namespace = 'payroll', serviceAccount = 'payroll-worker', issuer = EKS_ISSUER): Claims {
  return {
    aud: ['sts.amazonaws.com'],
    exp: IAT + 86400,
    iat: IAT,
    iss: `https://${issuer}`,
    'kubernetes.io': {
      namespace,
      pod: { name: `${serviceAccount}-7c9f8d6b5-x2x4k`, uid: '5f1e0b6a-2d3c-4b5a-8e7f-6a5b4c3d2e1f' },
      serviceaccount: { name: serviceAccount, uid: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d' },
    },
    nbf: IAT,
    sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
  };
}

export const COGNITO_POOL = 'us-east-1:12345678-90ab-cdef-1234-567890abcdef';

export function cognito(authenticated: boolean, pool = COGNITO_POOL): Claims {
  return {
    sub: 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    aud: pool,
    amr: authenticated
      ? ['authenticated', 'cognito-identity.amazonaws.com', `cognito-identity.amazonaws.com:${pool}:CognitoSignIn:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`]
      : ['unauthenticated'],
    iss: 'https://cognito-identity.amazonaws.com',
    exp: IAT + 600,
    iat: IAT,
  };
}

export function gitlab(refType: 'branch' | 'tag' = 'branch', ref = 'main', project = 'acme/payments'): Claims {
  return {
    namespace_id: '72',
    namespace_path: project.split('/')[0],
    project_id: '20',
    project_path: project,
    user_id: '1',
    user_login: 'sam',
    user_email: 'sam@example.com',
    user_access_level: 'maintainer',
    pipeline_id: '1212',
    pipeline_source: 'push',
    job_id: '1212',
    ref,
    ref_type: refType,
    ref_path: refType === 'branch' ? `refs/heads/${ref}` : `refs/tags/${ref}`,
    ref_protected: 'true',
    runner_id: 1,
    runner_environment: 'gitlab-hosted',
    sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
    project_visibility: 'private',
    ci_config_ref_uri: `gitlab.com/${project}//.gitlab-ci.yml@refs/heads/main`,
    jti: '235b3a54-b797-45c7-ae9a-f72d7bc6ef5b',
    iss: 'https://gitlab.com',
    iat: IAT,
    nbf: IAT - 5,
    exp: IAT + 3600,
    sub: `project_path:${project}:ref_type:${refType}:ref:${ref}`,
    aud: 'https://gitlab.com',
  };
}

export function terraform(phase: 'plan' | 'apply' = 'apply', workspace = 'payments-prod'): Claims {
  return {
    jti: '1192426d-b525-4fde-9d85-4ddfda1db3a6',
    iss: 'https://app.terraform.io',
    aud: 'aws.workload.identity',
    iat: IAT,
    nbf: IAT,
    exp: IAT + 900,
    sub: `organization:acme:project:Default Project:workspace:${workspace}:run_phase:${phase}`,
    terraform_organization_id: 'org-GRNbCjYNpBB6NEH9',
    terraform_organization_name: 'acme',
    terraform_project_id: 'prj-vegSA59s1XPwMr2t',
    terraform_project_name: 'Default Project',
    terraform_workspace_id: 'ws-Vp3kxgnxVi4cNqYs',
    terraform_workspace_name: workspace,
    terraform_full_workspace: `organization:acme:project:Default Project:workspace:${workspace}`,
    terraform_run_id: 'run-CvSPe8fR1bU2y8wq',
    terraform_run_phase: phase,
  };
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A temporary directory holding `files` (path → text). */
export function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustlint-explain-'));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function explainCli(args: string[], cwd = ROOT, stdin?: string): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await runExplain(args, {
    cwd,
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
    env: {},
    stdin: stdin === undefined ? undefined : async () => stdin,
  });
  return { code, out, err };
}

export interface JsonRun extends CliResult {
  report: Explanation;
}

/** Writes `policy` (text) to a temp file named `name` and explains `claims` against it, as JSON. */
export async function explainPolicy(name: string, policy: string, claims: Claims, extra: string[] = []): Promise<JsonRun> {
  const dir = tempTree({ [name]: policy });
  const r = await explainCli(['--policy', name, '--token', jwt(claims), '--now', NOW, '--format', 'json', ...extra], dir);
  if (r.code === 2) throw new Error(`usage error: ${r.err}`);
  return { ...r, report: JSON.parse(r.out) as Explanation };
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
export function locOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

/** The deciding parts as `kind line:column` strings, to compare with `locOf`. */
export function decidingAt(r: Explanation): string[] {
  return r.deciding.map((d) => `${d.kind} ${d.location ? `${d.location.line}:${d.location.column}` : '-'}`);
}

export const at = (kind: string, p: { line: number; column: number }) => `${kind} ${p.line}:${p.column}`;

/** A trust policy as pretty JSON text. */
export function policyJson(statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2) + '\n';
}
