// RFC 4515 search-filter parser producing an AST whose values are already unescaped bytes.
// The LDAP layer builds protocol filters from this AST, so an escaped login name (`\2a`) reaches
// the server as the literal character, never as filter syntax and never double-escaped.

export type FilterNode =
  | { type: 'and' | 'or'; children: FilterNode[] }
  | { type: 'not'; child: FilterNode }
  | { type: 'equal' | 'approx' | 'ge' | 'le'; attribute: string; value: Buffer }
  | { type: 'present'; attribute: string }
  | { type: 'substring'; attribute: string; initial: Buffer | null; any: Buffer[]; final: Buffer | null }
  | { type: 'extensible'; attribute: string | null; rule: string | null; dnAttributes: boolean; value: Buffer };

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const ATTR = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)(?:;[A-Za-z0-9-]+)*$/;
const RULE = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)$/;

/** Parses one complete filter; throws FilterSyntaxError saying what is wrong and where. */
export function parseFilter(text: string): FilterNode {
  const src = text.trim();
  if (src === '') throw new FilterSyntaxError('empty filter');
  const p = new Parser(src);
  const node = p.filter();
  if (p.pos !== src.length) throw new FilterSyntaxError(`unexpected text after the filter at position ${p.pos}`);
  return node;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  filter(): FilterNode {
    this.expect('(');
    const c = this.s[this.pos];
    let node: FilterNode;
    if (c === '&' || c === '|') {
      this.pos++;
      const children: FilterNode[] = [];
      while (this.s[this.pos] === '(') children.push(this.filter());
      // RFC 4526 allows empty lists, but ldapjs cannot send them and they are never useful here.
      if (children.length === 0) throw new FilterSyntaxError(`empty '${c}' list at position ${this.pos}`);
      node = { type: c === '&' ? 'and' : 'or', children };
    } else if (c === '!') {
      this.pos++;
      node = { type: 'not', child: this.filter() };
    } else {
      node = this.item();
    }
    this.expect(')');
    return node;
  }

  private expect(ch: string): void {
    if (this.s[this.pos] !== ch) {
      const found = this.pos >= this.s.length ? 'end of filter' : `'${this.s[this.pos]}'`;
      throw new FilterSyntaxError(`expected '${ch}' at position ${this.pos}, found ${found}`);
    }
    this.pos++;
  }

  /** attr op value, up to (not including) the closing parenthesis. */
  private item(): FilterNode {
    const start = this.pos;
    const end = this.findItemEnd();
    const raw = this.s.slice(start, end);
    this.pos = end;
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new FilterSyntaxError(`missing attribute or '=' in '(${raw})' at position ${start}`);
    const before = raw[eq - 1];
    const valueText = raw.slice(eq + 1);
    const valueAt = start + eq + 1;
    if (valueText.includes('\0')) throw new FilterSyntaxError(`unescaped NUL in value at position ${valueAt}`);
    if (before === '~' || before === '>' || before === '<' || before === ':') {
      const star = valueText.indexOf('*');
      if (star >= 0) throw new FilterSyntaxError(`unescaped '*' in value at position ${valueAt + star}`);
    }
    if (before === '~' || before === '>' || before === '<') {
      const attribute = this.attribute(raw.slice(0, eq - 1), start);
      const type = before === '~' ? 'approx' : before === '>' ? 'ge' : 'le';
      return { type, attribute, value: unescapeValue(valueText, valueAt) };
    }
    if (before === ':') return this.extensible(raw.slice(0, eq - 1), valueText, start, valueAt);
    const attribute = this.attribute(raw.slice(0, eq), start);
    if (valueText === '*') return { type: 'present', attribute };
    if (valueText.includes('*')) {
      const parts = valueText.split('*');
      const bytes = (t: string): Buffer | null => (t === '' ? null : unescapeValue(t, valueAt));
      return {
        type: 'substring',
        attribute,
        initial: bytes(parts[0]),
        any: parts.slice(1, -1).filter((t) => t !== '').map((t) => unescapeValue(t, valueAt)),
        final: bytes(parts[parts.length - 1]),
      };
    }
    return { type: 'equal', attribute, value: unescapeValue(valueText, valueAt) };
  }

  private findItemEnd(): number {
    for (let i = this.pos; i < this.s.length; i++) {
      const ch = this.s[i];
      if (ch === ')') return i;
      if (ch === '(') throw new FilterSyntaxError(`unescaped '(' in a value at position ${i}`);
    }
    throw new FilterSyntaxError('unbalanced parentheses: missing )');
  }

  private attribute(text: string, at: number): string {
    if (!ATTR.test(text)) throw new FilterSyntaxError(`invalid attribute description '${text}' at position ${at}`);
    return text;
  }

  private extensible(head: string, valueText: string, start: number, valueAt: number): FilterNode {
    const parts = head.split(':');
    let attribute: string | null = null;
    let dnAttributes = false;
    let rule: string | null = null;
    let i = 0;
    if (parts[0] !== '') attribute = this.attribute(parts[i++], start);
    else i = 1;
    if (parts[i] !== undefined && parts[i].toLowerCase() === 'dn') {
      dnAttributes = true;
      i++;
    }
    if (parts[i] !== undefined) {
      if (!RULE.test(parts[i])) throw new FilterSyntaxError(`invalid matching rule '${parts[i]}' at position ${start}`);
      rule = parts[i++];
    }
    if (i !== parts.length || (attribute === null && rule === null)) {
      throw new FilterSyntaxError(`invalid extensible match '${head}:=' at position ${start}`);
    }
    return { type: 'extensible', attribute, rule, dnAttributes, value: unescapeValue(valueText, valueAt) };
  }
}

/** Turns RFC 4515 value text (`\2a`, UTF-8 literal) into the bytes it stands for. */
export function unescapeValue(text: string, at = 0): Buffer {
  if (!text.includes('\\')) return Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\') {
      literal += ch;
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      throw new FilterSyntaxError(`invalid escape '\\${hex}' at position ${at + i} (use \\ followed by two hex digits)`);
    }
    if (literal) chunks.push(Buffer.from(literal, 'utf8'));
    literal = '';
    chunks.push(Buffer.from([parseInt(hex, 16)]));
    i += 2;
  }
  if (literal) chunks.push(Buffer.from(literal, 'utf8'));
  return Buffer.concat(chunks);
}
