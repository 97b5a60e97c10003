/**
 * The engine: runs every enabled rule over each policy document in one walk, isolates rules that
 * throw, and turns reports into located diagnostics with stable fingerprints.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { SourceFile } from '../parsers/source.js';
import { extractDocuments, type HclContext } from '../extract/index.js';
import type { ExtractError } from '../extract/common.js';
import { formatPath, type LString, type OidcProviderDefinition, type PolicyDocument, type Statement } from '../model/types.js';
import { parseFederated } from '../iam/providers.js';
import { parseOperator } from '../iam/conditions.js';
import { wildcardRegExp } from '../iam/actions.js';
import { addCondition, mergeEntries, replaceString } from '../fixes/writer.js';
import type { Listeners, Locatable, ReportDescriptor, RuleContext, RuleModule, WebIdentityStatement } from '../rule-kit/index.js';
import { docsUrl, type Diagnostic, type Severity } from './diagnostic.js';
import type { RuleConfig, Settings } from './config.js';
import { looksRelevant, parseText } from './parse.js';
import { applySuppressions, collectSuppressions } from './suppressions.js';

export interface EnabledRule {
  rule: RuleModule<string, Record<string, unknown>>;
  config: RuleConfig;
}

export interface LintFileOptions {
  /** Report a parse error even when the file does not look like ours (it was named explicitly). */
  explicit?: boolean;
  settings?: Settings;
  reportUnusedSuppressions?: boolean;
  /** For a `.tf` or template file: what the other files of its Terraform module tell. */
  hcl?: HclContext;
  /** Where the working directory is in its repository: fingerprints name files from the root. */
  pathBase?: string;
}

/** A displayed path as seen from the repository root (`infra/x.yaml` for `x.yaml` run in `infra/`). */
export function basedPath(base: string | undefined, path: string): string {
  return base ? posix.normalize(posix.join(base, path)) : path;
}

const LANGUAGE_NAMES = { json: 'JSON', yaml: 'YAML', hcl: 'HCL' } as const;

const FEDERATED = 'Federated';
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

function allowsWebIdentity(s: Statement): boolean {
  if (s.action) return s.action.unknown || s.action.items.some((a) => a.unknown || wildcardRegExp(a.value).test(WEB_IDENTITY));
  if (s.notAction) return s.notAction.unknown || !s.notAction.items.some((a) => !a.unknown && wildcardRegExp(a.value).test(WEB_IDENTITY));
  return false;
}

export function webIdentityView(statement: Statement, document: PolicyDocument): WebIdentityStatement | undefined {
  const entries = statement.principal?.entries;
  if (!entries || statement.unknown || !entries.some((e) => e.type.value === FEDERATED)) return undefined;
  if (!statement.effect || statement.effect.unknown || statement.effect.value !== 'Allow') return undefined;
  const federated = entries.filter((e) => e.type.value === FEDERATED);
  return {
    statement,
    document,
    federated: federated.flatMap((e) => e.values.items.map(parseFederated)),
    conditions: (statement.condition?.entries ?? []).map((entry) => ({ entry, op: parseOperator(entry.operator.value) })),
    conditionsUnknown: !!statement.condition?.unknown,
    allowsWebIdentity: allowsWebIdentity(statement),
  };
}

/** Is the value's text in the file the value itself (not an expression or template resolved to it)? */
function writtenAsRead(value: LString): boolean {
  if (value.unknown || (value.holes && value.holes.length > 0)) return false;
  const node = value.node;
  if (node.type === 'object') {
    const entry = node.entries.find((e) => e.keyRange.start === value.range.start && e.keyRange.end === value.range.end);
    return !!entry && entry.key === value.value;
  }
  if (node.type !== 'scalar') return false;
  const text = typeof node.value === 'string' ? node.value : String(node.raw ?? node.value);
  return text === value.value;
}

function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

export class Collector {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Map<string, number>();
  private readonly reported = new Set<string>();

