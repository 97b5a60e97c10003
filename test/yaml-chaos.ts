/**
 * Random YAML written to reach the corners of the syntax, and line-level mutations: the inputs of
 * test/yaml-fast.test.ts, which compares the YAML fast path with the reference path on them.
 */
import type { Rng } from '../bench/generate.mjs';
import { CFN_TAGS } from '../src/parsers/yaml.js';


const WORDS = ['alpha', 'Beta', 'gamma delta', 'arn:aws:s3:::bucket/*', 'https://example.com/a#b', 'a#b', 'x:y', 'sts:AssumeRole', 'Ref', 'token.actions.githubusercontent.com:sub', 'repo:acme/*', '${AWS::Region}', 'é ü', '日本', 'a - b', 'a, b', 'a ]', '-dash', '.dot', '<<', 'key with  spaces'];
const SCALARS = ['1', '-2', '+3', '0x1F', '0o17', '012', '1.5', '.5', '1e3', '-1.2E-3', '.inf', '-.Inf', '.nan', 'true', 'True', 'FALSE', 'yes', 'no', 'on', '~', 'null', 'Null', 'NULL', '2001-12-14', '12:30', '0.', '+.5', '1_000', '0b101'];
const TAGS = Object.keys(CFN_TAGS);

export class Chaos {
  readonly lines: string[] = [];
  private anchors: string[] = [];
  /** `clean`: only valid pieces, so that deeper structures reach the fast path. */
  constructor(
    private readonly r: Rng,
    private readonly clean = false,
  ) {}

