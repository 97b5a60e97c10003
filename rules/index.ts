/** The built-in rules, in catalogue order. */
import type { RuleModule } from '../src/rule-kit/index.js';
import missingAudience from './missing-audience.js';
import federatedPrincipalMismatch from './federated-principal-mismatch.js';
import wildcardSubject from './wildcard-subject.js';
import unknownAction from './unknown-action.js';
import missingSubject from './missing-subject.js';
import stringEqualsWildcard from './string-equals-wildcard.js';
import unexpectedAudience from './unexpected-audience.js';
import invalidSubjectFormat from './invalid-subject-format.js';
import assumeActionMismatch from './assume-action-mismatch.js';
import unknownConditionOperator from './unknown-condition-operator.js';
import unknownConditionKey from './unknown-condition-key.js';
import setOperatorMisuse from './set-operator-misuse.js';
import cognitoMissingAmr from './cognito-missing-amr.js';
import wildcardPrincipal from './wildcard-principal.js';
import duplicateKey from './duplicate-key.js';
import audienceNotRegistered from './audience-not-registered.js';
import untrustedSubjectOwner from './untrusted-subject-owner.js';
import actionCase from './action-case.js';
import policySyntax from './policy-syntax.js';
import parseError from './parse-error.js';
import internalError from './internal-error.js';
import unusedSuppression from './unused-suppression.js';

// Rules are generic over their message ids and options; the registry holds them type-erased.
export const RULES = [
  missingAudience,
  federatedPrincipalMismatch,
  wildcardSubject,
  unknownAction,
  missingSubject,
  stringEqualsWildcard,
  unexpectedAudience,
  invalidSubjectFormat,
  assumeActionMismatch,
  unknownConditionOperator,
  unknownConditionKey,
  setOperatorMisuse,
  cognitoMissingAmr,
  wildcardPrincipal,
  duplicateKey,
  audienceNotRegistered,
  untrustedSubjectOwner,
  actionCase,
  policySyntax,
  parseError,
  internalError,
  unusedSuppression,
] as unknown as RuleModule<string, Record<string, unknown>>[];
