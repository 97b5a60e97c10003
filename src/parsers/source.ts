/**
 * A file's text with a line table, so that 0-based offsets become 1-based line/column positions.
 * Columns count UTF-16 code units (as editors and SARIF do); `\r\n`, `\n` and a lone `\r` end a line.
 */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  /** 0-based offset of the first character. */
  start: number;
  /** 0-based offset just past the last character (exclusive). */
  end: number;
}

export class SourceFile {
  private starts?: number[];

  constructor(
    /** Path as shown to the user: relative to the working directory, POSIX separators. */
    readonly path: string,
    readonly text: string,
  ) {}

  /** Offsets where lines start; built on first use (most files are never asked for a position). */
  get lineStarts(): readonly number[] {
    if (this.starts) return this.starts;
    const { text } = this;
    const starts = [0];
    // A lone `\r` ends a line too; most files have none, so look for one only once.
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.starts = starts;
    return starts;
  }

  /** 1-based line and column of a 0-based offset. */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - starts[lo] + 1 };
  }

  /** 0-based offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    const start = this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))];
    return Math.min(this.text.length, start + column - 1);
  }

  /** The text of a 1-based line without its line ending. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}
