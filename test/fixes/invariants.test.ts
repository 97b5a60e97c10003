/**
 * Invariants of fixing, over every fixture: fixes converge, a rule is silent at the place of its
 * own fix, fixed files parse, safe fixes keep the policy's meaning, and nothing outside the edited
 * spans changes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Linter } from '../../src/linter.js';
import { applyFixes, fixToFixedPoint } from '../../src/fixes/apply.js';
import { parseText } from '../../src/engine/parse.js';
import { extractDocuments } from '../../src/extract/index.js';
import { SourceFile } from '../../src/parsers/source.js';
import type { Diagnostic, Edit, Fix } from '../../src/engine/diagnostic.js';
import type { PolicyDocument } from '../../src/model/types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(json|ya?ml|template)$/.test(name)) out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

const FILES = walk(join(root, 'fixtures')).filter((f) => !f.startsWith('fixtures/broken/'));
const linter = new Linter();
const lint = (path: string, text: string) => linter.lintText(path, text).diagnostics;

/** The meaning of the policies in a file: everything IAM evaluates, with actions in one case. */
function meaning(path: string, text: string): unknown {
  const parsed = parseText(path, text);
  const { documents } = extractDocuments(new SourceFile(path, text), parsed.roots);
  const vals = (l?: { items: Array<{ value: string }> }) => l?.items.map((i) => i.value);
  return documents.map((d: PolicyDocument) => ({
    kind: d.kind,
    version: d.version?.value,
    statements: d.statements.map((s) => ({
      effect: s.effect?.value,
      principal: s.principal && { wildcard: s.principal.wildcard?.value, entries: s.principal.entries.map((e) => [e.type.value, vals(e.values)]) },
      notPrincipal: s.notPrincipal && s.notPrincipal.entries.map((e) => [e.type.value, vals(e.values)]),
      action: s.action?.items.map((a) => a.value.toLowerCase()),
      notAction: s.notAction?.items.map((a) => a.value.toLowerCase()),
      resource: vals(s.resource),
      notResource: vals(s.notResource),
      condition: s.condition?.entries.map((c) => [c.operator.value, c.key.value.toLowerCase(), vals(c.values)]),
    })),
  }));
}

const splice = (text: string, edits: Edit[]) => [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);

describe('fix invariants over all fixtures', () => {
  it('has fixtures with fixes to check', () => {
    const withFixes = FILES.filter((f) => lint(f, readFileSync(join(root, f), 'utf8')).some((d) => d.fix));
    expect(withFixes.length).toBeGreaterThan(3);
  });

  for (const file of FILES) {
    describe(file, () => {
      const text = readFileSync(join(root, file), 'utf8');
      const diags = lint(file, text);
      const fixes = diags.map((d) => d.fix).filter((f): f is Fix => !!f && f.applicability !== 'display-only');

      it('converges: a second --fix --unsafe-fixes changes nothing, and the result parses', () => {
        const once = fixToFixedPoint(file, text, (t) => lint(file, t), { unsafe: true });
        expect(parseText(file, once.output).error).toBeUndefined();
        expect(fixToFixedPoint(file, once.output, (t) => lint(file, t), { unsafe: true }).output).toBe(once.output);
      });

      it('changes nothing outside the edited spans', () => {
        const { text: out, applied } = applyFixes(text, fixes);
        expect(out).toBe(splice(text, applied.flatMap((f) => f.edits)));
      });

      it('silences each rule at the place of its own fix', () => {
        for (const d of diags) {
          if (!d.fix || d.fix.applicability === 'display-only') continue;
          const after = splice(text, d.fix.edits);
          const first = Math.min(...d.fix.edits.map((e) => e.start));
          const grown = d.fix.edits.reduce((n, e) => n + e.text.length - (e.end - e.start), 0);
          const last = Math.max(...d.fix.edits.map((e) => e.end)) + grown;
          // Still reported: the same finding (same fingerprint), or the rule again on the edited text.
          const again = lint(file, after).filter(
            (x) => x.ruleId === d.ruleId && (x.fingerprint === d.fingerprint || (x.offsets.start >= first && x.offsets.start <= last)),
          );
          expect(again, `${d.ruleId} at ${d.range.start.line}:${d.range.start.column}`).toEqual([]);
        }
      });

      it('safe fixes keep the meaning of every policy', () => {
        const safe = fixToFixedPoint(file, text, (t) => lint(file, t), { unsafe: false });
        expect(meaning(file, safe.output)).toEqual(meaning(file, text));
      });
    });
  }
});

describe('fix passes never write a key twice', () => {
  it('fixes that would together repeat a key are applied one at a time, and one that repeats a key alone is dropped', () => {
    const text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n';
    const at = text.indexOf('"Allow"') + '"Allow"'.length;
    // Two findings whose fixes each add a Sid to the same statement: both at once would write it twice.
    const fake = (title: string): Diagnostic => ({
      ruleId: 'policy-syntax',
      severity: 'error',
      message: title,
      file: 'p.json',
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
      offsets: { start: 0, end: 1 },
      path: '',
      fingerprint: title,
      docsUrl: '',
      fix: { title, applicability: 'safe', edits: [{ start: at, end: at, text: `, "Sid": "${title}"` }] },
    });
    const lint = (t: string) => [...linter.lintText('p.json', t).diagnostics, ...(t === text ? [fake('A'), fake('B')] : [])];
    const r = fixToFixedPoint('p.json', text, lint, { unsafe: false });
    expect(r.output).toBe(text.replace('"Allow"', '"Allow", "Sid": "A"'));
    expect(r.fixed).toBe(1);
  });
});
