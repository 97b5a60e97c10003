/** The programmatic API: configure the rules once, lint texts or files. */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { RULES } from '../rules/index.js';
import type { RuleModule } from './rule-kit/index.js';
import { SourceFile } from './parsers/source.js';
import { basedPath, lintSource, validateOptions, type EnabledRule } from './engine/engine.js';
import { looksRelevant } from './engine/parse.js';
import { isPolicyTemplatePath, isTemplatePath } from './extract/template.js';
import type { LintConfig, RuleConfig, Settings } from './engine/config.js';
import { SEVERITY_ORDER, docsUrl, type Diagnostic, type FileResult, type LintResults, type RuleDescription } from './engine/diagnostic.js';
import type { HclContext } from './extract/hcl.js';
import type { HclWorkspace } from './extract/hcl-module.js';

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;

/** Terraform HCL and `templatefile()` templates: read with the HCL grammar and their module's files. */
const TERRAFORM_FILES = /\.(tf|tftpl|tpl|tmpl)$/i;

export interface LinterOptions {
  config?: LintConfig;
  /** Extra rules (a third-party rule pack), after the built-in ones. */
  plugins?: RuleModule<string, Record<string, unknown>>[];
  maxFileSize?: number;
  /**
   * Where the working directory is in its repository (`infra`): fingerprints name files from the
   * repository root, so that a finding keeps its fingerprint wherever trustlint runs.
   */
  pathBase?: string;
}

export class UsageError extends Error {}

export class Linter {
  readonly rules: RuleModule<string, Record<string, unknown>>[];
  readonly enabled: EnabledRule[];
  readonly maxFileSize: number;
  readonly settings: Settings;
  readonly reportUnusedSuppressions: boolean;
  readonly pathBase: string | undefined;
  /** Loaded on the first Terraform file: module facts of each directory, read once per Linter. */
  private hclWorkspace?: HclWorkspace;
  /** What `lintFile` learnt of a Terraform file's module, by display path (for `lintText` re-lints). */
  private readonly hclContexts = new Map<string, HclContext>();

  constructor(opts: LinterOptions = {}) {
    this.rules = [...RULES, ...(opts.plugins ?? [])];
    this.maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.settings = { providers: opts.config?.providers ?? {} };
    this.reportUnusedSuppressions = opts.config?.reportUnusedSuppressions ?? false;
    this.pathBase = opts.pathBase || undefined;
    const settings = opts.config?.rules ?? {};
    const known = new Set(this.rules.map((r) => r.meta.id));
    for (const id of Object.keys(settings)) {
      if (!known.has(id)) throw new UsageError(`Unknown rule '${id}'. Run \`trustlint rules\` to list the rules.`);
    }
    this.enabled = this.rules.map((rule) => {
      const s = settings[rule.meta.id];
      const problem = s?.options ? validateOptions(rule, s.options) : undefined;
      if (problem) throw new UsageError(`Invalid configuration: ${problem}.`);
      const config: RuleConfig = {
        severity: s?.severity ?? rule.meta.defaultSeverity,
        explicit: s?.severity !== undefined,
        options: s?.options ?? {},
      };
      return { rule, config };
    });
  }

  /**
   * Loads what linting `.tf` files needs (the HCL grammar, WebAssembly). `lintFile` does it by itself;
   * call it once before `lintText` on a `.tf` file, which otherwise throws.
   */
  async prepare(): Promise<void> {
    const { loadHcl } = await import('./parsers/hcl.js');
    await loadHcl();
  }

  /**
   * Lints one file's text. `path` is shown to the user (relative, POSIX). A `.tf` file needs
   * `prepare()` first; its module's other files are known when `lintFile` read it before.
   */
  lintText(path: string, text: string, explicit = true): FileResult {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const file = new SourceFile(path, body);
    return {
      file: path,
      text: body,
      diagnostics: lintSource(file, this.enabled, { explicit, settings: this.settings, reportUnusedSuppressions: this.reportUnusedSuppressions, hcl: this.hclContexts.get(path), pathBase: this.pathBase }),
    };
  }

