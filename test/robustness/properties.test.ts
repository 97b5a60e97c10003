/**
 * Issue 9, the properties of `properties.ts`, seeded so CI checks the same few thousand cases on
 * every run. Longer, unseeded runs: `npm run fuzz -- --runs N` (docs/robustness.md).
 */
import { describe, expect, it } from 'vitest';
import { defineRule } from '../../src/rule-kit/index.js';
import { Linter } from '../../src/linter.js';
import { CI_SEED, checkText, createContext, fc, mutate, properties } from './properties.js';
import { TRUST_JSON } from './hostile.js';

const ctx = await createContext();

/** Rules that break one invariant each, to show the checker catches it. */
const broken = {
  throws: defineRule({
    meta: { id: 'throws', description: 't', defaultSeverity: 'error', securitySeverity: 1, fix: 'none', hasSuggestions: false, messages: {} },
    create: () => ({
      Statement() {
        throw new Error('boom');
      },
    }),
  }),
  blank: defineRule({
    meta: { id: 'blank', description: 't', defaultSeverity: 'error', securitySeverity: 1, fix: 'none', hasSuggestions: false, messages: { m: 'x' } },
    create: (c) => ({
      PolicyDocument(doc) {
        c.report({ node: { range: { start: doc.range.start + 1, end: doc.range.start + 4 }, path: [] }, messageId: 'm' });
      },
    }),
  }),
  'edits past the end': defineRule({
    meta: { id: 'past-the-end', description: 't', defaultSeverity: 'error', securitySeverity: 1, fix: 'unsafe', hasSuggestions: false, messages: { m: 'x' } },
    create: (c) => ({
      PolicyDocument(doc) {
        c.report({ node: doc, messageId: 'm', fix: { title: 'grow', applicability: 'unsafe', edits: [{ start: doc.range.end, end: doc.range.end + 10, text: '' }] } });
      },
    }),
  }),
};

describe(`properties (seed ${CI_SEED})`, () => {
  it('reads every fixture', () => {
    expect(ctx.fixtures.length).toBeGreaterThan(40);
    expect(ctx.fixtures.map((f) => f.path)).toContain('fixtures/cloudformation/github-oidc-bad.yaml');
  });

  it('mutations apply anywhere, the empty text included', () => {
    expect(mutate('abc', { kind: 'delete', at: 4, length: 1 })).toBe('ac');
    expect(mutate('', { kind: 'insert', at: 7, text: '{' })).toBe('{');
    expect(mutate('a\nb', { kind: 'swap-lines', line: 0, other: 3 })).toBe('b\na');
    expect(mutate('a\nb', { kind: 'duplicate-line', line: 1 })).toBe('a\nb\nb');
  });

  it.each([
    ['throws', /a rule crashed: Rule throws failed/],
    ['blank', /blank at 1:2: a range of white space only/],
    ['edits past the end', /fix "grow" edits \d+-\d+ outside the file/],
  ] as const)('the checker catches a rule that %s', (id, message) => {
    const linter = new Linter({ plugins: [broken[id] as never] });
    expect(() => checkText({ ...ctx, linter }, 'p.json', TRUST_JSON)).toThrow(message);
    expect(() => checkText(ctx, 'p.json', TRUST_JSON)).not.toThrow();
  });

  for (const p of properties(ctx)) {
    it(`${p.name}: ${p.ciRuns} cases, no exception, every finding located, reports valid, fixes parse`, () => {
      fc.assert(p.property, { numRuns: p.ciRuns, seed: CI_SEED });
    }, 120_000);
  }
});
