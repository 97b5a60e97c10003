import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import { FixWriteError, writeFixed } from '../../src/fixes/write-file.js';

const BAD = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": { "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*" } }
    }
  ]
}
`;

async function cli(argv: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIO = { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} };
  return { code: await run(argv, io), out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'trustlint-fix-'));

describe('--fix writes files safely', () => {
  it('writes the fixed file in place, keeping its mode and CRLF line endings', async () => {
    const dir = tmp();
    const file = join(dir, 'trust.json');
    writeFileSync(file, BAD.replace(/\n/g, '\r\n'));
    chmodSync(file, 0o640);
    const r = await cli(['--fix', '--unsafe-fixes', '--format', 'json', 'trust.json'], dir);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}');
    expect(after.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(JSON.parse(r.out).diagnostics.map((d: { ruleId: string }) => d.ruleId)).not.toContain('missing-audience');
  });

  it('--diff prints a unified diff, changes nothing, and exits 1', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'trust.json'), BAD);
    const r = await cli(['--diff', '--unsafe-fixes', 'trust.json'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`--- a/trust.json
+++ b/trust.json
@@ -5,7 +5,7 @@
       "Effect": "Allow",
       "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
       "Action": "sts:AssumeRoleWithWebIdentity",
-      "Condition": { "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*" } }
+      "Condition": { "StringLike": { "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*" }, "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"} }
     }
   ]
 }
`);
    expect(readFileSync(join(dir, 'trust.json'), 'utf8')).toBe(BAD);
  });

  it('refuses a read-only file and leaves it untouched', async () => {
    if (process.getuid?.() === 0) {
      // root may write read-only files: the check is ours, not the OS's.
    }
    const dir = tmp();
    const file = join(dir, 'trust.json');
    writeFileSync(file, BAD);
    chmodSync(file, 0o444);
    await expect(writeFixed(file, BAD, BAD + ' ', dir)).rejects.toThrow(FixWriteError);
    const r = await cli(['--fix', '--unsafe-fixes', 'trust.json'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('trust.json: the file is read-only; not written');
    expect(readFileSync(file, 'utf8')).toBe(BAD);
  });

  it('refuses a file that changed since it was read', async () => {
    const dir = tmp();
    const file = join(dir, 'trust.json');
    writeFileSync(file, BAD + '\n');
    await expect(writeFixed(file, BAD, 'x', dir)).rejects.toThrow('the file changed since it was read; not written');
    expect(readFileSync(file, 'utf8')).toBe(BAD + '\n');
  });

  it('never follows a symlink out of the linted tree', async () => {
    const outside = tmp();
    const dir = tmp();
    writeFileSync(join(outside, 'trust.json'), BAD);
    symlinkSync(join(outside, 'trust.json'), join(dir, 'link.json'));
    await expect(writeFixed(join(dir, 'link.json'), BAD, 'x', dir)).rejects.toThrow('symbolic link to a file outside the linted tree');
    expect(readFileSync(join(outside, 'trust.json'), 'utf8')).toBe(BAD);
  });

  it('keeps a UTF-8 byte order mark', async () => {
    const dir = tmp();
    const file = join(dir, 'trust.json');
    writeFileSync(file, '\ufeff' + BAD);
    await cli(['--fix', '--unsafe-fixes', 'trust.json'], dir);
    const after = readFileSync(file, 'utf8');
    expect(after.charCodeAt(0)).toBe(0xfeff);
    expect(after).toContain('"StringEquals"');
  });
});
