/**
 * The result of `trustlint explain`: plain data, the same for the text and the JSON output. The JSON
 * form is documented in docs/explain.md; its shape only grows (`version` changes if it breaks).
 */

/** What the policy says about this request: IAM's verdict, or that it depends on unresolved values. */
export type Verdict = 'ALLOWED' | 'DENIED' | 'UNDETERMINED';

/** Three-valued logic: `unknown` when the answer depends on a value the file does not determine. */
export type Tri = 'true' | 'false' | 'unknown';

/** How one piece of a statement (principal, action, one condition) compares with the request. */
export type Outcome = 'match' | 'no-match' | 'unknown';

/** A place in the policy file: 1-based, end exclusive, columns in UTF-16 code units. */
export interface Location {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A part of a value that the file does not determine (`${GitHubOrg}`, `!Ref Param`, a Terraform expression). */
export interface Unresolved {
  text: string;
  location: Location;
}

export interface PartResult {
  result: Outcome;
  /** One sentence saying what was compared and how it came out. */
  message: string;
  /** The values the policy accepts, as written (holes shown as `${...}`). */
  expected?: string[];
  /** The values the request carries; null when the request has no such key. */
  actual?: string[] | null;
  location?: Location;
  hints: string[];
  unresolved: Unresolved[];
}

export interface ConditionResult extends PartResult {
  operator: string;
  key: string;
  /** Why the outcome is what it is, in IAM's terms (`compared`, `key-absent-negated`, `for-all-values-empty`, ...). */
  rule: string;
}

export interface StatementResult {
  /** 0-based position in the policy's statement list. */
  index: number;
  sid?: string;
  effect: string;
  location: Location;
  /** Whether the statement applies to this request. */
  result: Outcome;
  principal: PartResult;
  action: PartResult;
  conditions: ConditionResult[];
  notes: string[];
}

export type CheckId =
  | 'token-signed'
  | 'token-claims'
  | 'token-issuer'
  | 'token-expiry'
  | 'token-not-before'
  | 'role-arn'
  | 'session-name'
  | 'provider-audience';

export interface CheckResult {
  id: CheckId;
  result: 'pass' | 'fail' | 'unknown' | 'skipped';
  message: string;
  expected?: string[];
  actual?: string[] | null;
  location?: Location;
  hints: string[];
}

export interface ContextKey {
  key: string;
  values: string[];
  multiValued: boolean;
  /** Where the value comes from: `claim sub`, `--session-name`, `--now`. */
  source: string;
  /** Set when the value cannot be known offline (say, no --session-name given): why. */
  unknown?: string;
}

export interface DecidingPart {
  kind: 'check' | 'statement' | 'principal' | 'action' | 'condition';
  statement?: number;
  check?: CheckId;
  message: string;
  location?: Location;
}

export interface Explanation {
  version: 1;
  verdict: Verdict;
  summary: string;
  policy: {
    file: string;
    /** Logical id, Terraform address or plan address; absent for a raw policy file. */
    resource?: string;
    resourceType?: string;
    format: string;
    property?: string;
    location: Location;
  };
  request: {
    action: string;
    issuer: string;
    provider: { id: string; name: string };
    roleArn?: string;
    roleSessionName?: string;
    now: string;
    context: ContextKey[];
  };
  token: {
    form: 'jwt' | 'claims';
    /** Non-secret header fields (`alg`, `kid`, `typ`) of a JWT. */
    header?: Record<string, string>;
    /** Whether a signature part is there. It is never verified, decoded or shown. */
    signature: 'present' | 'absent' | 'not-applicable';
    /** The claims the evaluation used (registered claims and those that became condition keys). */
    claims: Record<string, unknown>;
  };
  checks: CheckResult[];
  statements: StatementResult[];
  deciding: DecidingPart[];
  unresolved: Unresolved[];
  notes: string[];
}
