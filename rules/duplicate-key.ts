import { defineRule, isTerraformDocumentData, repeatsKey, type Path, type PolicyDocument } from '../src/rule-kit/index.js';

type Node = PolicyDocument['node'];
type ObjectNode = Extract<Node, { type: 'object' }>;
type Entry = ObjectNode['entries'][number];

/**
 * How keys of an object are read:
 * - `iam`: policy JSON/YAML (and template intrinsics around it): the last of repeated keys wins;
 * - `tf-body`: a body of Terraform's `aws_iam_policy_document` in JSON syntax: a repeated block key
 *   (`statement`, `condition`, ...) defines one more block, a repeated argument is an error;
 * - `tf-labels`: the labels under `dynamic`, which may repeat;
 * - `tf-expr`: a JSON object inside an argument's value, where repeated keys are an error.
 */
type Mode = 'iam' | 'tf-body' | 'tf-labels' | 'tf-expr';

interface Frame {
  node: Node;
  path: Path;
  mode: Mode;
  /** The key this node is the value of. */
  key?: string;
}

/** Nested block types of `aws_iam_policy_document` (and `content` inside a `dynamic` block). */
const TF_BLOCKS = new Set(['statement', 'principals', 'not_principals', 'condition', 'content']);
/** Bounds the walk of a hostile document. */
const MAX_NODES = 200_000;

function truncate(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** What is lost with a dropped value, in a few words. */
function describe(node: Node): string {
  switch (node.type) {
    case 'scalar':
      return node.value === null ? 'an empty value' : `\`${truncate(String(node.raw ?? node.value))}\``;
    case 'array':
      return node.items.length === 1 ? 'a list of 1 value' : `a list of ${node.items.length} values`;
    case 'object': {
      const keys = node.entries.map((e) => `\`${truncate(e.key, 40)}\``);
      if (keys.length === 0) return 'an empty object';
      return `an object with ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ` and ${keys.length - 4} more` : ''}`;
    }
  }
}

/** The condition keys of a dropped operator block, for the message. */
function conditionKeys(node: Node): string {
  if (node.type !== 'object' || node.entries.length === 0) return describe(node);
  const keys = node.entries.map((e) => `\`${truncate(e.key, 80)}\``);
  return keys.slice(0, 4).join(', ') + (keys.length > 4 ? ` and ${keys.length - 4} more` : '');
}

/**
 * True when some object in the tree repeats a key. Visits objects and arrays only, with no paths and
 * no modes, in the reporting walk's order; its bound counts containers alone, so it looks at least as
 * far as the reporting walk, whose bound counts every node: `false` means that walk reports nothing.
 */
function hasRepeatedKey(root: Node): boolean {
  if (root.type === 'scalar') return false;
  const stack: Node[] = [root];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const node = stack.pop()!;
    // Children go on in reverse, so that objects are visited in the reporting walk's order.
    if (node.type === 'array') {
      const items = node.items;
      for (let i = items.length - 1; i >= 0; i--) if (items[i].type !== 'scalar') stack.push(items[i]);
      continue;
    }
    if (node.type !== 'object') continue;
    const entries = node.entries;
    if (entries.length > 1 && repeatsKey(entries)) return true;
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i].value.type !== 'scalar') stack.push(entries[i].value);
  }
  return false;
}

function childMode(mode: Mode, key: string): Mode {
  switch (mode) {
    case 'iam':
    case 'tf-expr':
      return mode;
    case 'tf-labels':
      return 'tf-body';
    case 'tf-body':
      if (key === 'dynamic') return 'tf-labels';
      return TF_BLOCKS.has(key) ? 'tf-body' : 'tf-expr';
  }
}

export default defineRule({
  meta: {
    id: 'duplicate-key',
    description: 'A key must not be repeated in one object of a policy: all but the last occurrence are silently ignored.',
    defaultSeverity: 'error',
    securitySeverity: 7.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['correctness', 'security'],
    messages: {
      conditionOperator:
        '`{{key}}` appears again later in this Condition block: IAM, like JSON and YAML parsers, keeps only the last `{{key}}`, so the conditions of this one ({{keys}}) are ignored and no longer limit {{limit}}. Merge both into a single `{{key}}` block.',
      duplicate:
        '`{{key}}` appears again later in this object: IAM, like JSON and YAML parsers, keeps only the last `{{key}}`, so this one and its value ({{value}}) are silently ignored. Keep a single `{{key}}` with the value you mean.',
      terraform:
        '`{{key}}` is set twice in this block: Terraform refuses the configuration ("Duplicate argument"), and a tool that reads the JSON keeps only the last value. Keep a single `{{key}}` with the value you mean.',
    },
  },
  create(ctx) {
    return {
      PolicyDocument(doc) {
        // Almost no document repeats a key: find that out cheaply before the walk that reports.
        if (!hasRepeatedKey(doc.node)) return;
        const stack: Frame[] = [{ node: doc.node, path: doc.path, mode: isTerraformDocumentData(doc) ? 'tf-body' : 'iam' }];
        let visited = 0;
        while (stack.length > 0 && visited++ < MAX_NODES) {
          const { node, path, mode, key: ownKey } = stack.pop()!;
          if (node.type === 'array') {
            // Block lists keep the mode of their key (each item is a block body).
            for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], path: [...path, i], mode, key: ownKey });
            continue;
          }
          if (node.type !== 'object') continue;
          const byKey = new Map<string, Entry[]>();
          for (const e of node.entries) {
            const list = byKey.get(e.key);
            if (list) list.push(e);
            else byKey.set(e.key, [e]);
          }
          for (const [key, entries] of byKey) {
            if (entries.length < 2) continue;
            if (mode === 'tf-labels' || (mode === 'tf-body' && (key === 'dynamic' || key === '//' || TF_BLOCKS.has(key)))) continue;
            const kept = entries[entries.length - 1];
            const related = [
              {
                message: mode === 'iam' ? 'the value that is kept' : 'the other definition',
                node: { range: kept.keyRange, path: [...path, key] },
              },
            ];
            // One suggestion for the whole set: merge every dropped block into the kept one.
            const merge = mode === 'iam' && ownKey === 'Condition' ? ctx.fixer.mergeEntries(node, entries.slice(0, -1), kept) : undefined;
            const suggestions = merge ? [{ title: `Merge the ${entries.length} \`${key}\` blocks into one`, applicability: 'unsafe' as const, edits: merge }] : undefined;
            for (const dropped of entries.slice(0, -1)) {
              const at = { range: dropped.keyRange, path: [...path, key] };
              if (mode !== 'iam') {
                ctx.report({ node: at, messageId: 'terraform', data: { key }, related });
              } else if (ownKey === 'Condition' && dropped.value.type === 'object') {
                ctx.report({
                  node: at,
                  messageId: 'conditionOperator',
                  data: { key, keys: conditionKeys(dropped.value), limit: doc.kind === 'trust' ? 'who can assume the role' : 'when the statement applies' },
                  related,
                  suggestions,
                });
              } else {
                ctx.report({ node: at, messageId: 'duplicate', data: { key, value: describe(dropped.value) }, related });
              }
            }
          }
          for (let i = node.entries.length - 1; i >= 0; i--) {
            const e = node.entries[i];
            stack.push({ node: e.value, path: [...path, e.key], mode: childMode(mode, e.key), key: e.key });
          }
        }
      },
    };
  },
});
