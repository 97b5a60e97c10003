/**
 * Turns command-line paths into the files to lint: files as named, directories walked (honouring
 * `.gitignore`, skipping node_modules, .git and .terraform, never following symlinks, never opening
 * anything but regular files and directories), and globs.
 */
import { lstatSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface Target {
  absolute: string;
  /** Relative to the working directory, POSIX separators. */
  display: string;
  /** Named on the command line: reported even when it is not one of our formats. */
  explicit: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', '.hg', '.svn']);
/**
 * Our formats, including Terraform HCL and the templates `templatefile()` renders (a `.tpl` or
 * `.tmpl` file is linted only when a `templatefile()` call of its module names it: Linter.lintFile).
 */
const DEFAULT_FILES = /\.(json|ya?ml|template|tf|tftpl|tpl|tmpl)$/i;

export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs) || '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Larger `.gitignore` files are not read (a symlink to /dev/zero must not exhaust memory). */
const MAX_GITIGNORE_SIZE = 1024 * 1024;

function gitignoreAt(dir: string): Ignore | undefined {
  try {
    const path = join(dir, '.gitignore');
    // Like git, never through a symlink; only a regular file (a FIFO would block the walk).
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_GITIGNORE_SIZE) return undefined;
    return ignore().add(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Is a file under `cwd` ignored by a .gitignore between `cwd` and its directory (as a walk would)? */
function gitIgnored(abs: string, cwd: string, cache: Map<string, Ignore | undefined>): boolean {
  const rel = relative(cwd, abs);
  if (rel.startsWith('..')) return false;
  const parts = rel.split(sep);
  let dir = cwd;
  for (let i = 0; i < parts.length; i++) {
    if (!cache.has(dir)) cache.set(dir, gitignoreAt(dir));
    const ig = cache.get(dir);
    const sub = parts.slice(i).join('/');
    // Each ancestor directory of the file is tested too (`ignored/` excludes what is below it).
    if (ig) {
      for (let j = i + 1; j <= parts.length; j++) {
        const p = parts.slice(i, j).join('/');
        if (ig.ignores(j < parts.length ? `${p}/` : p)) return true;
      }
    }
    if (i === parts.length - 1 || sub === '') break;
    dir = join(dir, parts[i]);
  }
  return false;
}

/**
 * Walks a directory tree. Synchronous, as ESLint's and Ruff's walks are: a listing costs a few
 * microseconds, a round trip through libuv's thread pool tens; `.gitignore` is read only where
 * the listing shows one.
 */
function walk(root: string, cwd: string, out: Target[], extraIgnore: ExtraIgnores): void {
  // Each directory keeps the .gitignore files of itself and its parents (relative to each one's dir).
  const stack: Array<{ dir: string; ignores: Array<{ base: string; ig: Ignore }> }> = [{ dir: root, ignores: [] }];
  while (stack.length > 0) {
    const { dir, ignores: inherited } = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // Reported (by Linter.lintFile), not skipped in silence: its files are not linted.
      out.push({ absolute: dir, display: displayPath(cwd, dir), explicit: true });
      continue;
    }
    // Only where the listing shows one (a regular file: never a symlink or a FIFO).
    const own = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? gitignoreAt(dir) : undefined;
    const ignores = own ? [...inherited, { base: dir, ig: own }] : inherited;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const abs = join(dir, e.name);
      const isDir = e.isDirectory();
      if (isDir && SKIP_DIRS.has(e.name)) continue;
      const ignored = ignores.some(({ base, ig }) => {
        const rel = relative(base, abs).split(sep).join('/');
        return rel !== '' && ig.ignores(isDir ? `${rel}/` : rel);
      });
      if (ignored || extraIgnore.ignores(abs, isDir)) continue;
      if (isDir) subdirs.push(abs);
      else if (e.isFile() && DEFAULT_FILES.test(e.name)) out.push({ absolute: abs, display: displayPath(cwd, abs), explicit: false });
    }
    for (const d of subdirs.reverse()) stack.push({ dir: d, ignores });
  }
}

/** Files to lint for the given arguments, in a stable order, each once. */
/** Ignore patterns (gitignore syntax) from the command line or a config file, relative to `base`. */
export interface IgnoreSet {
  base: string;
  patterns: string[];
}

/** Matches paths against several ignore sets, each relative to its own base directory. */
class ExtraIgnores {
  private readonly sets: Array<{ base: string; ig: Ignore }>;
  constructor(sets: IgnoreSet[]) {
    this.sets = sets.filter((s) => s.patterns.length > 0).map((s) => ({ base: s.base, ig: ignore().add(s.patterns) }));
  }
  ignores(abs: string, isDir: boolean): boolean {
    return this.sets.some(({ base, ig }) => {
      const rel = relative(base, abs).split(sep).join('/');
      return rel !== '' && !rel.startsWith('..') && ig.ignores(isDir ? `${rel}/` : rel);
    });
  }
}

export async function discover(args: string[], cwd: string, ignoreSets: IgnoreSet[] = []): Promise<{ targets: Target[]; missing: string[] }> {
  const targets: Target[] = [];
  const missing: string[] = [];
  const extra = new ExtraIgnores(ignoreSets);
  const gitignoreCache = new Map<string, Ignore | undefined>();
  for (const arg of args.length > 0 ? args : ['.']) {
    const abs = resolve(cwd, arg);
    let st;
    try {
      st = await stat(abs);
    } catch (e) {
      st = undefined;
      // A symbolic link loop exists, but cannot be read: reported as a finding of its own.
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
        targets.push({ absolute: abs, display: displayPath(cwd, abs), explicit: true });
        continue;
      }
    }
    if (st?.isDirectory()) {
      const found: Target[] = [];
      walk(abs, cwd, found, extra);
      targets.push(...found);
    } else if (st) {
      targets.push({ absolute: abs, display: displayPath(cwd, abs), explicit: true });
    } else if (/[*?[\]{}]/.test(arg)) {
      const { glob } = await import('tinyglobby');
      // Like the walk, never through a symbolic link (a loop, or a way out of the tree).
      const files = await glob(arg, { cwd, absolute: true, ignore: ['**/node_modules/**', '**/.git/**', '**/.terraform/**'], dot: false, followSymbolicLinks: false });
      files.sort();
      for (const f of files) {
        const l = await lstat(f).catch(() => undefined);
        const display = displayPath(cwd, f);
        if (!l?.isFile() || gitIgnored(f, cwd, gitignoreCache) || extra.ignores(f, false)) continue;
        targets.push({ absolute: f, display, explicit: false });
      }
      if (files.length === 0) missing.push(arg);
    } else {
      missing.push(arg);
    }
  }
  const seen = new Set<string>();
  return { targets: targets.filter((t) => (seen.has(t.absolute) ? false : (seen.add(t.absolute), true))), missing };
}
