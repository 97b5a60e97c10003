/**
 * The rule documentation pages are part of the contract: every rule has a page, every page has the
 * same sections, its badges agree with the rule's `meta`, and every example on it is linted — each
 * incorrect example must raise the page's rule, each correct example nothing at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Linter } from '../src/linter.js';
import type { LintConfig } from '../src/engine/config.js';
import { RULES } from '../rules/index.js';

const DOCS_DIR = fileURLToPath(new URL('../docs/rules/', import.meta.url));

/** The headings every page has, in this order (other headings may sit between them). */
const REQUIRED_HEADINGS = [
  '## What it does',
  '## Why is this bad?',
  '## Examples',
  '### Incorrect',
  '### Correct',
  '## Options',
  '## Fix safety',
  '## When not to use it',
  '## References',
];

/** Pages whose examples cannot be linted: the finding comes from the engine, not from a policy. */
const NOT_LINTABLE = new Set(['internal-error']);

type Section = 'Incorrect' | 'Correct';
type Language = 'json' | 'yaml';

interface Heading {
  level: number;
  text: string;
  line: number;
}

interface CodeBlock {
  /** The fence's language tag (first word of the info string), lower case; '' when none. */
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The `### Incorrect` / `### Correct` section the block sits in, if any. */
  section?: Section;
}

interface Page {
  id: string;
  file: string;
  text: string;
  headings: Heading[];
  blocks: CodeBlock[];
  /** Project configuration the page's examples are linted with (`<!-- trustlint-config: {json} -->`). */
  config?: LintConfig;
}

interface Example {
  section: Section;
  lang: Language;
  index: number;
  line: number;
  code: string;
}

/**
 * A small CommonMark subset: ATX headings and fenced code blocks (``` or ~~~, three or more).
 * Lines inside a fence are never headings (a YAML comment is not a `#` heading).
 */
function parseMarkdown(text: string): { headings: Heading[]; blocks: CodeBlock[] } {
  const lines = text.split(/\r?\n/);
  const headings: Heading[] = [];
  const blocks: CodeBlock[] = [];
  let section: Section | undefined;
  let fence: { marker: string; lang: string; line: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === fence.marker[0] && close[1].length >= fence.marker.length) {
        blocks.push({ lang: fence.lang, code: fence.body.join('\n') + '\n', line: fence.line, section });
        fence = undefined;
      } else {
        fence.body.push(line);
      }
      return;
    }
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (open) {
      fence = { marker: open[1], lang: open[2].toLowerCase(), line: i + 1, body: [] };
      return;
    }
    const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      headings.push({ level, text: heading[2], line: i + 1 });
      // An example section runs until the next `##` or `###` heading (deeper ones stay inside it).
      if (level <= 3) section = level === 3 && (heading[2] === 'Incorrect' || heading[2] === 'Correct') ? heading[2] : undefined;
    }
  });
  if (fence) throw new Error(`unclosed code fence opened on line ${fence.line}`);
  return { headings, blocks };
}

function loadPages(): Page[] {
  return readdirSync(DOCS_DIR)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => {
      const text = readFileSync(DOCS_DIR + file, 'utf8');
      return { id: file.slice(0, -'.md'.length), file: `docs/rules/${file}`, text, ...parseMarkdown(text), config: pageConfig(text) };
    });
}

/**
 * A page whose rule needs project settings (provider allow-lists) says so in an HTML comment, e.g.
 * `<!-- trustlint-config: {"providers": {"github": {"owners": ["octo-org"]}}} -->`.
 */
function pageConfig(text: string): LintConfig | undefined {
  const m = /<!--\s*trustlint-config:\s*([\s\S]*?)\s*-->/.exec(text);
  return m ? { rules: {}, ...(JSON.parse(m[1]) as Partial<LintConfig>) } : undefined;
}

function examplesOf(page: Page): Example[] {
  const counters = new Map<string, number>();
  const out: Example[] = [];
  for (const b of page.blocks) {
    if (!b.section || (b.lang !== 'json' && b.lang !== 'yaml')) continue;
    const key = `${b.section}/${b.lang}`;
    const index = (counters.get(key) ?? 0) + 1;
    counters.set(key, index);
    out.push({ section: b.section, lang: b.lang, index, line: b.line, code: b.code });
  }
  return out;
}

