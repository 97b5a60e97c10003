/**
 * Terraform plan JSON (`terraform show -json`): policies in `planned_values` (every module) and, for
 * resources not found there, `resource_changes[].change.after`. Policies there are JSON strings.
 */
import { asList, get, stringValue, type Node, type ObjectNode, type ScalarNode } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { plainResolver } from '../model/build.js';
import type { Path } from '../model/types.js';
import { embeddedPolicy, type ExtractContext } from './common.js';
import { policyDocumentData, TF_POLICY_ATTRIBUTES } from './terraform.js';
import { stripScheme } from './cloudformation.js';

export function isTerraformPlan(root: Node | undefined): root is ObjectNode {
  return !!root && root.type === 'object' && !!get(root, 'format_version') && (!!get(root, 'planned_values') || !!get(root, 'resource_changes'));
}

interface PlanResource {
  address: string;
  mode: string;
  type: string;
  values: Node | undefined;
  /** The module's path, for `planned_values`; undefined for `resource_changes`. */
  module: Path | undefined;
  index: number;
}

/** Where a resource's values are (made on demand: a plan lists every resource, few hold a policy). */
function pathOf(r: PlanResource): Path {
  return r.module ? [...r.module, 'resources', r.index, 'values'] : ['resource_changes', r.index, 'change', 'after'];
}

function moduleResources(mod: Node | undefined, path: Path, out: PlanResource[]): PlanResource[] {
  const resources = asList(get(mod, 'resources'));
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    out.push({
      address: stringValue(get(r, 'address')) ?? '',
      mode: stringValue(get(r, 'mode')) ?? 'managed',
      type: stringValue(get(r, 'type')) ?? '',
      values: get(r, 'values'),
      module: path,
      index: i,
    });
  }
  const children = asList(get(mod, 'child_modules'));
  for (let i = 0; i < children.length; i++) moduleResources(children[i], [...path, 'child_modules', i], out);
  return out;
}

export function extractPlan(root: ObjectNode, file: SourceFile, ctx: ExtractContext): void {
  const all = moduleResources(get(get(root, 'planned_values'), 'root_module'), ['planned_values', 'root_module'], []);
  const seen = new Set(all.map((r) => r.address));
  for (const [i, rc] of asList(get(root, 'resource_changes')).entries()) {
    const address = stringValue(get(rc, 'address')) ?? '';
    if (seen.has(address)) continue;
    const after = get(get(rc, 'change'), 'after');
    if (!after || after.type !== 'object') continue;
    seen.add(address);
    all.push({
      address,
      mode: stringValue(get(rc, 'mode')) ?? 'managed',
      type: stringValue(get(rc, 'type')) ?? '',
      values: after,
      module: undefined,
      index: i,
    });
  }
  // The policy texts that resources use: normalized only if a data source needs comparing with them.
  const used: string[] = [];
  let rendered: Set<string> | undefined;
  for (const r of all) {
    if (r.mode !== 'managed') continue;
    if (r.type === 'aws_iam_openid_connect_provider') {
      const url = get(r.values, 'url');
      const text = stringValue(url);
      if (url && text) {
        const issuer = stripScheme({ value: text });
        const ids = get(r.values, 'client_id_list');
        const rp = pathOf(r);
        ctx.oidcProviders.push({
          issuer: { value: issuer.value, range: url.range, path: [...rp, 'url'], node: url },
          clientIds: ids
            ? {
                items: asList(ids).flatMap((n, k) => (stringValue(n) !== undefined ? [{ value: stringValue(n)!, range: n.range, path: [...rp, 'client_id_list', k], node: n }] : [])),
                // `null` items are values known only after apply.
                unknown: ids.type !== 'array' || asList(ids).some((n) => stringValue(n) === undefined),
                range: ids.range,
                path: [...rp, 'client_id_list'],
                node: ids,
              }
            : undefined,
          resource: r.address,
        });
      }
    }
    for (const attr of (Object.hasOwn(TF_POLICY_ATTRIBUTES, r.type) ? TF_POLICY_ATTRIBUTES[r.type] : undefined) ?? []) {
      const v = get(r.values, attr.attribute);
      if (!v) continue;
      const rp = pathOf(r);
      const nodes: Array<[Node, Path]> = attr.nested
        ? asList(v).flatMap((item, i) => {
            const p = get(item, attr.nested!);
            return p ? [[p, [...rp, attr.attribute, i, attr.nested!]] as [Node, Path]] : [];
          })
        : [[v, [...rp, attr.attribute]]];
      for (const [node, path] of nodes) {
        const text = stringValue(node);
        if (!text) continue;
        used.push(text);
        const origin = { format: 'terraform-plan' as const, resource: r.address, resourceType: r.type, property: attr.attribute };
        embeddedPolicy(node as ScalarNode, path, { file, resolver: plainResolver, kind: attr.kind, origin, path }, ctx, false);
      }
    }
  }
  // A policy document data source whose JSON no resource uses (or whose user is not yet known).
  for (const r of all) {
    if (r.mode !== 'data' || r.type !== 'aws_iam_policy_document') continue;
    const json = get(r.values, 'json');
    const text = stringValue(json);
    if (!json || !text) {
      // The JSON is known after apply only (a value it depends on is), its statements are known
      // now: they are read as Terraform gave them.
      const statements = get(r.values, 'statement');
      if (r.values && statements?.type === 'array' && statements.items.length > 0) {
        const doc = policyDocumentData(withoutUnset(r.values), pathOf(r), file, plainResolver, r.address, undefined);
        doc.origin = { ...doc.origin, resource: r.address };
        ctx.documents.push(doc);
      }
      continue;
    }
    rendered ??= new Set(used.map(normalize));
    if (rendered.has(normalize(text))) continue;
    const path: Path = [...pathOf(r), 'json'];
    embeddedPolicy(json as ScalarNode, path, { file, resolver: plainResolver, origin: { format: 'terraform-plan', resource: r.address, resourceType: r.type, property: 'json' }, path }, ctx, false);
  }
}

/**
 * A plan lists every argument of a block, the ones not set as `null`, `[]` or `""`: without them,
 * as the configuration wrote the block (a copy; the ranges are the plan's).
 */
function withoutUnset(node: Node, depth = 0): Node {
  if (depth > 64) return node;
  if (node.type === 'array') return { ...node, items: node.items.map((i) => withoutUnset(i, depth + 1)) };
  if (node.type !== 'object') return node;
  const entries = node.entries
    .filter((e) => !(e.value.type === 'scalar' && (e.value.value === null || e.value.value === '')) && !(e.value.type === 'array' && e.value.items.length === 0))
    .map((e) => ({ ...e, value: withoutUnset(e.value, depth + 1) }));
  return { ...node, entries };
}

function normalize(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json));
  } catch {
    return json;
  }
}
