/**
 * `trustlint explain`: reads the policy file and the token, and prints why STS would accept or
 * refuse the token for that role. The evaluation lives in src/explain/; this file only handles
 * arguments, files and output. Exit codes: 0 ALLOWED, 1 DENIED or UNDETERMINED, 2 usage errors.
 *
 * The token is a credential: it is read from the argument, a file or standard input, kept in
 * memory only, and never printed — neither in the output nor in an error message.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIO } from './main.js';
import { displayPath } from './discover.js';
import { DEFAULT_MAX_FILE_SIZE } from '../linter.js';

const HELP = `Usage: trustlint explain --policy FILE[#SELECTOR] --token JWT|FILE|- [options]

Explains, offline, whether STS would let a web-identity token (GitHub Actions, EKS, GitLab,
HCP Terraform, Cognito, Google, any OIDC provider) call sts:AssumeRoleWithWebIdentity on a role,
and which line of the trust policy decides.

Options:
  --policy FILE[#SELECTOR]  the trust policy: a policy file (JSON/YAML), or a CloudFormation
                            template (#LogicalId), Terraform JSON (#aws_iam_role.name,
                            #data.aws_iam_policy_document.name) or a plan (#module.x.aws_iam_role.name)
  --token JWT|FILE|-        the token itself, a file holding it (or a JSON object of claims),
                            or - for standard input. Decoded, never verified, sent or printed.
  --role-arn ARN            the role being assumed (checks the ARN and the provider's account)
  --session-name NAME       the RoleSessionName of the call (checked, and sts:RoleSessionName)
  --now ISO-8601            evaluate at this time (default: now), e.g. 2025-06-01T12:00:00Z
  -f, --format text|json    output format (default: text)
  -h, --help                show this help

Exit status: 0 ALLOWED, 1 DENIED or UNDETERMINED (the answer depends on values the file does
not determine), 2 usage error (bad arguments, unreadable policy or token).`;

export type ExplainIO = CliIO & { stdin?: () => Promise<string> };

class ExplainUsageError extends Error {}

const MAX_TOKEN_FILE = 1024 * 1024;

/** Arguments that may be a token, to keep them out of error messages. */
function secrets(argv: string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : a;
    // A JWT's header is base64url JSON, so it starts with `eyJ` (`{"`).
    const jwtLike = /^(Bearer\s+)?eyJ[A-Za-z0-9_=-]*(\.[A-Za-z0-9_=-]*)+$/.test(value);
    // A file name is safe to show; base64url text never holds a slash.
    const path = !jwtLike && value.length < 300 && (/[/\\]/.test(value) || /\.(jwt|json|txt|token|claims)$/i.test(value));
    if (jwtLike || (!path && (argv[i - 1] === '--token' || /^--token=/.test(a) || value.length > 200))) {
      if (value.length > 0 && value !== '-') out.push(value);
    }
  });
  return out.sort((a, b) => b.length - a.length);
}

function redact(message: string, argv: string[]): string {
  let m = message;
  for (const s of secrets(argv)) m = m.split(s).join('<redacted>');
  return m;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function runExplain(argv: string[], io: ExplainIO): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    if (e instanceof ExplainUsageError) {
      io.stderr(`trustlint explain: ${redact(e.message, argv)}\n`);
      return 2;
    }
    io.stderr(`trustlint explain: internal error: ${redact(e instanceof Error ? (e.stack ?? e.message) : String(e), argv)}\n`);
    return 2;
  }
}

