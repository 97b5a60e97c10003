/**
 * Writing a fixed file: atomically (a temporary file beside it, then rename), keeping its mode,
 * refusing read-only files, files changed since they were read, and symlinks that lead outside
 * the tree being linted.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, constants, lstat, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

export class FixWriteError extends Error {}

export async function writeFixed(abs: string, expected: string, output: string, root: string): Promise<void> {
  let target = abs;
  const l = await lstat(abs);
  if (l.isSymbolicLink()) {
    target = await realpath(abs);
    const realRoot = await realpath(root);
    const rel = relative(realRoot, target);
    if (rel.startsWith('..') || rel.split(sep)[0] === '..' || rel === '' || /^[a-zA-Z]:/.test(rel)) {
      throw new FixWriteError('it is a symbolic link to a file outside the linted tree; not written');
    }
  }
  // No write bit at all counts as read-only even for a user (root) the OS would let through.
  const writable = await access(target, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable || ((await stat(target)).mode & 0o222) === 0) throw new FixWriteError('the file is read-only; not written');
  const now = await readFile(target, 'utf8');
  const bom = now.charCodeAt(0) === 0xfeff;
  if ((bom ? now.slice(1) : now) !== expected) throw new FixWriteError('the file changed since it was read; not written');
  const mode = (await stat(target)).mode & 0o7777;
  const tmp = join(dirname(target), `.${basename(target)}.trustlint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, (bom ? '\ufeff' : '') + output, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new FixWriteError(`could not write the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
