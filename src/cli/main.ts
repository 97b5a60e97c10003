/**
 * The `trustlint` command. Lint logic lives in the engine; this file only reads arguments, finds
 * files, and writes the chosen format. Exit codes: 0 clean, 1 findings, 2 usage/config/internal error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Linter, summarize, UsageError } from '../linter.js';
import { isRuleSetting, type LintConfig } from '../engine/config.js';
import type { FileResult } from '../engine/diagnostic.js';
import { discover } from './discover.js';
import { canUseWorkers, defaultJobs, detach, heapKeeper, keepText, lintInParallel, threadsFor, type TextPolicy } from './pool.js';

const HELP = `Usage: trustlint [options] [paths...]
       trustlint rules [--format stylish|json]
       trustlint explain --policy FILE[#SELECTOR] --token JWT|FILE|- [options]   (see trustlint explain --help)

Lints AWS IAM policies in CloudFormation/SAM templates (YAML, JSON), Terraform (*.tf, *.tf.json,
and the policy templates templatefile() renders: *.json.tpl, *.tftpl, *.json.tmpl, and any *.tpl or
*.tmpl a templatefile() call names), Terraform plans
(terraform show -json) and policy JSON/YAML files. Paths may be files, directories (walked,
.gitignore honoured) or globs. Default: the current directory.

Options:
  -f, --format <name>       stylish (default), json, sarif, github
  -o, --output <file>       write the report to a file instead of standard output
  -c, --config <file>       config file (default: trustlint.config.yaml|yml|json, searched upward)
      --rule <id=severity>  set a rule to off, info, warning or error (repeatable; overrides the config)
      --fix                 apply safe fixes to the files (atomically)
      --unsafe-fixes        with --fix: also apply fixes that change who gets in
      --diff                print the fixes as a unified diff instead of writing them
                            (alias --fix-dry-run; exit 1 if any file would change)
      --max-warnings <n>    exit 1 when there are more than n warnings
      --baseline <file>     report only findings that are not in the baseline file
      --write-baseline <file>  record today's findings as the baseline (exit 0)
      --report-unused-suppressions  report suppression comments and ignores that hide nothing
      --quiet               report errors only
      --ignore <glob>       skip matching paths (repeatable)
      --max-file-size <n>   skip files larger than n bytes (default 20971520)
  -j, --jobs <n>            lint on n threads (default: the available cores; 1: no worker threads)
      --color / --no-color  force colours on or off (default: on for a terminal)
  -h, --help                show this help
  -v, --version             show the version

Exit status: 0 no errors (and warnings within --max-warnings), 1 findings, 2 usage or internal error.
Rules and docs: trustlint rules`;

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'trustlint') return pkg.version ?? '0.0.0';
    } catch {
      // keep looking upward
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export interface CliIO {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const defaultIO = (): CliIO => ({
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
  env: process.env,
});

export async function run(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  // `explain` has options of its own; it handles its errors and exit codes.
  if (argv[0] === 'explain') return (await import('./explain.js')).runExplain(argv.slice(1), io);
  try {
    return await main(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`trustlint: ${e.message}\n`);
      return 2;
    }
    io.stderr(`trustlint: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

async function main(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        rule: { type: 'string', multiple: true },
        'max-warnings': { type: 'string' },
        fix: { type: 'boolean' },
        'unsafe-fixes': { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        diff: { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        'report-unused-suppressions': { type: 'boolean' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        quiet: { type: 'boolean' },
        ignore: { type: 'string', multiple: true },
        'max-file-size': { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nRun \`trustlint --help\` for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP + '\n');
    return 0;
  }
  if (values.version) {
    io.stdout(packageVersion() + '\n');
    return 0;
  }
  const { isFormatName, format } = await import('../formatters/index.js');
  const formatName = values.format ?? 'stylish';
  const color = values['no-color'] ? false : values.color ? true : io.isTTY && !io.env.NO_COLOR;

  const { findConfig, loadConfig } = await import('./config-file.js');
  const configPath = values.config ? resolve(io.cwd, values.config) : findConfig(io.cwd);
  const { RULES } = await import('../../rules/index.js');
  const loaded = await loadConfig(configPath, io.cwd, new Set(RULES.map((r) => r.meta.id)));
  const config: LintConfig = loaded.config;
  for (const r of values.rule ?? []) {
    const m = /^([\w-]+)=(\w+)$/.exec(r);
    if (!m || !isRuleSetting(m[2])) throw new UsageError(`--rule expects id=off|info|warning|error, got '${r}'.`);
    config.rules[m[1]] = { ...config.rules[m[1]], severity: m[2] };
  }
  if (values['report-unused-suppressions']) config.reportUnusedSuppressions = true;
  let maxWarnings = -1;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UsageError('--max-warnings expects a whole number >= 0.');
  }
  let maxFileSize: number | undefined;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) throw new UsageError('--max-file-size expects a number of bytes.');
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs expects a whole number >= 1.');
  }
  // Fingerprints and code-scanning paths name files from the repository root, wherever trustlint runs.
  const repoPrefix = repositoryPrefix(io.cwd);
  const linter = new Linter({ config, maxFileSize, pathBase: repoPrefix });

  if (positionals[0] === 'rules') {
    if (formatName !== 'stylish' && formatName !== 'json') throw new UsageError("`trustlint rules` supports --format stylish or json.");
    io.stdout(formatRules(linter, formatName === 'json'));
    return 0;
  }
  if (!isFormatName(formatName)) throw new UsageError(`Unknown format '${formatName}'. Use stylish, json, sarif or github.`);

  const { targets, missing } = await discover(positionals, io.cwd, [
    { base: loaded.base, patterns: loaded.ignore },
    { base: io.cwd, patterns: values.ignore ?? [] },
  ]);
  if (missing.length > 0) throw new UsageError(`No such file or directory: ${missing.join(', ')}`);
  const results: FileResult[] = [];
  const diffOnly = values.diff || values['fix-dry-run'];
  const fixing = values.fix || diffOnly;
  const policy = { unsafe: !!values['unsafe-fixes'] };
  let diffs = '';
  let fixFailures = 0;
  // Only what the report shows is kept of each file: its findings, and its text for code frames.
  const text: TextPolicy = formatName === 'stylish' ? 'findings' : formatName === 'sarif' ? 'fixes' : 'none';
  const threads = fixing || !canUseWorkers() ? 1 : threadsFor(targets.length, jobs ?? defaultJobs());
  if (threads > 1) results.push(...(await lintInParallel(targets, threads, { config, maxFileSize, text, pathBase: repoPrefix }, (t) => linter.lintFile(t.absolute, t.display, t.explicit))));
  const inOrder = threads > 1 ? [] : targets;
  const keepHeap = inOrder.length > 1 ? heapKeeper() : () => undefined;
  for (const t of inOrder) {
    const r = await linter.lintFile(t.absolute, t.display, t.explicit);
    keepHeap();
    if (fixing && r.text !== undefined && r.diagnostics.some((d) => d.fix)) {
      const { fixToFixedPoint } = await import('../fixes/apply.js');
      const original = r.text;
      const fixed = fixToFixedPoint(t.display, original, (text) => linter.lintText(t.display, text, t.explicit).diagnostics, policy);
      if (fixed.output !== original) {
        if (diffOnly) {
          const { createTwoFilesPatch } = await import('diff');
          const patch = createTwoFilesPatch(`a/${t.display}`, `b/${t.display}`, original, fixed.output, '', '', { context: 3 });
          // git-style headers: no `=====` separator, no trailing tab after the names.
          diffs += patch.replace(/^=+\n/m, '').replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');
          results.push(detach(keepText(r, text)));
          continue;
        }
        const { writeFixed, FixWriteError } = await import('../fixes/write-file.js');
        try {
          await writeFixed(t.absolute, original, fixed.output, io.cwd);
          results.push(detach(keepText({ ...r, text: fixed.output, diagnostics: fixed.diagnostics }, text)));
          continue;
        } catch (e) {
          if (!(e instanceof FixWriteError)) throw e;
          io.stderr(`trustlint: ${t.display}: ${e.message}\n`);
          fixFailures++;
        }
      }
    }
    results.push(detach(keepText(r, text)));
  }
  if (diffOnly) {
    io.stdout(diffs);
    return diffs ? 1 : 0;
  }
  const { applyBaseline, readBaseline, writeBaseline } = await import('./baseline.js');
  if (values['write-baseline']) {
    const target = resolve(io.cwd, values['write-baseline']);
    const count = await writeBaseline(target, results);
    io.stderr(`trustlint: wrote ${count} finding${count === 1 ? '' : 's'} to the baseline ${values['write-baseline']}\n`);
    return 0;
  }
  if (values.baseline) {
    const baseline = await readBaseline(resolve(io.cwd, values.baseline));
    const { stale } = applyBaseline(results, baseline);
    if (stale > 0) io.stderr(`trustlint: ${stale} baseline finding${stale === 1 ? ' is' : 's are'} fixed; refresh the baseline with --write-baseline ${values.baseline}\n`);
  }
  const report = summarize(results, values.quiet);
  // Code scanning and annotations read paths from the repository root, wherever trustlint ran.
  const out = await format(formatName, report, linter.describeRules(), {
    color: color && !values.output,
    toolVersion: packageVersion(),
    repoPrefix: formatName === 'sarif' || formatName === 'github' ? repoPrefix : undefined,
  });
  if (values.output) {
    const target = resolve(io.cwd, values.output);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, out);
  } else if (out) {
    io.stdout(out);
  }
  const { errors, warnings } = report.summary;
  if (fixFailures > 0) return 2;
  return errors > 0 || (maxWarnings >= 0 && warnings > maxWarnings) ? 1 : 0;
}

function formatRules(linter: Linter, json: boolean): string {
  const rules = linter.describeRules();
  if (json) return JSON.stringify(rules, null, 2) + '\n';
  const width = Math.max(...rules.map((r) => r.id.length));
  const lines = rules.map((r) => {
    const fix = r.fix === 'none' ? (r.hasSuggestions ? 'suggestion' : '-') : r.fix;
    return `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${fix.padEnd(12)}  ${r.description}`;
  });
  return `${'rule'.padEnd(width)}  ${'default'.padEnd(7)}  ${'fix'.padEnd(12)}  description\n${lines.join('\n')}\n`;
}

/**
 * Where `cwd` is in its git repository (`infra/stacks`; '' at the root), or undefined outside one.
 * A worktree or submodule has a `.git` file instead of a directory: either marks the root.
 */
function repositoryPrefix(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; ) {
    if (existsSync(resolve(dir, '.git'))) return relative(dir, resolve(cwd)).split(sep).join('/');
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