  scalarText(flow: boolean): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.3) {
      const w = r.pick(WORDS);
      return flow && /[,[\]{}#]/.test(w) ? JSON.stringify(w) : w;
    }
    if (x < 0.5) return r.pick(SCALARS);
    if (x < 0.62) return `'${r.pick(WORDS).replace(/'/g, "''")}${r.chance(0.2) ? "''x" : ''}'`;
    if (x < 0.75) return r.pick(['"a\\nb"', '"tab\\there"', '"q\\"uote"', '"back\\\\slash"', '"\\x41\\u00e9\\U0001F600"', '"bad \\q"', '"sp\\ ace"', '"\\/"', '"plain"', '""', "''", '"a # b"', '"a: b"']);
    if (x < 0.8 && !this.clean) return r.pick(['a: b', 'a #b', 'x:', '- x', '? x', '@x', '`x', '%x', '|x', '>x', '!x', '&a', '*a', ',x', '[x', ']', '}', '"unclosed', "'unclosed"]);
    return `${r.pick(WORDS).split(' ')[0]}${r.int(100)}`;
  }

  comment(): string {
    return `# ${this.r.pick(['note', 'c: d', '- item', 'trailing', '#', ''])}`;
  }

  /** Maybe some blank and comment lines, at random indentation. */
  noise(indent: number): void {
    const r = this.r;
    while (r.chance(0.18)) {
      const ind = Math.max(0, indent + r.range(-4, 4));
      if (r.chance(0.4)) this.lines.push(' '.repeat(r.chance(0.5) ? 0 : ind));
      else this.lines.push(' '.repeat(ind) + this.comment());
    }
  }

  props(): string {
    const r = this.r;
    let p = '';
    if (r.chance(0.12)) p += `${r.chance(0.95) || this.clean ? r.pick(this.clean ? ['!Sub', '!GetAtt', '!Base64', '!ImportValue'] : TAGS) : r.pick(['!Foo', '!!str', '!!int', '!'])} `;
    if (r.chance(0.06)) {
      const a = `a${r.int(4)}`;
      this.anchors.push(a);
      p += `&${a} `;
    }
    return p;
  }

  trailing(): string {
    return this.r.chance(0.12) ? `${this.r.pick([' ', '  ', ''])}${this.comment()}` : this.r.chance(0.05) ? '  ' : '';
  }

  flow(depth: number, indent: number): string {
    const r = this.r;
    const n = r.int(4);
    const map = r.chance(0.4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = depth < 2 && r.chance(0.2) ? this.flow(depth + 1, indent) : `${r.chance(0.1) ? r.pick(TAGS) + ' ' : ''}${this.scalarText(true)}`;
      parts.push(map ? `${r.chance(0.3) ? JSON.stringify(r.pick(WORDS)) : r.pick(['a', 'b', 'Key', 'x y', '1'])}${r.chance(0.2) ? ':' : ': '}${v}` : v);
    }
    const sep = r.chance(0.15) ? `,\n${' '.repeat(Math.max(0, indent + r.range(-1, 3)))}` : r.pick([', ', ',', ' , ']);
    const body = parts.join(sep) + (r.chance(0.05) && !this.clean ? ',' : '');
    const pad = r.chance(0.2) ? ' ' : '';
    return map ? `{${pad}${body}${pad}}` : `[${pad}${body}${pad}]`;
  }

  block(indent: number): string {
    const r = this.r;
    const header = r.pick(this.clean ? ['|', '|-', '>', '>-'] : ['|', '|-', '>', '>-', '|+', '>+', '|2', '| # c']);
    const inner = indent + r.pick([1, 2, 2, 4]);
    const out = [header];
    const n = r.range(1, 5);
    if (r.chance(0.15)) out.push(' '.repeat(r.int(inner + 2)));
    for (let i = 0; i < n; i++) {
      const extra = r.chance(0.15) ? r.range(1, 3) : 0;
      out.push(r.chance(0.15) ? ' '.repeat(r.int(inner + 2)) : ' '.repeat(inner + extra) + r.pick(['{"a": 1}', 'text', '# not a comment', 'key: value', '- item', 'x']));
    }
    return out.join('\n');
  }

  /** A value after `key:` or `- `, possibly on the following lines. */
  value(indent: number, depth: number, inSeqItem: boolean): void {
    const r = this.r;
    const x = r.next();
    const last = this.lines.length - 1;
    const props = this.props();
    if (depth < 4 && x < 0.35) {
      this.lines[last] += props.trimEnd() + this.trailing();
      this.noise(indent + 2);
      const childIndent = indent + (inSeqItem ? r.pick([2, 2, 3]) : r.pick([2, 2, 4, 1]));
      if (r.chance(0.4)) this.seq(r.chance(0.3) && !inSeqItem ? indent : childIndent, depth + 1);
      else this.map(childIndent, depth + 1);
      return;
    }
    if (x < 0.45) {
      this.lines[last] += props + this.flow(0, indent + 1) + this.trailing();
      return;
    }
    if (x < 0.52) {
      this.lines[last] += props + this.block(indent);
      return;
    }
    if (x < 0.56 && this.anchors.length > 0) {
      this.lines[last] += `*${r.pick(this.anchors)}${this.trailing()}`;
      return;
    }
    if (x < 0.6) {
      this.lines[last] += props.trimEnd() + this.trailing();
      return;
    }
    let s = props + this.scalarText(false);
    if (r.chance(0.08)) s += `\n${' '.repeat(Math.max(0, indent + r.range(-1, 4)))}${r.pick(['continued', 'more text', '# c', 'x: y', ''])}`;
    this.lines[last] += s + this.trailing();
  }

  key(): string {
    const r = this.r;
    const k = r.chance(0.7) ? r.pick(['Type', 'Properties', 'Name', 'Value', 'Statement', 'a', 'b', 'x y', '1', 'true', 'null', '0x10', 'a:b', 'k#1', '<<', 'Key']) : r.chance(0.5) ? `'${r.pick(WORDS)}'` : JSON.stringify(r.pick(WORDS));
    return r.chance(0.02) && !this.clean ? `${r.pick(['? ', '!Ref ', '&k ', '*k '])}${k}` : k;
  }

  map(indent: number, depth: number): void {
    const r = this.r;
    const n = r.range(1, 4);
    for (let i = 0; i < n; i++) {
      this.noise(indent);
      this.lines.push(`${' '.repeat(indent)}${this.key()}:${r.chance(0.97) ? ' ' : ''}`);
      this.value(indent, depth, false);
    }
  }

  seq(indent: number, depth: number): void {
    const r = this.r;
    const n = r.range(1, 4);
    for (let i = 0; i < n; i++) {
      this.noise(indent);
      const dash = `${' '.repeat(indent)}-${r.pick([' ', ' ', ' ', '   '])}`;
      if (depth < 4 && r.chance(0.35)) {
        // A compact mapping in the item: `- a: 1` and the other keys under `a`.
        const col = dash.length;
        this.lines.push(`${dash}${this.key()}: `);
        this.value(col, depth + 1, true);
        const more = r.int(3);
        for (let k = 0; k < more; k++) {
          this.noise(col);
          this.lines.push(`${' '.repeat(col)}${this.key()}: `);
          this.value(col, depth + 1, true);
        }
        continue;
      }
      this.lines.push(dash);
      this.value(indent, depth, true);
    }
  }

  document(): string {
    const r = this.r;
    if (r.chance(0.1)) this.lines.push(r.pick(this.clean ? ['---', '# header'] : ['---', '%YAML 1.2\n---', '# header', '--- # c']));
    const x = r.next();
    if (x < 0.7) this.map(r.chance(0.9) ? 0 : 2, 0);
    else if (x < 0.85) this.seq(0, 0);
    else this.lines.push(this.flow(0, 0));
    this.noise(0);
    if (r.chance(0.08)) {
      this.lines.push(r.pick(['---', '...', '--- x']));
      this.anchors = [];
      this.map(0, 0);
    }
    let text = this.lines.join('\n') + (r.chance(0.9) ? '\n' : '');
    if (r.chance(0.02) && !this.clean) text = text.replace(/\n/g, '\r\n');
    if (r.chance(0.02) && !this.clean) text = text.replace(/ {2}/, '\t');
    return text;
  }
}

/** Line-level mutations of a valid text: what an editor half-way through a change leaves. */
export function mutate(text: string, r: Rng): string {
  const lines = text.split('\n');
  const i = r.int(lines.length);
  switch (r.int(7)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[i] ?? '');
      break;
    case 2:
      lines[i] = ' ' + (lines[i] ?? '');
      break;
    case 3:
      lines[i] = (lines[i] ?? '').replace(/^ {1,2}/, '');
      break;
    case 4:
      lines.splice(i, 0, ' '.repeat(r.int(10)) + '# inserted');
      break;
    case 5: {
      const l = lines[i] ?? '';
      const at = r.int(l.length + 1);
      lines[i] = l.slice(0, at) + r.pick([':', ' ', '#', '-', "'", '"', '[', '{', '}', '!', '&', '*', '|', ',', ' #']) + l.slice(at);
      break;
    }
    default: {
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
  }
  return lines.join('\n');
}

