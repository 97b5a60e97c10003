/** Text and JSON forms of an explanation: pure functions of the result. */
import type { CheckResult, Explanation, PartResult, StatementResult } from './types.js';
import { q, where } from './util.js';

const STATUS: Record<PartResult['result'], string> = { match: 'match   ', 'no-match': 'NO MATCH', unknown: 'UNKNOWN ' };
const CHECK: Record<CheckResult['result'], string> = { pass: 'pass   ', fail: 'FAIL   ', unknown: 'UNKNOWN', skipped: 'skipped' };
const PAD = ' '.repeat(14);

const values = (v: string[] | null | undefined) => (v === null ? '(absent: the request has no such key)' : v === undefined ? '(not known offline)' : v.length === 0 ? '(none)' : v.map(q).join(', '));

function detail(out: string[], p: { message: string; expected?: string[]; actual?: string[] | null; hints: string[] }, full: boolean): void {
  out.push(`${PAD}${p.message}`);
  if (!full) return;
  if (p.expected) out.push(`${PAD}policy expects  ${values(p.expected)}`);
  if (p.actual !== undefined || p.expected) out.push(`${PAD}token carries   ${values(p.actual)}`);
  for (const h of p.hints) out.push(`${PAD}hint: ${h}`);
}

function part(out: string[], title: string, p: PartResult): void {
  out.push(`  ${STATUS[p.result]}  ${title}${p.location ? `  ${where(p.location)}` : ''}`);
  detail(out, p, p.result !== 'match');
  if (p.result === 'match') for (const h of p.hints) out.push(`${PAD}note: ${h}`);
  for (const u of p.unresolved) out.push(`${PAD}unresolved: ${u.text} (${where(u.location)})`);
}

function statement(out: string[], s: StatementResult): void {
  const applies = s.result === 'match' ? 'applies' : s.result === 'no-match' ? 'does not apply' : 'may or may not apply';
  out.push(`Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}, ${s.effect}, at ${where(s.location)}: ${applies}`);
  part(out, 'Principal', s.principal);
  part(out, s.action.expected && s.action.message.startsWith('NotAction') ? 'NotAction' : 'Action', s.action);
  for (const c of s.conditions) part(out, `${c.operator} ${c.key}`, c);
  for (const n of s.notes) out.push(`  note: ${n}`);
}

export function renderText(e: Explanation): string {
  const out: string[] = [e.summary, ''];
  if (e.deciding.length > 0 && e.verdict !== 'ALLOWED') {
    out.push(e.verdict === 'UNDETERMINED' ? 'Undecided:' : 'Deciding:');
    for (const d of e.deciding) out.push(`  ${d.location ? `${where(d.location)}  ` : ''}${d.message}`);
    out.push('');
  }
  const formats: Record<string, string> = { cloudformation: 'CloudFormation', terraform: 'Terraform', 'terraform-plan': 'Terraform plan', policy: 'policy file' };
  const origin = [formats[e.policy.format] ?? e.policy.format, [e.policy.resourceType, e.policy.property].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  out.push(`Policy   ${e.policy.file}${e.policy.resource ? `#${e.policy.resource}` : ''}  (${origin}; at ${e.policy.location.line}:${e.policy.location.column})`);
  const header = e.token.header ? Object.entries(e.token.header).map(([k, v]) => `${k} ${v}`).join(', ') : '';
  const form = e.token.form === 'jwt' ? `JWT: ${header}${header ? '; ' : ''}signature ${e.token.signature === 'present' ? 'present, not verified' : 'absent'}` : 'a JSON file of claims';
  out.push(`Token    ${e.request.provider.name} token from ${String(e.token.claims.iss ?? '(no iss)')} (${form})`);
  out.push(`Request  ${e.request.action} at ${e.request.now}${e.request.roleArn ? ` for ${e.request.roleArn}` : ''}`);
  const width = Math.max(0, ...e.request.context.map((c) => c.key.length));
  for (const c of e.request.context) {
    const v = c.unknown ? `(not known: ${c.unknown})` : c.multiValued ? `[${c.values.map(q).join(', ')}]` : c.values.map(q).join(', ');
    out.push(`  ${c.key.padEnd(width)}  ${v}`);
  }
  out.push('', 'Before the policy (STS)');
  for (const c of e.checks) {
    out.push(`  ${CHECK[c.result]}  ${c.message}${c.location ? `  ${where(c.location)}` : ''}`);
    if (c.result === 'fail' || c.result === 'unknown') {
      if (c.expected) out.push(`${PAD}expected  ${values(c.expected)}`);
      if (c.actual !== undefined) out.push(`${PAD}token     ${values(c.actual)}`);
      for (const h of c.hints) out.push(`${PAD}hint: ${h}`);
    }
  }
  for (const s of e.statements) {
    out.push('');
    statement(out, s);
  }
  if (e.statements.length === 0) out.push('', 'The policy has no statements.');
  if (e.notes.length > 0) {
    out.push('', 'Notes');
    for (const n of e.notes) out.push(`  - ${n}`);
  }
  return out.join('\n') + '\n';
}

export function renderJson(e: Explanation): string {
  return JSON.stringify(e, null, 2) + '\n';
}
