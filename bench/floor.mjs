#!/usr/bin/env node
// @ts-check
/**
 * The floor: read and parse every file of a list with trustlint's own parsers, and nothing else
 * (no extraction, no rules, no report). Run by bench/run.mjs as a process of its own, like the CLI.
 *
 *   node bench/floor.mjs LIST [--before]
 *
 * LIST holds one absolute path per line. `--before` parses the way trustlint did before its fast
 * paths (YAML: the `yaml` package's Documents, converted; JSON: jsonc-parser), for the before/after
 * comparison.
 * Prints JSON: { ms, bytes, files, byLanguage: { yaml: { ms, bytes, files }, json: {...} } }, where
 * the per-language `ms` count parsing alone.
 */
import { readFileSync } from 'node:fs';

const [listFile, ...rest] = process.argv.slice(2);
const dist = new URL('../dist/src/', import.meta.url);
const { parseText } = await import(new URL('engine/parse.js', dist).href);
const before = rest.includes('--before');
const parseYamlDocuments = before ? (await import(new URL('parsers/yaml.js', dist).href)).parseYamlDocuments : undefined;
const parseJsonReference = before ? (await import(new URL('parsers/json.js', dist).href)).parseJsonReference : undefined;

const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
/** @type {Record<string, { ms: number, bytes: number, files: number }>} */
const by = {};
const t0 = performance.now();
let bytes = 0;
const decoder = new TextDecoder('utf-8');
for (const f of files) {
  // Read as the CLI reads (synchronously, whole).
  const buf = readFileSync(f);
  const text = decoder.decode(buf);
  const s = performance.now();
  const yaml = /\.ya?ml$/i.test(f);
  const parsed = parseYamlDocuments && yaml ? parseYamlDocuments(text) : parseJsonReference && /\.json$/i.test(f) ? parseJsonReference(text) : parseText(f, text);
  const e = performance.now();
  if (parsed.error && !/not-ours|broken/.test(f)) process.stderr.write(`floor: ${f}: ${parsed.error.message}\n`);
  const b = (by[yaml ? 'yaml' : 'json'] ??= { ms: 0, bytes: 0, files: 0 });
  b.ms += e - s;
  b.bytes += buf.length;
  b.files++;
  bytes += buf.length;
}
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, bytes, files: files.length, byLanguage: by }) + '\n');