  /** The file's path in fingerprints: from the repository root when known. */
  private readonly fingerprintPath: string;

  constructor(
    readonly file: SourceFile,
    pathBase?: string,
  ) {
    this.fingerprintPath = basedPath(pathBase, file.path);
  }

  add(ruleId: string, severity: Severity, message: string, at: Locatable, extra: Partial<Diagnostic> = {}, value?: string): void {
    const { file } = this;
    let { start, end } = at.range;
    // Never an empty range: widen to the character at (or, at the end of a line, before) the position.
    if (end <= start) {
      if (start < file.text.length && !/[\r\n]/.test(file.text[start])) end = start + 1;
      else if (start > 0) [start, end] = [start - 1, start];
    }
    // The same node reached twice (a YAML alias used by two resources) is reported once.
    const key = `${ruleId}\u0000${start}\u0000${end}\u0000${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const path = formatPath(at.path);
    const v = value ?? file.text.slice(at.range.start, at.range.end);
    let fp = fingerprint([ruleId, this.fingerprintPath, path, v]);
    const n = this.seen.get(fp) ?? 0;
    this.seen.set(fp, n + 1);
    if (n > 0) fp = fingerprint([fp, String(n)]);
    this.diagnostics.push({
      ruleId,
      severity,
      message,
      file: file.path,
      range: { start: file.position(start), end: file.position(end) },
      offsets: { start, end },
      path,
      fingerprint: fp,
      docsUrl: docsUrl(ruleId),
      ...extra,
    });
  }
}

function interpolate(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

const APPLICABILITY_RANK = { 'display-only': 0, safe: 1, unsafe: 2 } as const;

/** Lints one file's text: parse once, extract, run the rules. Never throws for bad input. */
export function lintSource(file: SourceFile, rules: EnabledRule[], opts: LintFileOptions = {}): Diagnostic[] {
  const collector = new Collector(file, opts.pathBase);
  const parseRule = rules.find((r) => r.rule.meta.id === 'parse-error' && r.config.severity !== 'off');
  // A file a `templatefile()` call of its module renders is a template, whatever its name.
  const parsed = parseText(file.path, file.text, !!opts.hcl?.templateCalls?.length);
  if (parsed.error) {
    // A broken file that is none of ours (a Helm template, a workflow) is skipped, named or not:
    // pre-commit names every staged YAML file.
    if (parseRule && looksRelevant(file.text)) {
      const start = Math.min(parsed.error.offset, file.text.length);
      collector.add(
        'parse-error',
        parseRule.config.severity as Severity,
        `${LANGUAGE_NAMES[parsed.language]} syntax error: ${parsed.error.message}. The file was not linted; fix the syntax and run again.`,
        { range: { start, end: Math.min(file.text.length, start + parsed.error.length) }, path: [] },
      );
    }
    return collector.diagnostics;
  }
  const extracted = extractDocuments(file, parsed.roots, { hcl: parsed.hcl, template: parsed.template, context: opts.hcl });
  if (parseRule) reportExtractErrors(collector, extracted.errors, parseRule.config.severity as Severity);
  runRules(file, extracted.documents, rules, collector, { settings: opts.settings ?? { providers: {} }, oidcProviders: extracted.oidcProviders });
  const suppressions = collectSuppressions(file, parsed.roots, parsed.language);
  let diagnostics = applySuppressions(collector.diagnostics, suppressions);
  const unused = rules.find((r) => r.rule.meta.id === 'unused-suppression' && r.config.severity !== 'off');
  if (opts.reportUnusedSuppressions && unused) {
    const report = new Collector(file, opts.pathBase);
    for (const s of suppressions) {
      if (s.used) continue;
      const which = s.ids === 'all' ? 'any rule' : [...s.ids].map((id) => `\`${id}\``).join(', ');
      report.add('unused-suppression', unused.config.severity as Severity, `This suppression (${which}) suppresses nothing: remove it, so that it cannot hide a future finding.`, { range: s.range, path: [] }, {}, s.text);
    }
    diagnostics = [...diagnostics, ...report.diagnostics];
  }
  diagnostics.sort((a, b) => a.offsets.start - b.offsets.start || a.offsets.end - b.offsets.end || a.ruleId.localeCompare(b.ruleId));
  return diagnostics;
}

