#!/usr/bin/env node
// @ts-check
/**
 * Where a lint's time goes, phase by phase and rule by rule, in one process (for tuning; the
 * figures of record come from bench/run.mjs). Uses the built modules (dist/: `npm run build`).
 *
 *   node bench/phases.mjs [--scale N] [--seed N] [--runs N] [--corpus-dir DIR] [--dist DIR]
 *
 * Reads the corpus of bench/run.mjs into memory, then times, as the minimum of --runs passes
 * (default 5) and in the first pass (code not yet optimised, as in a CLI run): parsing every file; extracting the policy documents of every file (parsed trees
 * ready); each rule alone over every document (extracted documents ready); suppression comments.
 * Prints milliseconds per phase and per rule, and the corpus's counts of documents, statements
 * and actions. `--dist DIR`: the compiled tree to measure (`tsc -p tsconfig.build.json --outDir DIR`).
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedCorpus, corpusFiles } from './generate.mjs';

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {string} */ dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const scale = Number(opt('--scale', '1'));
const seed = Number(opt('--seed', '1'));
const runs = Math.max(1, Number(opt('--runs', '5')));
const base = opt('--corpus-dir', join(tmpdir(), 'trustlint-bench'));

const dist = new URL(`${resolve(opt('--dist', fileURLToPath(new URL('../dist/', import.meta.url))))}/`, 'file://');
const load = async (/** @type {string} */ p) => import(new URL(p, dist).href);
const { parseText } = await load('src/engine/parse.js');
const { extractDocuments } = await load('src/extract/index.js');
const { SourceFile } = await load('src/parsers/source.js');
const { runRules, Collector } = await load('src/engine/engine.js');
const { collectSuppressions } = await load('src/engine/suppressions.js');
const { Linter } = await load('src/linter.js');

const { dir } = cachedCorpus(base, scale, seed);
const paths = corpusFiles(dir);
const files = paths.map((p) => new SourceFile(p.slice(dir.length + 1), readFileSync(p, 'utf8')));

const linter = new Linter();
const settings = { providers: {} };
const ids = linter.enabled.map((/** @type {any} */ e) => e.rule.meta.id);
/** One pass, file by file as the CLI goes (one tree alive at a time): ms per phase and per rule. */
function pass() {
  const t = { parse: 0, extract: 0, rules: 0, suppressions: 0, documents: 0, statements: 0, actions: 0 };
  const perRule = new Array(ids.length).fill(0);
  for (const f of files) {
    let t0 = performance.now();
    const parsed = parseText(f.path, f.text);
    t.parse += performance.now() - t0;
    if (parsed.error) continue;
    t0 = performance.now();
    const x = extractDocuments(f, parsed.roots, { template: parsed.template });
    t.extract += performance.now() - t0;
    t0 = performance.now();
    runRules(f, x.documents, linter.enabled, new Collector(f), { settings, oidcProviders: x.oidcProviders });
    t.rules += performance.now() - t0;
    linter.enabled.forEach((/** @type {any} */ e, /** @type {number} */ k) => {
      const t1 = performance.now();
      runRules(f, x.documents, [e], new Collector(f), { settings, oidcProviders: x.oidcProviders });
      perRule[k] += performance.now() - t1;
    });
    t0 = performance.now();
    collectSuppressions(f, parsed.roots, parsed.language);
    t.suppressions += performance.now() - t0;
    for (const d of x.documents) {
      t.documents++;
      for (const s of d.statements) {
        t.statements++;
        t.actions += (s.action?.items.length ?? 0) + (s.notAction?.items.length ?? 0);
      }
    }
  }
  return { ...t, perRule };
}
/** @type {ReturnType<typeof pass>[]} */
const passes = [];
for (let i = 0; i < runs; i++) passes.push(pass());
const best = (/** @type {(p: ReturnType<typeof pass>) => number} */ f) => Math.min(...passes.map(f));
const { documents, statements, actions } = passes[0];
const perRule = ids.map((/** @type {string} */ id, /** @type {number} */ k) => /** @type {[string, number]} */ ([id, best((p) => p.perRule[k])]));
const parseMs = best((p) => p.parse);
const extractMs = best((p) => p.extract);
const allRulesMs = best((p) => p.rules);
const suppressMs = best((p) => p.suppressions);
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const row = (/** @type {string} */ name, /** @type {number} */ ms, /** @type {number | undefined} */ first = undefined) => `${name.padEnd(32)} ${ms.toFixed(1).padStart(9)} ms${first === undefined ? '' : `  ${first.toFixed(1).padStart(9)} ms`}`;
const lines = [
  `${files.length} files, ${(bytes / 1e6).toFixed(1)} MB; ${documents} documents, ${statements} statements, ${actions} actions; minimum of ${runs} passes`,
  '',
  `${''.padEnd(32)} ${'best'.padStart(12)}  ${'first pass'.padStart(12)}`,
  row('parse', parseMs, passes[0].parse),
  row('extract', extractMs, passes[0].extract),
  row('rules (all, one pass)', allRulesMs, passes[0].rules),
  row('suppression comments', suppressMs, passes[0].suppressions),
  '',
  ...perRule.sort((a, b) => b[1] - a[1]).map(([id, ms]) => row(`  ${id}`, ms, passes[0].perRule[ids.indexOf(id)])),
  row('  sum of rules alone', perRule.reduce((n, [, ms]) => n + ms, 0)),
];
process.stdout.write(lines.join('\n') + '\n');
