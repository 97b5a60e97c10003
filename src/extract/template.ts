/**
 * Policy JSON written as a template: a heredoc or quoted string with `${...}` in a `.tf` file, and the
 * files Terraform renders with `templatefile()` (`*.json.tpl`, `*.tftpl`, `*.json.tmpl`, and any
 * `*.tpl` / `*.tmpl` file a `templatefile()` call of its module names).
 * A region (`${...}`, `%{...}`) is a value the file does not determine, unless it names something the
 * caller resolves (a literal variable of the module, a literal passed to `templatefile()`): a
 * placeholder never causes a finding, while a literal `repo:*` next to it still does.
 */
import { jsonStringOffsets } from '../parsers/json.js';
import type { Node, ScalarNode } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { parseTemplatedJson, scanTemplateFile, type TemplatedJson, type TemplateRegion } from '../parsers/template.js';
import { buildPolicy, looksLikePolicy, plainResolver, type BuildOptions, type Resolution, type Resolver } from '../model/build.js';
import { TemplateBuilder } from '../model/template.js';
import type { Path, PolicyKind, PolicyOrigin } from '../model/types.js';
import { notJsonError, type ExtractContext } from './common.js';

/** Writes text into an HCL template (heredoc, template file): `${` and `%{` are escaped by doubling. */
export const hclTemplateEscape = (s: string): string => s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');

/**
 * A template file, read as policy JSON with `${...}` regions: `*.tftpl`, and `*.tpl` / `*.tmpl`
 * (Terraform's own and the common names). Other tools use `.tpl` too (Helm's `_helpers.tpl`), so
 * only the unmistakable names are policy templates wherever they are found; see
 * {@link isPolicyTemplatePath}.
 */
export function isTemplatePath(path: string): boolean {
  return /\.(tftpl|tpl|tmpl)$/i.test(path);
}

/**
 * Templates linted wherever they are found: `*.json.tpl`, `*.json.tmpl`, `*.tftpl`. Any other
 * `*.tpl` / `*.tmpl` file is linted when a `templatefile()` call of its module renders it, or when
 * it is named and holds JSON.
 */
export function isPolicyTemplatePath(path: string): boolean {
  return /\.(json\.tpl|tftpl|json\.tmpl)$/i.test(path);
}

/** Parses a template file as policy JSON (the engine's single parse of it). */
export function parseTemplateFile(text: string): TemplatedJson {
  const tpl = scanTemplateFile(text);
  return parseTemplatedJson(tpl, [hclTemplateEscape], tpl.regions.length === 0);
}

/** Reads the values of a JSON tree parsed from a template: what the regions in it stand for. */
export class TemplateJsonResolver implements Resolver {
  constructor(
    private readonly t: TemplatedJson,
    /** What an interpolation stands for, when the caller knows; undefined: a hole. */
    private readonly interpolation: (region: TemplateRegion) => Resolution | undefined,
  ) {}

  resolve(node: Node, path: Path): Resolution | undefined {
    if (this.t.synthetic.has(node)) return { value: String((node as ScalarNode).value), unknown: true };
    if (node.type === 'object') {
      if (this.t.opaque.has(node)) return { value: '', unknown: true };
      // A statement or document with a key written as a placeholder: its elements are not known.
      // Condition keys are read one by one, each with its holes.
      const placeholderKey = node.entries.some((e) => this.t.template.regions.some((r) => r.range.start < e.keyRange.end && e.keyRange.start < r.range.end));
      return placeholderKey && !inCondition(path) ? { value: '', unknown: true } : undefined;
    }
    if (node.type !== 'scalar') return undefined;
    const regions = this.t.template.regions.filter((r) => r.range.start < node.range.end && node.range.start < r.range.end);
    if (regions.length === 0) return undefined;
    if (typeof node.value !== 'string' || node.style !== 'json-string') {
      // A placeholder outside a JSON string: the expression renders JSON of its own (a list, an object).
      return { value: regions[0].source, unknown: true, range: regions[0].range };
    }
    const inner = this.t.innerOf.get(node.range.start);
    const decoded = inner === undefined ? undefined : jsonStringOffsets(this.t.parsed, inner);
    if (!decoded) return { value: node.value, unknown: true };
    const b = new TemplateBuilder();
    const seen = new Set<TemplateRegion>();
    let lit = '';
    for (let k = 0; k < decoded.value.length; k++) {
      const at = decoded.map[k];
      const reg = regions.find((r) => r.start <= at && at < r.end);
      if (!reg) {
        lit += decoded.value[k];
        continue;
      }
      if (seen.has(reg)) continue;
      seen.add(reg);
      b.text(lit);
      lit = '';
      if (reg.kind === 'directive') {
        b.unknown = true;
        b.hole(reg.source);
        continue;
      }
      const r = this.interpolation(reg);
      if (r) b.append(r);
      else b.hole(reg.source);
    }
    b.text(lit);
    return b.build();
  }
}

