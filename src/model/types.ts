/**
 * The format-independent policy model. Every value carries its exact range in the file and its path,
 * and says how much of it is known: rules never report on what they cannot see.
 */
import type { Node } from '../parsers/tree.js';
import type { Range, SourceFile } from '../parsers/source.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** A string value from the file, resolved as far as the file allows. */
export interface LString {
  /** The text. Parts that could not be determined are written `${...}` and listed in `holes`. */
  value: string;
  /** Spans of `value` (start, end) standing for text the file does not determine (`${AWS::AccountId}`). */
  holes?: ReadonlyArray<readonly [number, number]>;
  /** Nothing about the value is known (an `Fn::If`, a Terraform expression); `value` is for display. */
  unknown?: boolean;
  range: Range;
  path: Path;
  node: Node;
}

/** A string-or-list element (`Action`, `Resource`, condition values, principal values). */
export interface ValueList {
  items: LString[];
  /** Some of the list could not be determined (an intrinsic in place of the list or of an item). */
  unknown: boolean;
  range: Range;
  path: Path;
  node: Node;
}

export interface PrincipalEntry {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser` (as written). */
  type: LString;
  values: ValueList;
}

export interface PrincipalBlock {
  /** `"Principal": "*"`. */
  wildcard?: LString;
  entries: PrincipalEntry[];
  unknown: boolean;
  range: Range;
  path: Path;
  node: Node;
}

export interface ConditionEntry {
  operator: LString;
  key: LString;
  values: ValueList;
}

export interface ConditionBlock {
  entries: ConditionEntry[];
  /** Part of the block could not be determined: a rule must not conclude that a key is absent. */
  unknown: boolean;
  range: Range;
  path: Path;
  node: Node;
}

export interface StatementElement {
  name: string;
  range: Range;
  path: Path;
}

export interface StatementBranch {
  /** How to name the choice: `!If IsProd (true)`. */
  label: string;
  /** Every branch of the conditional holds a statement (none is `AWS::NoValue`). */
  exhaustive: boolean;
}

export interface Statement {
  /** 0-based position in the document's statement list. */
  index: number;
  sid?: LString;
  effect?: LString;
  principal?: PrincipalBlock;
  notPrincipal?: PrincipalBlock;
  action?: ValueList;
  notAction?: ValueList;
  resource?: ValueList;
  notResource?: ValueList;
  condition?: ConditionBlock;
  /** The statement itself is an intrinsic or an expression: nothing inside is known. */
  unknown: boolean;
  /** The keys as written (for grammar checks). */
  elements: StatementElement[];
  /**
   * A statement from one branch of a conditional (`Fn::If`) in place of a statement: which stack
   * gets it depends on the template's parameters. Its alternatives share its `index`.
   */
  branch?: StatementBranch;
  range: Range;
  path: Path;
  node: Node;
}

export type PolicyKind = 'trust' | 'identity' | 'resource';
export type SourceFormat = 'cloudformation' | 'terraform' | 'terraform-plan' | 'policy';

export interface PolicyOrigin {
  format: SourceFormat;
  /** Logical id (CloudFormation) or address (Terraform) of the resource holding the policy. */
  resource?: string;
  resourceType?: string;
  /** The property or argument that holds the policy (`AssumeRolePolicyDocument`, `assume_role_policy`). */
  property?: string;
}

export interface PolicyDocument {
  kind: PolicyKind;
  file: SourceFile;
  version?: LString;
  statements: Statement[];
  /** The statement list could not be determined. */
  unknown: boolean;
  /**
   * The statements stand without a document around them (an EventBridge bus policy's `Statement`,
   * SAM's `CustomStatements`): there is no Version or Statement key to check.
   */
  bareStatements?: boolean;
  /** `Statement` is a plain value (a string, a number), which IAM refuses: the value, as written. */
  statementValue?: LString;
  origin: PolicyOrigin;
  range: Range;
  path: Path;
  node: Node;
}

/** An `AWS::IAM::OIDCProvider` / `aws_iam_openid_connect_provider` defined beside the policies. */
export interface OidcProviderDefinition {
  /** Issuer host and path without scheme (`token.actions.githubusercontent.com`). */
  issuer: LString;
  clientIds?: ValueList;
  resource: string;
}

/** The keys of a principal map, as IAM spells them (case-sensitive: `"SERVICE"` is rejected). */
export const PRINCIPAL_TYPES: readonly string[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/**
 * The document is the body of a Terraform `aws_iam_policy_document` data source: its blocks
 * (`statement`, `principals`, `version`) stand for IAM's JSON keys, which Terraform writes itself.
 */
export function isTerraformDocumentData(doc: PolicyDocument): boolean {
  return doc.origin.format === 'terraform' && doc.origin.resourceType === 'aws_iam_policy_document';
}

/** What an extractor finds in one file. */
export interface ExtractedFile {
  documents: PolicyDocument[];
  oidcProviders: OidcProviderDefinition[];
}

export function isLiteral(s: LString | undefined): s is LString {
  return !!s && !s.unknown && !(s.holes && s.holes.length > 0);
}

/** True when the value is known, apart perhaps from placeholders. */
export function isKnown(s: LString | undefined): s is LString {
  return !!s && !s.unknown;
}

/** `Resources.Role.Properties.Policy.Statement[0].Condition.StringLike["x:sub"]` */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
