/**
 * The public API for rules: what a rule module exports, the listeners it can register, and the
 * helpers it may use. Rules import from here and nowhere else.
 */
import type { Applicability, Edit, Fix, Severity } from '../engine/diagnostic.js';
import type { SourceFile, Range } from '../parsers/source.js';
import type { ConditionEntry, LString, OidcProviderDefinition, Path, PolicyDocument, Statement, ValueList } from '../model/types.js';
import type { Settings } from '../engine/config.js';
import type { ObjectEntry } from '../fixes/writer.js';
import type { FederatedPrincipal } from '../iam/providers.js';
import type { ParsedOperator } from '../iam/conditions.js';

export type { Applicability, Edit, Fix, Severity } from '../engine/diagnostic.js';
export type { ProviderSettings, Settings } from '../engine/config.js';
export type {
  ConditionBlock,
  OidcProviderDefinition,
  ConditionEntry,
  LString,
  Path,
  PolicyDocument,
  PolicyKind,
  PrincipalBlock,
  PrincipalEntry,
  Statement,
  ValueList,
} from '../model/types.js';
export { formatPath, isKnown, isLiteral, isTerraformDocumentData, PRINCIPAL_TYPES } from '../model/types.js';
export { fillHoles, templateRegExp } from '../model/template.js';
export { repeatsKey } from '../parsers/tree.js';
export {
  bareProvider,
  GENERIC_OIDC,
  keyMatchesIssuer,
  parseFederated,
  providerForKeyPrefix,
  PROVIDERS,
  splitProviderKey,
  type FederatedPrincipal,
  type IssuerScope,
  type ProviderId,
  type ProviderSpec,
} from '../iam/providers.js';
export { allOperators, isPositiveMatch, literalValues, parseOperator, type ParsedOperator } from '../iam/conditions.js';
export {
  actionFacts,
  canonicalAction,
  matchingActions,
  serviceActions,
  serviceExists,
  serviceKeys,
  wildcardRegExp,
  type ActionFacts,
} from '../iam/actions.js';
export { nearest } from './nearest.js';

export interface RuleMeta<MessageIds extends string = string> {
  /** Kebab-case; equals the file name and the docs slug. */
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** SARIF `security-severity` (0–10) for GitHub code scanning. */
  securitySeverity: number;
  /** The strongest fix applicability the rule may emit. */
  fix: Applicability | 'none';
  hasSuggestions: boolean;
  messages: Record<MessageIds, string>;
  tags?: string[];
  /** The rule's options: each with a type, a default and a description; the engine validates them. */
  options?: Record<string, OptionSpec>;
}

export interface OptionSpec {
  /** `object`: a map from names to lists of strings (e.g. audiences per provider). */
  type: 'boolean' | 'number' | 'string' | 'string[]' | 'object';
  description: string;
  default: unknown;
}

/** Something with a place in the file: every model value is one. */
export interface Locatable {
  range: Range;
  path: Path;
}

export interface ReportDescriptor<MessageIds extends string = string> {
  /** The offending value: the finding is reported at its exact range. */
  node: Locatable;
  messageId: MessageIds;
  data?: Record<string, string | number>;
  /** For rules whose findings differ in severity (a user's `--rule id=...` setting wins). */
  severity?: Severity;
  fix?: Fix;
  suggestions?: Fix[];
  /** The offending value's text, for the fingerprint (defaults to the text at the range). */
  value?: string;
  related?: Array<{ message: string; node: Locatable }>;
}

/** A trust statement whose principal includes `Federated` values. */
export interface WebIdentityStatement {
  statement: Statement;
  document: PolicyDocument;
  /** Every Federated value, parsed. */
  federated: FederatedPrincipal[];
  /** Condition entries with their parsed operators. */
  conditions: Array<{ entry: ConditionEntry; op: ParsedOperator }>;
  /** The condition block or part of it cannot be seen: never conclude that a key is absent. */
  conditionsUnknown: boolean;
  /** True when the Action/NotAction element allows `sts:AssumeRoleWithWebIdentity`. */
  allowsWebIdentity: boolean;
}