function reportExtractErrors(collector: Collector, errors: ExtractError[], severity: Severity): void {
  for (const e of errors) collector.add('parse-error', severity, e.message, e);
}

export interface RunContext {
  settings: Settings;
  oidcProviders: OidcProviderDefinition[];
}

export function runRules(file: SourceFile, documents: PolicyDocument[], rules: EnabledRule[], collector: Collector, run: RunContext): void {
  // Every event is about a policy document: a file without one has nothing for the rules.
  if (documents.length === 0) return;
  const internal = rules.find((r) => r.rule.meta.id === 'internal-error')?.config.severity ?? 'error';
  const crash = (ruleId: string, e: unknown, at: Locatable) => {
    if (internal !== 'off') reportCrash(collector, internal, ruleId, e, at);
  };
  const active: Array<{ id: string; listeners: Listeners; crashed: boolean; enabled: EnabledRule }> = [];
  const fixer: RuleContext<string, Record<string, unknown>>['fixer'] = {
    // Only a value written as it is read: one resolved from a template (`${Service}:GetObject` with
    // the parameter's default, a templatefile() variable) would lose its placeholder.
    replaceValue: (value: LString, text: string) => (writtenAsRead(value) ? replaceString(value.node, value.range, text) : undefined),
    addCondition: (doc, st, operator, key, value) => addCondition(file.text, doc, st, operator, key, value),
    mergeEntries: (object, dropped, kept) => mergeEntries(file.text, object, dropped, kept),
  };
  for (const enabled of rules) {
    const { rule, config } = enabled;
    if (config.severity === 'off') continue;
    const id = rule.meta.id;
    const context: RuleContext<string, Record<string, unknown>> = {
      file,
      options: ruleOptions(enabled),
      fixer,
      settings: run.settings,
      oidcProviders: run.oidcProviders,
      report: (d: ReportDescriptor<string>) => {
        const template = rule.meta.messages[d.messageId];
        if (template === undefined) throw new Error(`rule ${id} reported unknown messageId '${d.messageId}'`);
        const fix = d.fix;
        if (fix && (rule.meta.fix === 'none' || APPLICABILITY_RANK[fix.applicability] > APPLICABILITY_RANK[rule.meta.fix])) {
          throw new Error(`rule ${id} emitted a ${fix.applicability} fix but declares fix: ${rule.meta.fix}`);
        }
        const severity = config.explicit ? (config.severity as Severity) : (d.severity ?? (config.severity as Severity));
        const extra: Partial<Diagnostic> = {};
        if (d.fix) extra.fix = d.fix;
        if (d.suggestions && d.suggestions.length > 0) extra.suggestions = d.suggestions;
        if (d.related) extra.related = d.related.map((r) => ({ message: r.message, range: { start: file.position(r.node.range.start), end: file.position(r.node.range.end) } }));
        collector.add(id, severity, interpolate(template, d.data), d.node, extra, d.value);
      },
    };
    try {
      active.push({ id, listeners: rule.create(context), crashed: false, enabled });
    } catch (e) {
      crash(id, e, { range: { start: 0, end: 0 }, path: [] });
    }
  }
  // Each event goes only to the rules that listen to it, in catalogue order (a hot loop: every
  // action of every statement of every file).
  type Active = (typeof active)[number];
  const listening = (event: keyof Listeners) => active.filter((a) => a.listeners[event] !== undefined);
  const onDocument = listening('PolicyDocument');
  const onStatement = listening('Statement');
  const onAction = listening('Action');
  const onWebIdentity = listening('WebIdentityStatement');
  const failed = (a: Active, e: unknown, at: Locatable) => {
    a.crashed = true;
    crash(a.id, e, at);
  };
  for (const doc of documents) {
    for (const a of onDocument) {
      if (a.crashed) continue;
      try {
        a.listeners.PolicyDocument!(doc);
      } catch (e) {
        failed(a, e, doc);
      }
    }
    for (const st of doc.statements) {
      for (const a of onStatement) {
        if (a.crashed) continue;
        try {
          a.listeners.Statement!(st, doc);
        } catch (e) {
          failed(a, e, st);
        }
      }
      if (onAction.length > 0) {
        if (st.action) actionEvents(onAction, st.action, 'Action', st, doc, failed);
        if (st.notAction) actionEvents(onAction, st.notAction, 'NotAction', st, doc, failed);
      }
      if (onWebIdentity.length > 0 && (doc.kind === 'trust' || st.principal)) {
        const ws = webIdentityView(st, doc);
        if (!ws) continue;
        for (const a of onWebIdentity) {
          if (a.crashed) continue;
          try {
            a.listeners.WebIdentityStatement!(ws);
          } catch (e) {
            failed(a, e, st);
          }
        }
      }
    }
  }
}