  private async workspace(): Promise<HclWorkspace> {
    if (!this.hclWorkspace) {
      const { HclWorkspace } = await import('./extract/hcl-module.js');
      this.hclWorkspace ??= new HclWorkspace(this.maxFileSize);
    }
    return this.hclWorkspace;
  }

  /** For a Terraform file: loads the grammar and reads the other files of its module. */
  private async prepareTerraform(absolutePath: string, displayPath: string, template = false): Promise<void> {
    const context = await (await this.workspace()).contextFor(absolutePath, template);
    if (context) this.hclContexts.set(displayPath, context);
    else this.hclContexts.delete(displayPath);
  }

  /**
   * Reads and lints a file; unreadable, oversized, binary or undecodable files become located
   * findings, never exceptions. Only regular files are opened (a FIFO or a device never is), the
   * size is checked before anything is read, and no more than `maxFileSize` bytes are ever read.
   */
  async lintFile(absolutePath: string, displayPath: string, explicit: boolean): Promise<FileResult> {
    const read = this.readFile(absolutePath, displayPath);
    if (!(read instanceof Uint8Array)) return read;
    const buf = read;
    const decoded = decodeFile(buf);
    if (!decoded.ok) {
      // As for a syntax error: a file that is none of ours (an image, a Latin-1 config) is skipped, named or not.
      if (!looksRelevant(decoded.text)) return { file: displayPath, diagnostics: [] };
      return this.fileProblem(displayPath, decoded.message, { text: decoded.text, offset: decoded.offset });
    }
    // A `.json` file with `${...}` in it may be a template a `templatefile()` call renders.
    const jsonTemplate = /\.json$/i.test(displayPath) && !/\.tf\.json$/i.test(displayPath) && /[$%]\{/.test(decoded.text);
    if (jsonTemplate && (await this.workspace()).hasModuleNearby(absolutePath)) {
      try {
        await this.prepareTerraform(absolutePath, displayPath, true);
      } catch {
        // No grammar, no module: the file is linted as the JSON it is.
        this.hclContexts.delete(displayPath);
      }
    }
    if (TERRAFORM_FILES.test(displayPath)) {
      try {
        await this.prepareTerraform(absolutePath, displayPath);
      } catch (e) {
        return this.fileProblem(displayPath, `${(e as Error).message}; the file was not linted.`);
      }
      // A `.tpl` / `.tmpl` file is a policy template when a `templatefile()` call renders it, or
      // when it is named and holds JSON; otherwise it is some other tool's (a Helm helper).
      if (isTemplatePath(displayPath) && !isPolicyTemplatePath(displayPath) && !this.hclContexts.get(displayPath)?.templateCalls?.length) {
        if (!explicit || !/^\s*[{[]/.test(decoded.text)) return { file: displayPath, diagnostics: [] };
      }
    }
    return this.lintText(displayPath, decoded.text, explicit);
  }

  /**
   * The bytes of a file, or the finding that says why it was not read. Synchronous, like the
   * reads of ESLint and Ruff: a file is read whole before it is linted, and a blocking read costs
   * a few microseconds where a round trip through libuv's thread pool costs tens.
   */
  private readFile(absolutePath: string, displayPath: string): Uint8Array | FileResult {
    try {
      const st = statSync(absolutePath);
      if (st.isDirectory()) {
        // Only a directory whose entries could not be listed while walking is handed to lintFile.
        let why: NodeJS.ErrnoException | undefined;
        try {
          readdirSync(absolutePath);
        } catch (e) {
          why = e as NodeJS.ErrnoException;
        }
        return this.fileProblem(displayPath, `Directory could not be read${why ? `: ${errnoText(why)}` : ''}; the files in it were not linted.`);
      }
      if (!st.isFile()) return this.fileProblem(displayPath, `${fileKind(st)} is not a regular file; it was not read or linted.`);
      if (st.size > this.maxFileSize) return this.oversized(displayPath, st.size);
      const read = readRegularFile(absolutePath, this.maxFileSize);
      if (typeof read === 'string') return this.fileProblem(displayPath, read);
      if (typeof read === 'number') return this.oversized(displayPath, read);
      return read;
    } catch (e) {
      return this.fileProblem(displayPath, `File could not be read: ${errnoText(e as NodeJS.ErrnoException)}.`);
    }
  }

  private oversized(path: string, size: number): FileResult {
    return this.fileProblem(path, `File is ${size} bytes, over the ${this.maxFileSize}-byte limit (--max-file-size); it was not linted.`);
  }

  /**
   * A finding about the file as a whole (parse-error severity). `at`: the decoded text and the
   * offset the problem is at (an undecodable byte), for a located finding with a code frame.
   */
  private fileProblem(path: string, message: string, at?: { text: string; offset: number }): FileResult {
    const parse = this.enabled.find((r) => r.rule.meta.id === 'parse-error');
    const severity = parse && parse.config.severity !== 'off' ? parse.config.severity : undefined;
    let range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
    let offsets = { start: 0, end: 0 };
    if (at) {
      const source = new SourceFile(path, at.text);
      const start = Math.max(0, Math.min(at.offset, at.text.length));
      const end = start < at.text.length && !/[\r\n]/.test(at.text[start]) ? start + 1 : start;
      range = { start: source.position(start), end: source.position(end) };
      offsets = { start, end };
    }
    const diagnostics: Diagnostic[] = severity
      ? [
          {
            ruleId: 'parse-error',
            severity,
            message,
            file: path,
            range,
            offsets,
            path: '',
            fingerprint: `parse-error:${basedPath(this.pathBase, path)}`,
            docsUrl: docsUrl('parse-error'),
          },
        ]
      : [];
    return at ? { file: path, text: at.text, diagnostics } : { file: path, diagnostics };
  }

  describeRules(): RuleDescription[] {
    return this.rules.map((r) => ({
      id: r.meta.id,
      description: r.meta.description,
      defaultSeverity: r.meta.defaultSeverity,
      securitySeverity: r.meta.securitySeverity,
      fix: r.meta.fix,
      hasSuggestions: r.meta.hasSuggestions,
      docsUrl: docsUrl(r.meta.id),
      tags: r.meta.tags ?? [],
    }));
  }
}

export function summarize(results: FileResult[], quiet = false): LintResults {
  const out = quiet ? results.map((r) => ({ ...r, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') })) : results;
  const summary = { files: results.length, errors: 0, warnings: 0, infos: 0 };
  for (const r of out) {
    r.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.ruleId.localeCompare(b.ruleId));
    for (const d of r.diagnostics) {
      if (d.severity === 'error') summary.errors++;
      else if (d.severity === 'warning') summary.warnings++;
      else summary.infos++;
    }
  }
  return { results: out, summary };
}

// ---------------------------------------------------------------------------------------------
// Reading files

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'it no longer exists (removed while trustlint ran?)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'it is a symbolic link loop',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is not a directory',
  ENAMETOOLONG: 'its name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

function errnoText(e: NodeJS.ErrnoException): string {
  const text = e.code ? ERRNO_TEXT[e.code] : undefined;
  return text ? `${text} (${e.code})` : (e.code ?? e.message);
}

function fileKind(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return 'This named pipe (FIFO)';
  if (st.isSocket()) return 'This socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'This device';
  return 'This path';
}

/**
 * The bytes of a regular file: opened without blocking (a FIFO swapped in after `stat` cannot hang
 * the run), checked again on the open handle, and read to at most `max` bytes. Returns a message
 * when it is not a regular file after all, the size when it grew over `max`.
 */
function readRegularFile(path: string, max: number): Buffer | string | number {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return `${fileKind(st)} is not a regular file; it was not read or linted.`;
    if (st.size > max) return st.size;
    let buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > max) return n;
        const bigger = Buffer.allocUnsafe(Math.min(n * 2, max + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const bytesRead = readSync(fd, buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n > max ? n : buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** How a file's bytes were decoded, so that `--fix` writes the file back the same way. */
export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

export type DecodedFile =
  | { ok: true; text: string; encoding: FileEncoding }
  /** `text`: a lossy decoding, to show where the problem is; `offset`: where, in `text`. */
  | { ok: false; message: string; text: string; offset: number };

/**
 * Decodes a file: UTF-8 (a byte order mark is dropped), UTF-16 LE/BE with a byte order mark.
 * Anything else is refused with the position of the first byte that cannot be read: binary files
 * (NUL bytes), invalid UTF-8, UTF-16 without a byte order mark. A linter must not read a
 * mis-decoded file as if it were what the author wrote.
 */
export function decodeFile(buf: Uint8Array): DecodedFile {
  if (buf[0] === 0xff && buf[1] === 0xfe) return decodeUtf16(buf, 'utf-16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return decodeUtf16(buf, 'utf-16be');
  const lossy = () => new TextDecoder('utf-8').decode(buf);
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const u16 = utf16WithoutBom(buf);
    if (u16) {
      return {
        ok: false,
        message: `File looks like ${u16.toUpperCase()} text without a byte order mark; it was not linted. Save it as UTF-8 (or as ${u16.toUpperCase()} with a byte order mark).`,
        text: new TextDecoder(u16).decode(buf),
        offset: 0,
      };
    }
    return { ok: false, message: 'File is binary (it contains a NUL byte here); it was not linted.', text: lossy(), offset: new TextDecoder('utf-8').decode(buf.subarray(0, nul)).length };
  }
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  if (!isUtf8(buf)) {
    const bad = firstInvalidUtf8(buf);
    const hex = buf[bad].toString(16).toUpperCase().padStart(2, '0');
    return {
      ok: false,
      message: `File is not valid UTF-8: the byte 0x${hex} here cannot be decoded; it was not linted. Save the file as UTF-8.`,
      text: lossy(),
      offset: new TextDecoder('utf-8').decode(buf.subarray(0, bad)).length,
    };
  }
  return { ok: true, text: new TextDecoder('utf-8').decode(buf), encoding: bom ? 'utf-8-bom' : 'utf-8' };
}

/** The bytes to write for a text read as `encoding` (its byte order mark restored). */
export function encodeText(text: string, encoding: FileEncoding): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.from(`\ufeff${text}`, 'utf8');
    case 'utf-16le':
      return Buffer.from(`\ufeff${text}`, 'utf16le');
    case 'utf-16be':
      return Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  }
}

function decodeUtf16(buf: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedFile {
  const name = encoding.toUpperCase();
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(buf);
  } catch {
    const lossy = new TextDecoder(encoding).decode(buf);
    const at = lossy.indexOf('\ufffd');
    return { ok: false, message: `File is not valid ${name} (it has a byte order mark, but a broken character here); it was not linted.`, text: lossy, offset: at < 0 ? lossy.length : at };
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) return { ok: false, message: `File is binary (it contains a NUL character here); it was not linted.`, text, offset: nul };
  return { ok: true, text, encoding };
}

/** `utf-16le`/`utf-16be` when the NUL bytes fall on every other byte, as in mostly-ASCII UTF-16. */
function utf16WithoutBom(buf: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(buf.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) even++;
    if (buf[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd >= pairs * 0.7 && even === 0) return 'utf-16le';
  if (even >= pairs * 0.7 && odd === 0) return 'utf-16be';
  return undefined;
}

/** Index of the first byte that does not start a well-formed UTF-8 sequence (`isUtf8` said there is one). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    const c1 = b[i + 1];
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length - 1;
}
