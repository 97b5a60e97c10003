/**
 * `trustlint.config.yaml|yml|json`: found upward from the working directory, or named with
 * `--config`. Data only — never code. Every mistake is reported with the offending key and its
 * line and column, and stops the run (exit 2): no silent defaults.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseText } from '../engine/parse.js';
import { isRuleSetting, type LintConfig, type ProviderSettings, type RuleSetting } from '../engine/config.js';
import { SourceFile } from '../parsers/source.js';
import type { Node } from '../parsers/tree.js';
import { UsageError } from '../linter.js';

export const CONFIG_NAMES = ['trustlint.config.yaml', 'trustlint.config.yml', 'trustlint.config.json'];
const MAX_CONFIG_SIZE = 1024 * 1024;

export interface LoadedConfig {
  config: LintConfig;
  /** Gitignore-style patterns, relative to `base`. */
  ignore: string[];
  /** The directory the config file is in. */
  base: string;
  path?: string;
}

export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const PROVIDER_LISTS: Record<string, string> = { github: 'owners', gitlab: 'groups', eks: 'clusters', terraform: 'organizations' };

export async function loadConfig(path: string | undefined, cwd: string, knownRules?: Set<string>): Promise<LoadedConfig> {
  if (!path) return { config: { rules: {} }, ignore: [], base: cwd };
  let text: string;
  try {
    // Only a regular file, and not a huge one: a config symlinked to /dev/zero or a FIFO is refused.
    const st = await stat(path);
    if (!st.isFile() || st.size > MAX_CONFIG_SIZE) throw new UsageError(`Config file ${path} is ${st.isFile() ? `${st.size} bytes, over ${MAX_CONFIG_SIZE}` : 'not a regular file'}.`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const shown = relative(cwd, path) || path;
  const file = new SourceFile(path, text);
  const parsed = parseText(path, text);
  const fail = (node: Node | { range: { start: number } } | undefined, msg: string): never => {
    const at = node ? file.position(node.range.start) : { line: 1, column: 1 };
    throw new UsageError(`Invalid config ${shown}:${at.line}:${at.column}: ${msg}`);
  };
  if (parsed.error) fail({ range: { start: parsed.error.offset } }, parsed.error.message);
  const root = parsed.roots[0];
  const config: LintConfig = { rules: {} };
  const loaded: LoadedConfig = { config, ignore: [], base: dirname(resolve(path)), path };
  if (!root) return loaded;
  if (root.type !== 'object') fail(root, 'the config must be a mapping with `rules`, `ignore` and `providers`');
  if (root.type !== 'object') return loaded;
  const strings = (n: Node, key: string): string[] => {
    if (n.type !== 'array' || n.items.some((i) => i.type !== 'scalar' || typeof i.value !== 'string')) fail(n, `${key} must be a list of strings`);
    return n.type === 'array' ? n.items.map((i) => String(i.type === 'scalar' ? i.value : '')) : [];
  };
  for (const e of root.entries) {
    switch (e.key) {
      case 'rules': {
        if (e.value.type !== 'object') fail(e.value, '`rules` must map rule ids to a severity or [severity, options]');
        if (e.value.type !== 'object') break;
        for (const r of e.value.entries) {
          if (knownRules && !knownRules.has(r.key)) fail({ range: r.keyRange }, `rules.${r.key}: unknown rule (run \`trustlint rules\` to list them)`);
          let sev: Node | undefined = r.value;
          let opts: Node | undefined;
          if (r.value.type === 'array') [sev, opts] = r.value.items;
          const s = sev?.type === 'scalar' ? String(sev.value) : '';
          if (!sev || !isRuleSetting(s)) fail(sev ?? r.value, `rules.${r.key}: severity must be off, info, warning or error`);
          const setting: { severity: RuleSetting; options?: Record<string, unknown> } = { severity: s as RuleSetting };
          if (opts) {
            if (opts.type !== 'object') fail(opts, `rules.${r.key}: options must be a mapping`);
            setting.options = toPlain(opts) as Record<string, unknown>;
          }
          config.rules[r.key] = setting;
        }
        break;
      }
      case 'ignore':
        loaded.ignore = strings(e.value, '`ignore`');
        break;
      case 'reportUnusedSuppressions':
        if (e.value.type !== 'scalar' || typeof e.value.value !== 'boolean') fail(e.value, '`reportUnusedSuppressions` must be true or false');
        config.reportUnusedSuppressions = e.value.type === 'scalar' && e.value.value === true;
        break;
      case 'providers': {
        if (e.value.type !== 'object') fail(e.value, '`providers` must be a mapping');
        if (e.value.type !== 'object') break;
        const providers: ProviderSettings = {};
        for (const p of e.value.entries) {
          const listKey = PROVIDER_LISTS[p.key];
          if (!listKey) fail({ range: p.keyRange }, `providers.${p.key}: unknown provider (known: ${Object.keys(PROVIDER_LISTS).join(', ')})`);
          if (p.value.type !== 'object') fail(p.value, `providers.${p.key} must be a mapping`);
          if (p.value.type !== 'object') continue;
          for (const k of p.value.entries) {
            if (k.key !== listKey) fail({ range: k.keyRange }, `providers.${p.key}.${k.key}: unknown key (expected ${listKey})`);
            (providers as Record<string, Record<string, string[]>>)[p.key] = { [listKey]: strings(k.value, `providers.${p.key}.${listKey}`) };
          }
        }
        config.providers = providers;
        break;
      }
      default:
        fail({ range: e.keyRange }, `unknown key \`${e.key}\` (expected rules, ignore, providers or reportUnusedSuppressions)`);
    }
  }
  return loaded;
}

function toPlain(n: Node): unknown {
  if (n.type === 'scalar') return n.value;
  if (n.type === 'array') return n.items.map(toPlain);
  return Object.fromEntries(n.entries.map((e) => [e.key, toPlain(e.value)]));
}
