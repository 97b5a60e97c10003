/**
 * A Terraform module is a directory: a role in `main.tf` uses a policy document of `iam.tf`, a
 * variable of `variables.tf`, a provider of `oidc.tf`, a template file in `templates/`. When a `.tf`
 * or template file is linted from disk, the workspace reads the other `.tf` files of its directory
 * once per run (cached) and hands the linted file their facts. Only what `lintFile` prepares is
 * known to `lintText`: a text linted alone is read as a module of one file.
 */
import { readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isHclPath, loadHcl, parseHcl, type HclCall, type HclExpr } from '../parsers/hcl.js';
import type { Resolution } from '../model/build.js';
import { collectFacts, HclResolver, mergeFacts, type HclContext, type ModuleFacts } from './hcl.js';
import { isTemplatePath, type TemplateCall } from './template.js';

/** How many directories up from a template file its `templatefile()` caller is looked for. */
const TEMPLATE_SEARCH_DEPTH = 2;

export class HclWorkspace {
  private readonly modules = new Map<string, Promise<Map<string, ModuleFacts>>>();

  constructor(private readonly maxFileSize = 20 * 1024 * 1024) {}

  /**
   * What the file at `absolutePath` needs from its module; undefined for other files. `template`:
   * the file may be a template a `templatefile()` call renders although its name does not say so
   * (`policy.json` holding `${...}`).
   */
  async contextFor(absolutePath: string, template = false): Promise<HclContext | undefined> {
    if (isHclPath(absolutePath)) {
      await loadHcl();
      const files = await this.module(dirname(absolutePath));
      const name = basename(absolutePath);
      return { siblings: [...files].filter(([n]) => n !== name).map(([, f]) => f) };
    }
    if (template || isTemplatePath(absolutePath)) {
      const calls = await this.templateCalls(absolutePath);
      return calls.length > 0 ? { templateCalls: calls } : undefined;
    }
    return undefined;
  }

  private readonly listings = new Map<string, string[]>();

  /**
   * The `.tf` files of a directory, listed once per run (many files ask about the same directories)
   * and synchronously, as the CLI lists directories: a round trip through libuv's thread pool per
   * file left the thread idle.
   */
  private tfFiles(dir: string): string[] {
    let l = this.listings.get(dir);
    if (!l) {
      try {
        l = readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isFile() && isHclPath(e.name))
          .map((e) => e.name)
          .sort();
      } catch {
        l = [];
      }
      this.listings.set(dir, l);
    }
    return l;
  }

  /** Is there a `.tf` file in the file's directory or up to two above (where a caller could be)? */
  hasModuleNearby(absolutePath: string): boolean {
    let dir = dirname(absolutePath);
    for (let i = 0; i <= TEMPLATE_SEARCH_DEPTH; i++) {
      if (this.tfFiles(dir).length > 0) return true;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return false;
  }

  /** The facts of each `.tf` file of a directory (unreadable or unparsable files are left out). */
  private module(dir: string): Promise<Map<string, ModuleFacts>> {
    let m = this.modules.get(dir);
    if (!m) {
      m = (async () => {
        const out = new Map<string, ModuleFacts>();
        for (const name of this.tfFiles(dir)) {
          try {
            const path = join(dir, name);
            if ((await stat(path)).size > this.maxFileSize) continue;
            const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
            const parsed = parseHcl(text);
            if (parsed.body) out.set(name, collectFacts(parsed.body, name));
          } catch {
            // A sibling that cannot be read adds nothing; it is reported when it is linted itself.
          }
        }
        return out;
      })();
      this.modules.set(dir, m);
    }
    return m;
  }

  /** The `templatefile()` calls, in this directory or up to two above, that render this file. */
  private async templateCalls(absolutePath: string): Promise<TemplateCall[]> {
    const calls: TemplateCall[] = [];
    let dir = dirname(absolutePath);
    for (let i = 0; i <= TEMPLATE_SEARCH_DEPTH; i++) {
      if (this.tfFiles(dir).length > 0) {
        await loadHcl();
        const facts = mergeFacts([...(await this.module(dir)).values()]);
        const resolver = new HclResolver(facts);
        for (const { call, kind, origin } of facts.templateCalls) {
          const target = templatePath(call.args[0], dir);
          if (target !== resolve(absolutePath)) continue;
          calls.push({ kind, origin, vars: templateVars(call, resolver) });
        }
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return calls;
  }
}

/** The file a `templatefile()` path names: a literal, or `${path.module}/...`; relative to the module. */
export function templatePath(e: HclExpr | undefined, moduleDir: string): string | undefined {
  if (!e || e.kind !== 'string' || e.heredoc) return undefined;
  const t = e.template;
  let out = '';
  let pos = 0;
  for (const reg of t.regions) {
    out += t.text.slice(pos, reg.start);
    pos = reg.end;
    const ex = reg.expr;
    if (reg.kind !== 'interpolation' || ex?.kind !== 'ref' || ex.parts.join('.') !== 'path.module') return undefined;
    out += moduleDir;
  }
  out += t.text.slice(pos);
  return isAbsolute(out) ? resolve(out) : resolve(moduleDir, out);
}

/** The variables a `templatefile()` call passes, each resolved as far as the module allows. */
function templateVars(call: HclCall, resolver: HclResolver): Map<string, Resolution | undefined> {
  const vars = new Map<string, Resolution | undefined>();
  const obj = call.args[1];
  if (obj?.kind !== 'object') return vars;
  for (const item of obj.items) {
    const name = item.name ?? (item.key.kind === 'string' && item.key.template.regions.length === 0 ? item.key.template.text : undefined);
    if (name === undefined) continue;
    const v = item.value;
    vars.set(name, v.kind === 'string' || v.kind === 'number' || v.kind === 'bool' || v.kind === 'ref' || v.kind === 'call' ? resolver.value(v) : undefined);
  }
  return vars;
}
