/**
 * Helpers for the integration tests, which run real tools (npm, pre-commit, git, bash, ESLint)
 * in temporary directories, never in the repository itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  exports: Record<string, unknown>;
};

/** A bad and a good CloudFormation template, from the fixtures. */
export const BAD_TEMPLATE = readFileSync(join(ROOT, 'fixtures/cloudformation/github-oidc-bad.yaml'), 'utf8');
export const GOOD_TEMPLATE = readFileSync(join(ROOT, 'fixtures/cloudformation/github-oidc-good.yaml'), 'utf8');

const made: string[] = [];

/** A new temporary directory, removed by `removeTempDirs` (call it in `afterAll`). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `trustlint-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The absolute path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Git run without the user's or the system's configuration, as a fixed author. */
export const GIT_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'trustlint test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'trustlint test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion, with no standard input (never throws for a non-zero exit). */
export function exec(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - start }));
  });
}

/** Fails with the command's output, so that a failing tool explains itself in the test report. */
export function ok(r: Run, what: string): Run {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/**
 * Copies the working tree as git would commit it (tracked and untracked files, .gitignore honoured:
 * no node_modules, no dist) into `dest`, so that a test builds and installs what is in the tree
 * without touching the repository.
 */
export function snapshot(dest: string): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  const files = r.stdout.split('\0').filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dest, f));
  }
  return files;
}

/** A new git repository holding `files`, committed. */
export async function gitRepo(dir: string, files: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  ok(await exec('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: GIT_ENV }), 'git init');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  ok(await exec('git', ['add', '-A'], { cwd: dir, env: GIT_ENV }), 'git add');
  ok(await exec('git', ['commit', '-q', '--no-verify', '--allow-empty', '-m', 'test'], { cwd: dir, env: GIT_ENV }), 'git commit');
}

export interface CodeBlock {
  lang: string;
  code: string;
}

/** The fenced code blocks of a Markdown file (indented ones too, with the indent removed). */
export function codeBlocks(markdownPath: string): CodeBlock[] {
  const text = readFileSync(join(ROOT, markdownPath), 'utf8');
  const out: CodeBlock[] = [];
  const re = /^( *)```(\w*)[^\n]*\n([\s\S]*?)^\1```/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const indent = m[1].length;
    out.push({ lang: m[2], code: m[3].split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n') });
  }
  return out;
}