interface ListeningRule {
  listeners: Listeners;
  crashed: boolean;
}

/** The Action event for each item of a statement's Action or NotAction list. */
function actionEvents<A extends ListeningRule>(to: A[], list: NonNullable<Statement['action']>, element: 'Action' | 'NotAction', st: Statement, doc: PolicyDocument, failed: (a: A, e: unknown, at: Locatable) => void): void {
  for (const item of list.items) {
    for (const a of to) {
      if (a.crashed) continue;
      try {
        a.listeners.Action!(item, st, doc, element, list);
      } catch (e) {
        failed(a, e, item);
      }
    }
  }
}

/** A rule's options (its defaults, overridden by the configuration), worked out once per Linter. */
const OPTIONS = new WeakMap<EnabledRule, Record<string, unknown>>();
function ruleOptions(enabled: EnabledRule): Record<string, unknown> {
  let options = OPTIONS.get(enabled);
  if (!options) {
    options = {};
    for (const [k, spec] of Object.entries(enabled.rule.meta.options ?? {})) options[k] = spec.default;
    Object.assign(options, enabled.config.options);
    OPTIONS.set(enabled, options);
  }
  return options;
}

/** Checks options against a rule's declared options; returns a message naming the offending key. */
export function validateOptions(rule: RuleModule<string, Record<string, unknown>>, options: Record<string, unknown>): string | undefined {
  const specs = rule.meta.options ?? {};
  for (const [k, v] of Object.entries(options)) {
    const spec = specs[k];
    if (!spec) {
      const known = Object.keys(specs);
      return `rule '${rule.meta.id}' has no option '${k}'${known.length ? ` (options: ${known.join(', ')})` : ' (it takes no options)'}`;
    }
    const ok =
      spec.type === 'string[]'
        ? Array.isArray(v) && v.every((x) => typeof x === 'string')
        : spec.type === 'object'
          ? !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => Array.isArray(x) && x.every((y) => typeof y === 'string'))
          : typeof v === spec.type;
    if (!ok) {
      const want = spec.type === 'object' ? 'a map from names to lists of strings' : spec.type === 'string[]' ? 'a list of strings' : `a ${spec.type}`;
      return `option '${k}' of rule '${rule.meta.id}' must be ${want}`;
    }
  }
  return undefined;
}

function reportCrash(collector: Collector, severity: Severity, ruleId: string, e: unknown, at: Locatable): void {
  const msg = e instanceof Error ? e.message : String(e);
  collector.add(
    'internal-error',
    severity,
    `Rule ${ruleId} failed on this policy (${msg}); its other findings in this file are missing. Please report this with the policy.`,
    at,
  );
}