export interface Listeners {
  PolicyDocument?(doc: PolicyDocument): void;
  Statement?(statement: Statement, doc: PolicyDocument): void;
  /** Each value of `Action` and `NotAction`. */
  Action?(action: LString, statement: Statement, doc: PolicyDocument, element: 'Action' | 'NotAction', list: ValueList): void;
  WebIdentityStatement?(ws: WebIdentityStatement): void;
}

export interface Fixer {
  /**
   * Replaces a string value — or a key, such as a condition operator — written correctly for where
   * it sits (YAML, JSON, JSON in a string). Undefined when it cannot be written safely there.
   */
  replaceValue(value: LString, text: string): Edit | undefined;
  /**
   * Adds `"<operator>": {"<key>": "<value>"}` to a statement's Condition — merging into an existing
   * operator block, creating the Condition element if needed — or, in a Terraform data source, a
   * `condition` block. Undefined where the condition cannot be written safely (an intrinsic).
   */
  addCondition(doc: PolicyDocument, statement: Statement, operator: string, key: string, value: string): Edit | undefined;
  /**
   * Merges repeated keys of one object into the last (kept) one: edits that move the dropped blocks'
   * members into it and remove the dropped keys. Undefined when that cannot be written safely.
   */
  mergeEntries(object: PolicyDocument['node'], dropped: ObjectEntry[], kept: ObjectEntry): Edit[] | undefined;
}

export interface RuleContext<MessageIds extends string = string, Options = Record<string, unknown>> {
  readonly file: SourceFile;
  readonly options: Options;
  readonly fixer: Fixer;
  /** Project settings shared by all rules (provider allow-lists). */
  readonly settings: Settings;
  /** OIDC providers defined in the same file (`AWS::IAM::OIDCProvider`, `aws_iam_openid_connect_provider`). */
  readonly oidcProviders: readonly OidcProviderDefinition[];
  report(descriptor: ReportDescriptor<MessageIds>): void;
}

export interface RuleModule<MessageIds extends string = string, Options = Record<string, unknown>> {
  meta: RuleMeta<MessageIds>;
  create(context: RuleContext<MessageIds, Options>): Listeners;
}

export function defineRule<MessageIds extends string, Options = Record<string, unknown>>(
  rule: RuleModule<MessageIds, Options>,
): RuleModule<MessageIds, Options> {
  return rule;
}

/** `Statement 'GitHubDeploy'` or `Statement #2`, for messages. */
export function statementName(s: Statement): string {
  return s.sid && s.sid.value ? `statement '${s.sid.value}'` : `statement #${s.index + 1}`;
}

/** True when the statement's Effect is Allow (Terraform's default included). */
export function isAllow(s: Statement): boolean {
  return !!s.effect && !s.effect.unknown && s.effect.value === 'Allow';
}
export {
  conditionKeyCandidates,
  conditionPrefixExists,
  displayTemplate,
  findConditionKey,
  isIssuerPrefix,
  providerClaims,
  serviceHasConditionKey,
  type ConditionKeyInfo,
} from '../iam/condition-keys.js';
export { conditionKeyType, isMultivaluedKey } from '../iam/multivalued-keys.js';
export { definitionsForIssuer, idListed, issuersMatch, knownClientIds, registrationFor, stringLikeRegExp, type Registration } from '../iam/registered-audiences.js';
export {
  conditionKeyProvider,
  GITHUB_SUBJECT_CLAIMS,
  subjectCanMatch,
  SUBJECT_FORMATS,
  subjectOwner,
  urlDecodedSubject,
  type Diagnosis,
  type NamedOwner,
  type SubjectFormat,
} from '../iam/subjects.js';