/** The file name to lint an example as: the extension chooses the parser and the extractor. */
function exampleFileName(ex: Example): string {
  if (ex.lang === 'yaml') return 'example.yaml';
  try {
    const root: unknown = JSON.parse(ex.code);
    // Terraform JSON configuration: `resource` / `data` blocks at the root, no policy `Statement`.
    if (root && typeof root === 'object' && !Array.isArray(root) && !('Statement' in root) && ('resource' in root || 'data' in root)) {
      return 'example.tf.json';
    }
  } catch {
    // Not valid JSON (a parse-error example): lint it as a plain JSON file.
  }
  return 'example.json';
}

/** Just what is needed to read a failure. */
function summarize(diagnostics: ReadonlyArray<{ ruleId: string; severity: string; message: string; range: { start: { line: number; column: number } } }>) {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.ruleId}: ${d.message}`);
}

const pages = loadPages();
const rulesById = new Map(RULES.map((r) => [r.meta.id, r]));
const linter = new Linter();

describe('rule documentation', () => {
  it('has a page for every rule', () => {
    const documented = new Set(pages.map((p) => p.id));
    expect(RULES.map((r) => r.meta.id).filter((id) => !documented.has(id))).toEqual([]);
  });

  it('documents only rules that exist', () => {
    expect(pages.map((p) => p.id).filter((id) => !rulesById.has(id))).toEqual([]);
  });
});

describe.each(pages.map((p) => [p.file, p] as const))('%s', (_file, page) => {
  const rule = rulesById.get(page.id);
  const examples = examplesOf(page);
  const pageLinter = page.config ? new Linter({ config: page.config }) : linter;

  it('has a title equal to the file name', () => {
    expect(page.headings[0]).toMatchObject({ level: 1, text: page.id });
    expect(page.headings.filter((h) => h.level === 1)).toHaveLength(1);
  });

  it('has the required sections, in order', () => {
    const required = new Set(REQUIRED_HEADINGS);
    const found = page.headings.map((h) => `${'#'.repeat(h.level)} ${h.text}`).filter((h) => required.has(h));
    expect(found).toEqual(REQUIRED_HEADINGS);
  });

  it('has badges that agree with the rule metadata', () => {
    const lines = page.text.split(/\r?\n/);
    const title = lines.findIndex((l) => /^#\s/.test(l));
    const badges = lines.slice(title + 1).find((l) => l.trim() !== '') ?? '';
    const m = /^\*\*Severity:\*\*\s*(\w+)[^·]*·\s*\*\*Recommended:\*\*\s*(\w+)[^·]*·\s*\*\*Fix:\*\*\s*(.+)$/.exec(badges);
    expect(m, `badge line: ${badges}`).not.toBeNull();
    if (!m || !rule) return;
    const [, severity, recommended, fix] = m;
    expect(severity).toBe(rule.meta.defaultSeverity);
    expect(['yes', 'no']).toContain(recommended);
    expect(fix.split(/\s/)[0]).toBe(rule.meta.fix);
    expect(/\(suggestions\)/.test(fix)).toBe(rule.meta.hasSuggestions);
  });

  if (NOT_LINTABLE.has(page.id)) {
    it('has no json or yaml examples (they could not be linted)', () => {
      expect(page.blocks.filter((b) => b.section && (b.lang === 'json' || b.lang === 'yaml')).map((b) => b.line)).toEqual([]);
    });
    return;
  }

  it('has incorrect and correct examples in both json and yaml', () => {
    const kinds = new Set(examples.map((e) => `${e.section} ${e.lang}`));
    expect([...kinds].sort()).toEqual(['Correct json', 'Correct yaml', 'Incorrect json', 'Incorrect yaml']);
  });

  for (const ex of examples) {
    const name = `${ex.section} example ${ex.index} (${ex.lang}, line ${ex.line})`;
    if (ex.section === 'Incorrect') {
      it(`${name} raises ${page.id}`, () => {
        const { diagnostics } = pageLinter.lintText(exampleFileName(ex), ex.code);
        expect(
          diagnostics.map((d) => d.ruleId),
          `expected ${page.id} among:\n${summarize(diagnostics).join('\n') || '(no findings)'}`,
        ).toContain(page.id);
      });
    } else {
      it(`${name} raises nothing`, () => {
        const { diagnostics } = pageLinter.lintText(exampleFileName(ex), ex.code);
        expect(summarize(diagnostics)).toEqual([]);
      });
    }
  }
});
