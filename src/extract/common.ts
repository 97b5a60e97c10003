/** Shared extractor plumbing: the per-file context and policies embedded as JSON text. */
import type { ScalarNode } from '../parsers/tree.js';
import type { Range } from '../parsers/source.js';
import { parseEmbeddedJson } from '../parsers/embedded.js';
import { buildPolicy, type BuildOptions } from '../model/build.js';
import type { OidcProviderDefinition, Path, PolicyDocument } from '../model/types.js';

/** A located problem found while extracting (a policy string that is not JSON). */
export interface ExtractError {
  message: string;
  range: Range;
  path: Path;
}

export interface ExtractContext {
  documents: PolicyDocument[];
  oidcProviders: OidcProviderDefinition[];
  errors: ExtractError[];
}

export function newContext(): ExtractContext {
  return { documents: [], oidcProviders: [], errors: [] };
}

/** The error for policy text at `path` that does not parse as JSON, at the failure's offset. */
export function notJsonError(path: Path, failure: { message: string; offset: number }): ExtractError {
  return {
    message: `The policy in ${String(path[path.length - 1] ?? 'this string')} is not valid JSON: ${failure.message}.`,
    range: { start: failure.offset, end: failure.offset + 1 },
    path,
  };
}

/**
 * Parses a policy written as JSON text in a string and adds it. `templated`: the text may hold
 * `${...}` / `%{...}` expressions (Terraform, `!Sub`); if it does not parse, it is not reported,
 * because the expressions may well render valid JSON.
 */
export function embeddedPolicy(node: ScalarNode, path: Path, opts: BuildOptions, ctx: ExtractContext, templated = true): PolicyDocument | undefined {
  const text = typeof node.value === 'string' ? node.value : '';
  // Blank (what `trim()` removes is what `\s` matches): tested without copying the text.
  if (!/\S/.test(text)) return undefined;
  const parsed = parseEmbeddedJson(opts.file, node);
  if (parsed.error) {
    if (templated && /[$%]\{/.test(text)) return undefined;
    ctx.errors.push(notJsonError(path, parsed.error));
    return undefined;
  }
  if (parsed.root?.type === 'scalar' && typeof parsed.root.value === 'string' && /^\s*\{[\s\S]*"Statement"/.test(parsed.root.value)) {
    // `jsonencode(jsonencode(...))`, `JSON.stringify` twice: IAM reads a string, not a policy.
    ctx.errors.push({
      message: `The policy in ${String(path[path.length - 1] ?? 'this string')} is encoded twice: its JSON text is a JSON string holding the policy, which IAM rejects (MalformedPolicyDocument). Encode the policy once.`,
      range: parsed.root.range,
      path,
    });
    return undefined;
  }
  if (!parsed.root || parsed.root.type !== 'object') return undefined;
  const doc = buildPolicy(parsed.root, opts);
  ctx.documents.push(doc);
  return doc;
}