async function main(argv: string[], io: ExplainIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        policy: { type: 'string' },
        token: { type: 'string' },
        'role-arn': { type: 'string' },
        'session-name': { type: 'string' },
        now: { type: 'string' },
        format: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new ExplainUsageError(`${(e as Error).message}\nRun \`trustlint explain --help\` for usage.`);
  }
  if (values.help) {
    io.stdout(HELP + '\n');
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ExplainUsageError(`--format takes text or json, not '${format}'.`);
  if (!values.policy) throw new ExplainUsageError('--policy FILE[#SELECTOR] is required. Run `trustlint explain --help` for usage.');
  if (values.token === undefined) throw new ExplainUsageError('--token JWT|FILE|- is required. Run `trustlint explain --help` for usage.');
  let now = new Date();
  if (values.now !== undefined) {
    const t = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(values.now) ? Date.parse(values.now) : NaN;
    if (Number.isNaN(t)) throw new ExplainUsageError(`--now takes an ISO-8601 time such as 2025-06-01T12:00:00Z, not '${values.now}'.`);
    now = new Date(t);
  }

  const ex = await import('../explain/index.js');

  // The policy.
  // `FILE#SELECTOR`, unless the whole argument names a file (a `#` in a file name).
  const whole = await stat(resolve(io.cwd, values.policy)).catch(() => undefined);
  const hash = whole?.isFile() ? -1 : values.policy.lastIndexOf('#');
  const policyPath = hash > 0 ? values.policy.slice(0, hash) : values.policy;
  const selector = hash > 0 ? values.policy.slice(hash + 1) || undefined : undefined;
  const absPolicy = resolve(io.cwd, policyPath);
  let policyText: string;
  try {
    policyText = await readFile(absPolicy, 'utf8');
  } catch (e) {
    throw new ExplainUsageError(`cannot read the policy file ${policyPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  // Terraform HCL and templatefile() templates: load the grammar and read the module's other files.
  let context;
  if (/\.(tf|tftpl|tpl|tmpl)$/i.test(absPolicy)) {
    const { loadHcl } = await import('../parsers/hcl.js');
    await loadHcl();
    const { HclWorkspace } = await import('../extract/hcl-module.js');
    context = await new HclWorkspace(DEFAULT_MAX_FILE_SIZE).contextFor(absPolicy);
  }
  let selected;
  try {
    selected = ex.selectPolicy(displayPath(io.cwd, absPolicy), policyText, selector, context);
  } catch (e) {
    if (e instanceof ex.SelectionError) {
      const list = e.candidates.map((c) => `  ${c}`).join('\n');
      throw new ExplainUsageError(`${e.message}${list ? `\n${list}` : ''}`);
    }
    throw e;
  }

  // The token.
  let token;
  try {
    token = await readTokenArgument(values.token, io, ex);
  } catch (e) {
    if (e instanceof ex.TokenError) throw new ExplainUsageError(`--token: ${e.message}`);
    throw e;
  }

  const explanation = ex.explain({
    document: selected.document,
    providers: selected.providers,
    token,
    now,
    roleArn: values['role-arn'],
    sessionName: values['session-name'],
  });
  explanation.notes.unshift(...selected.notes);
  io.stdout(format === 'json' ? ex.renderJson(explanation) : ex.renderText(explanation));
  return explanation.verdict === 'ALLOWED' ? 0 : 1;
}

async function readTokenArgument(arg: string, io: ExplainIO, ex: typeof import('../explain/index.js')) {
  if (arg === '-') {
    const text = await (io.stdin ?? readStdin)();
    return ex.readToken(text, 'standard input');
  }
  if (ex.looksLikeJwt(arg)) return ex.decodeJwt(arg);
  const abs = resolve(io.cwd, arg);
  const st = await stat(abs).catch(() => undefined);
  if (st?.isFile()) {
    if (st.size > MAX_TOKEN_FILE) throw new ex.TokenError(`the file ${arg} is ${st.size} bytes: too large for a token.`);
    return ex.readToken(await readFile(abs, 'utf8'), `the file ${arg}`);
  }
  // Not a file: a token with a defect (decoding says which part), or a file name that does not exist.
  if (!/[/\\]/.test(arg) && !/\.(jwt|json|txt|token|claims)$/i.test(arg) && arg.split('.').length >= 2) return ex.decodeJwt(arg);
  if (/[/\\]|\.(jwt|json|txt|token|claims)$/i.test(arg) && arg.length < 300) throw new ex.TokenError(`no such file: ${arg}.`);
  throw new ex.TokenError('the value is neither a readable file nor a JWT (three base64url parts separated by dots). It is not shown here, as it may be a secret.');
}
