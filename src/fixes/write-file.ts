/**
 * Writing a fixed file: atomically (a temporary file beside it, then rename), keeping its mode and
 * its encoding (UTF-8 with or without a byte order mark, UTF-16), refusing read-only files, files
 * changed since they were read, and symlinks that lead outside the tree being linted — the file
 * itself or a directory on its path.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, constants, lstat, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decodeFile, encodeText } from '../linter.js';

export class FixWriteError extends Error {}

/** Is `p` outside `root` (or `root` itself)? Both absolute. */
function outside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel);
}

export async function writeFixed(abs: string, expected: string, output: string, root: string): Promise<void> {
  let target = abs;
  const l = await lstat(abs);
  const real = await realpath(abs);
  const realRoot = await realpath(root);
  if (l.isSymbolicLink()) {
    target = real;
    if (outside(realRoot, target)) throw new FixWriteError('it is a symbolic link to a file outside the linted tree; not written');
  } else if (!outside(resolve(root), resolve(abs)) && outside(realRoot, real)) {
    // Inside the tree by its path, outside by where it really is: a symlinked directory leads out.
    throw new FixWriteError('a symbolic link on its path leads outside the linted tree; not written');
  }
  // No write bit at all counts as read-only even for a user (root) the OS would let through.
  const writable = await access(target, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable || ((await stat(target)).mode & 0o222) === 0) throw new FixWriteError('the file is read-only; not written');
  const now = decodeFile(await readFile(target));
  // `Linter.lintText` drops a (second) byte order mark that decoding left in the text.
  const extraBom = now.ok && now.text.charCodeAt(0) === 0xfeff;
  if (!now.ok || (extraBom ? now.text.slice(1) : now.text) !== expected) throw new FixWriteError('the file changed since it was read; not written');
  const mode = (await stat(target)).mode & 0o7777;
  const tmp = join(dirname(target), `.${basename(target)}.trustlint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, encodeText((extraBom ? '\ufeff' : '') + output, now.encoding), { mode, flag: 'wx' });
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new FixWriteError(`could not write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