/** Does the path end at a `Condition` block or one of its operators? */
export function inCondition(path: Path): boolean {
  const i = path.lastIndexOf('Condition');
  return i >= 0 && path.length - i <= 2;
}

/**
 * The node a document is built from: a root object with a key written as a placeholder is wholly
 * unknown (a stand-in, so that no rule reads its keys as policy elements).
 */
export function documentNode(t: TemplatedJson): Node {
  const root = t.root!;
  if (root.type !== 'object' || !root.entries.some((e) => t.template.regions.some((r) => r.range.start < e.keyRange.end && e.keyRange.start < r.range.end))) return root;
  const standIn: ScalarNode = { type: 'scalar', value: '', style: 'json-literal', range: root.range };
  t.synthetic.add(standIn);
  return standIn;
}

/**
 * Adds the policy of JSON written as a template (a Terraform string, an HCL heredoc or string).
 * A JSON error is reported only when every placeholder is inside a string: then no rendering
 * completes the JSON, and the error is the text's own. `interpolation`: what a region stands for.
 */
export function templatedPolicy(
  t: TemplatedJson,
  opts: Omit<BuildOptions, 'resolver'>,
  interpolation: (region: TemplateRegion) => Resolution | undefined,
  ctx: ExtractContext,
): void {
  if (t.error) {
    if (!t.regionsOutsideStrings) ctx.errors.push(notJsonError(opts.path, t.error));
    return;
  }
  if (!t.root || t.root.type !== 'object') return;
  const resolver = t.template.regions.length === 0 ? plainResolver : new TemplateJsonResolver(t, interpolation);
  ctx.documents.push(buildPolicy(documentNode(t), { ...opts, resolver }));
}

/** A `templatefile()` call that renders a template file. */
export interface TemplateCall {
  kind: PolicyKind;
  origin: PolicyOrigin;
  /** The variables it passes: a value, or undefined when the value is not a literal. */
  vars: Map<string, Resolution | undefined>;
}

/** A value every caller passes alike, as a literal. */
function agreed(calls: TemplateCall[], name: string): Resolution | undefined {
  let value: Resolution | undefined;
  for (const c of calls) {
    const r = c.vars.get(name);
    if (!r || r.unknown || (r.holes && r.holes.length > 0)) return undefined;
    if (value && value.value !== r.value) return undefined;
    value = r;
  }
  return value;
}

/** Extracts the policy of a template file, linked to the `templatefile()` calls that render it. */
export function extractTemplateFile(file: SourceFile, t: TemplatedJson, ctx: ExtractContext, calls: TemplateCall[] = []): void {
  const root = t.root;
  if (!looksLikePolicy(root)) return;
  const kind: PolicyKind | undefined = calls.some((c) => c.kind === 'trust') ? 'trust' : calls[0]?.kind;
  const origin: PolicyOrigin = calls[0] ? { ...calls[0].origin } : { format: 'policy' };
  const resolver = new TemplateJsonResolver(t, (reg) => {
    if (calls.length === 0 || reg.expr?.kind !== 'ref' || reg.expr.parts.length !== 1) return undefined;
    return agreed(calls, reg.expr.parts[0]);
  });
  ctx.documents.push(buildPolicy(documentNode(t), { file, resolver, kind, origin, path: [] }));
}
