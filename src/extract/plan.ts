/**
 * Terraform plan JSON (`terraform show -json`): policies in `planned_values` (every module) and, for
 * resources not found there, `resource_changes[].change.after`. Policies there are JSON strings.
 */
import { asList, get, stringValue, type Node, type ObjectNode, type ScalarNode } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { plainResolver } from '../model/build.js';
import type { Path } from '../model/types.js';
import { embeddedPolicy, type ExtractContext } from './common.js';
import { TF_POLICY_ATTRIBUTES } from './terraform.js';
import { stripScheme } from './cloudformation.js';

export function isTerraformPlan(root: Node | undefined): root is ObjectNode {
  return !!root && root.type === 'object' && !!get(root, 'format_version') && (!!get(root, 'planned_values') || !!get(root, 'resource_changes'));
}

interface PlanResource {
  address: string;
  mode: string;
  type: string;
  values: Node | undefined;
  path: Path;
}

function* moduleResources(mod: Node | undefined, path: Path): Generator<PlanResource> {
  const resources = get(mod, 'resources');
  for (const [i, r] of asList(resources).entries()) {
    yield {
      address: stringValue(get(r, 'address')) ?? '',
      mode: stringValue(get(r, 'mode')) ?? 'managed',
      type: stringValue(get(r, 'type')) ?? '',
      values: get(r, 'values'),
      path: [...path, 'resources', i, 'values'],
    };
  }
  for (const [i, child] of asList(get(mod, 'child_modules')).entries()) yield* moduleResources(child, [...path, 'child_modules', i]);
}

export function extractPlan(root: ObjectNode, file: SourceFile, ctx: ExtractContext): void {
  const all: PlanResource[] = [...moduleResources(get(get(root, 'planned_values'), 'root_module'), ['planned_values', 'root_module'])];
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
      path: ['resource_changes', i, 'change', 'after'],
    });
  }
  const rendered = new Set<string>();
  for (const r of all) {
    if (r.mode !== 'managed') continue;
    if (r.type === 'aws_iam_openid_connect_provider') {
      const url = get(r.values, 'url');
      const text = stringValue(url);
      if (url && text) {
        const issuer = stripScheme({ value: text });
        const ids = get(r.values, 'client_id_list');
        ctx.oidcProviders.push({
          issuer: { value: issuer.value, range: url.range, path: [...r.path, 'url'], node: url },
          clientIds: ids
            ? {
                items: asList(ids).flatMap((n, k) => (stringValue(n) !== undefined ? [{ value: stringValue(n)!, range: n.range, path: [...r.path, 'client_id_list', k], node: n }] : [])),
                // `null` items are values known only after apply.
                unknown: ids.type !== 'array' || asList(ids).some((n) => stringValue(n) === undefined),
                range: ids.range,
                path: [...r.path, 'client_id_list'],
                node: ids,
              }
            : undefined,
          resource: r.address,
        });
      }
    }
    for (const attr of TF_POLICY_ATTRIBUTES[r.type] ?? []) {
      const v = get(r.values, attr.attribute);
      if (!v) continue;
      const nodes: Array<[Node, Path]> = attr.nested
        ? asList(v).flatMap((item, i) => {
            const p = get(item, attr.nested!);
            return p ? [[p, [...r.path, attr.attribute, i, attr.nested!]] as [Node, Path]] : [];
          })
        : [[v, [...r.path, attr.attribute]]];
      for (const [node, path] of nodes) {
        const text = stringValue(node);
        if (!text) continue;
        rendered.add(normalize(text));
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
    if (!json || !text || rendered.has(normalize(text))) continue;
    const path: Path = [...r.path, 'json'];
    embeddedPolicy(json as ScalarNode, path, { file, resolver: plainResolver, origin: { format: 'terraform-plan', resource: r.address, resourceType: r.type, property: 'json' }, path }, ctx, false);
  }
}

function normalize(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json));
  } catch {
    return json;
  }
}
