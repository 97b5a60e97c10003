#!/usr/bin/env node
/**
 * Long fuzzing runs of the robustness properties (test/robustness/properties.ts), outside CI:
 *
 *   npm run fuzz -- --runs 100000                  # unseeded: new cases every run
 *   npm run fuzz -- --runs 5000 --seed 42          # the same cases again
 *   npm run fuzz -- --runs 20000 --property mutations --time 600
 *
 * The properties are the ones CI checks with a fixed seed: nothing throws, no rule crashes, every
 * finding lies inside the file on a non-empty span, the JSON and SARIF reports validate, stylish
 * and github output hold no control characters, `--fix --unsafe-fixes` output parses. Runs go in
 * batches with their own seeds, so a failure does not end the run: each one is printed with the
 * seed that finds it and its (shrunk) input. Exit status 1 when any property failed.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer, createServerModuleRunner } from 'vite';

const HELP = `Usage: npm run fuzz -- [--runs N] [--seed S] [--property TEXT] [--batch N] [--time SECONDS]
  --runs N         cases in total, shared by the properties as in CI (default 10000)
  --seed S         first seed (default: random); batch k uses S + k
  --property TEXT  only the properties whose name contains TEXT
  --batch N        cases per seed (default 1000)
  --time SECONDS   stop after about this long, even before N cases (shared as the cases are)`;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    property: { type: 'string' },
    batch: { type: 'string', default: '1000' },
    time: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const whole = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz: --${name} expects a whole number, got '${v}'\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const runs = whole('runs', values.runs);
const batch = Math.max(1, whole('batch', values.batch));
const seconds = values.time === undefined ? Infinity : whole('time', values.time);
const firstSeed = values.seed === undefined ? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0 : whole('seed', values.seed);

// The properties are TypeScript: Vite's module runner loads them (and stays open for the lazy imports).
const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({ root, configFile: false, logLevel: 'silent', appType: 'custom', server: { middlewareMode: true, hmr: false, watch: null } });
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
const p = await runner.import('/test/robustness/properties.ts');
const ctx = await p.createContext();
const chosen = p.properties(ctx).filter((x) => !values.property || x.name.includes(values.property));
if (chosen.length === 0) {
  console.error(`fuzz: no property matches '${values.property}'`);
  process.exit(2);
}
const weight = chosen.reduce((s, x) => s + x.ciRuns, 0);

console.log(`trustlint fuzz: ${runs} cases over ${chosen.length} properties, first seed ${firstSeed}${values.time ? `, at most ${values.time} s` : ''}`);
const started = Date.now();
let total = 0;
let failed = 0;
let seed = firstSeed;
for (const prop of chosen) {
  const target = Math.round((runs * prop.ciRuns) / weight);
  const t0 = Date.now();
  // --time is shared as the cases are: each property gets its part of it.
  const deadline = t0 + (seconds * 1000 * prop.ciRuns) / weight;
  let done = 0;
  const failures = new Map();
  while (done < target && Date.now() < deadline) {
    const numRuns = Math.min(batch, target - done);
    const s = seed++;
    const r = p.fc.check(prop.property, { numRuns, seed: s });
    done += r.numRuns;
    if (r.failed) {
      const message = String(r.errorInstance instanceof Error ? r.errorInstance.message : r.error);
      const key = message.split('\n')[0];
      if (!failures.has(key)) failures.set(key, { seed: s, path: r.counterexamplePath, message, input: r.counterexample?.[0] });
    }
  }
  total += done;
  failed += failures.size;
  console.log(`  ${prop.name}: ${done} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${failures.size} distinct failure${failures.size === 1 ? '' : 's'}`);
  for (const f of failures.values()) {
    console.log(`    FAILED (seed ${f.seed}, path ${f.path}): ${f.message.split('\n')[0]}`);
    if (f.input) console.log(`      input ${f.input.path}: ${JSON.stringify(f.input.text).slice(0, 1500)}`);
  }
}
console.log(`cases run: ${total}; failures: ${failed}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
await runner.close();
await server.close();
process.exit(failed > 0 ? 1 : 0);
