/** The built-in rules, in catalogue order. */
import type { RuleModule } from '../src/rule-kit/index.js';
import missingAudience from './missing-audience.js';
import federatedPrincipalMismatch from './federated-principal-mismatch.js';
import wildcardSubject from './wildcard-subject.js';
import unknownAction from './unknown-action.js';
import parseError from './parse-error.js';
import internalError from './internal-error.js';

// Rules are generic over their message ids and options; the registry holds them type-erased.
export const RULES = [
  missingAudience,
  federatedPrincipalMismatch,
  wildcardSubject,
  unknownAction,
  parseError,
  internalError,
] as unknown as RuleModule<string, Record<string, unknown>>[];
