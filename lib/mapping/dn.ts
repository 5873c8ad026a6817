// RFC 4514 distinguished names: parse, escape, format and compare by meaning.
// Pure: no I/O. Group DNs from the configuration and from the server are compared with these,
// so spelling differences (case, spaces, escaping, AVA order) must not matter.

/** A DN string that does not follow RFC 4514; the message says what and where (0-based). */
export class DnSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnSyntaxError';
  }
}

export interface Ava {
  type: string;
  /** Unescaped value; a hex-string value (`#04024869`) is kept as written, lower-cased. */
  value: string;
}
export type Rdn = Ava[];

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
/** A value of this shape is treated as an RFC 4514 hexstring when formatting. */
const HEX_STRING = /^#(?:[0-9a-fA-F]{2})+$/;
const DESCR = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERIC_OID = /^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+$/;
/** Characters escaped with a backslash by escapeDnValue (RFC 4514 section 2.4). */
const ESCAPED = new Set(['\\', ',', '+', '"', '<', '>', ';', '=']);
/** Characters allowed after a backslash (RFC 4514 `special` plus the backslash). */
const ESCAPABLE = new Set([...ESCAPED, ' ', '#']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses a DN; the empty (or all-blank) string is the root DN `[]`. */
export function parseDn(dn: string): Rdn[] {
  return new DnParser(dn).parse();
}

class DnParser {
  private pos = 0;

  constructor(private readonly s: string) {}

  parse(): Rdn[] {
    if (this.s.trim() === '') return [];
    const rdns: Rdn[] = [];
    for (;;) {
      const rdn: Rdn = [this.ava()];
      while (this.s[this.pos] === '+') {
        this.pos++;
        rdn.push(this.ava());
      }
      rdns.push(rdn);
      if (this.pos >= this.s.length) return rdns;
      // ava() only stops at a separator or the end, so this is `,` or `;`.
      this.pos++;
    }
  }

  private fail(what: string, at = this.pos): never {
    throw new DnSyntaxError(`${what} at position ${at}`);
  }

  private skipSpaces(): void {
    while (this.s[this.pos] === ' ') this.pos++;
  }

  private ava(): Ava {
    this.skipSpaces();
    const type = this.attributeType();
    this.skipSpaces();
    if (this.s[this.pos] !== '=') {
      if (this.pos >= this.s.length) this.fail(`missing '=' after attribute type '${type}'`);
      this.fail(`unexpected character '${this.s[this.pos]}'`);
    }
    this.pos++;
    this.skipSpaces();
    const c = this.s[this.pos];
    const value = c === '"' ? this.quotedValue() : c === '#' ? this.hexValue() : this.stringValue();
    return { type, value };
  }

  private attributeType(): string {
    const start = this.pos;
    while (this.pos < this.s.length && /[A-Za-z0-9.-]/.test(this.s[this.pos])) this.pos++;
    let type = this.s.slice(start, this.pos);
    if (type === '') {
      if (this.pos >= this.s.length) this.fail('missing attribute type');
      this.fail(`unexpected character '${this.s[this.pos]}'`);
    }
    // RFC 1779 allowed `OID.2.5.4.3`; the prefix carries no meaning.
    if (/^oid\./i.test(type) && NUMERIC_OID.test(type.slice(4))) type = type.slice(4);
    if (!DESCR.test(type) && !NUMERIC_OID.test(type)) this.fail(`invalid attribute type '${type}'`, start);
    return type;
  }

  /** True at a character that ends an AVA (or at the end of input). */
  private atAvaEnd(): boolean {
    const c = this.s[this.pos];
    return c === undefined || c === ',' || c === ';' || c === '+';
  }

  private expectAvaEnd(): void {
    this.skipSpaces();
    if (!this.atAvaEnd()) this.fail(`unexpected character '${this.s[this.pos]}'`);
  }

  private hexValue(): string {
    const start = this.pos;
    this.pos++;
    while (HEX_PAIR.test(this.s.slice(this.pos, this.pos + 2))) this.pos += 2;
    if (this.pos === start + 1) this.fail('invalid hex string value', start);
    const value = this.s.slice(start, this.pos).toLowerCase();
    this.expectAvaEnd();
    return value;
  }

  private quotedValue(): string {
    const open = this.pos;
    this.pos++;
    const out = new ValueBuilder();
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) this.fail('unterminated quoted value', open);
      if (c === '"') break;
      if (c === '\\') this.escape(out);
      else {
        out.text(c);
        this.pos++;
      }
    }
    this.pos++;
    this.expectAvaEnd();
    return out.done();
  }

  private stringValue(): string {
    const out = new ValueBuilder();
    // Length of the value up to its last significant (non-space or escaped) character,
    // so unescaped trailing spaces before a separator are dropped.
    // -1: the last thing read was an escape, so everything read so far counts.
    let keep = 0;
    while (!this.atAvaEnd()) {
      const c = this.s[this.pos];
      if (c === '\\') {
        this.escape(out);
        keep = -1;
      } else if (c === '"') {
        this.fail(`unexpected character '"'`);
      } else {
        if (keep === -1) keep = out.length();
        out.text(c);
        if (c !== ' ') keep = out.length();
        this.pos++;
      }
    }
    const value = out.done();
    return keep === -1 ? value : value.slice(0, keep);
  }

  /** Handles `\x` or `\XX` at this.pos. */
  private escape(out: ValueBuilder): void {
    const at = this.pos;
    const next = this.s[at + 1];
    if (next === undefined) this.fail('trailing backslash', at);
    const pair = this.s.slice(at + 1, at + 3);
    if (HEX_PAIR.test(pair)) {
      out.byte(parseInt(pair, 16), at);
      this.pos = at + 3;
    } else if (ESCAPABLE.has(next)) {
      out.text(next);
      this.pos = at + 2;
    } else {
      this.fail(`invalid escape '\\${pair}'`, at);
    }
  }
}

/** Collects value text; runs of hex-escaped bytes are decoded together as UTF-8. */
class ValueBuilder {
  private text_ = '';
  private bytes: number[] = [];
  private bytesAt = 0;

  byte(b: number, at: number): void {
    if (this.bytes.length === 0) this.bytesAt = at;
    this.bytes.push(b);
  }

  text(t: string): void {
    this.flush();
    this.text_ += t;
  }

  length(): number {
    this.flush();
    return this.text_.length;
  }

  done(): string {
    this.flush();
    return this.text_;
  }

  private flush(): void {
    if (this.bytes.length === 0) return;
    try {
      this.text_ += utf8.decode(Uint8Array.from(this.bytes));
    } catch {
      throw new DnSyntaxError(`invalid UTF-8 in hex escapes at position ${this.bytesAt}`);
    }
    this.bytes = [];
  }
}

/** RFC 4514 escaping of one attribute value (non-ASCII is left as it is). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\0') out += '\\00';
    else if (ESCAPED.has(c)) out += '\\' + c;
    else if ((i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ')) out += '\\' + c;
    else out += c;
  }
  return out;
}

/** Hex-string values stay as they are; everything else is escaped. */
function formatValue(value: string): string {
  return HEX_STRING.test(value) ? value : escapeDnValue(value);
}

/** Formats parsed RDNs back to a string (types and values keep their case). */
export function formatDn(rdns: Rdn[]): string {
  return rdns.map((rdn) => rdn.map((ava) => `${ava.type}=${formatValue(ava.value)}`).join('+')).join(',');
}

/** Common OIDs and long names mapped to the short names, so `2.5.4.3=x` equals `cn=x`. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'cn',
  commonname: 'cn',
  '2.5.4.4': 'sn',
  surname: 'sn',
  '2.5.4.6': 'c',
  countryname: 'c',
  '2.5.4.7': 'l',
  localityname: 'l',
  '2.5.4.8': 'st',
  stateorprovincename: 'st',
  '2.5.4.9': 'street',
  streetaddress: 'street',
  '2.5.4.10': 'o',
  organizationname: 'o',
  '2.5.4.11': 'ou',
  organizationalunitname: 'ou',
  '0.9.2342.19200300.100.1.1': 'uid',
  userid: 'uid',
  '0.9.2342.19200300.100.1.25': 'dc',
  domaincomponent: 'dc',
};

function normalizeType(type: string): string {
  const t = type.toLowerCase();
  return TYPE_ALIASES[t] ?? t;
}

/**
 * Directory matching (RFC 4518 caseIgnoreMatch) ignores case, leading/trailing spaces and
 * repeated inner spaces; the canonical value does the same.
 */
function normalizeValue(value: string): string {
  if (HEX_STRING.test(value)) return value.toLowerCase();
  const folded = value.normalize('NFC').toLowerCase().normalize('NFC');
  return escapeDnValue(folded.replace(/ {2,}/g, ' ').replace(/^ | $/g, ''));
}

/** Canonical spelling of a DN; throws DnSyntaxError when it does not parse. */
export function normalizeDn(dn: string): string {
  const known = normalized.get(dn);
  if (known !== undefined) return known;
  const result = parseDn(dn)
    .map((rdn) =>
      rdn
        .map((ava) => `${normalizeType(ava.type)}=${normalizeValue(ava.value)}`)
        .sort()
        .join('+'),
    )
    .join(',');
  // Group DNs repeat across logins; a bounded memo saves re-parsing them on every login.
  if (normalized.size >= NORMALIZED_CACHE_SIZE) normalized.clear();
  normalized.set(dn, result);
  return result;
}

const NORMALIZED_CACHE_SIZE = 10_000;
const normalized = new Map<string, string>();

/** The comparison key used when a DN does not parse (semantics: never throw). */
export function fallbackDnKey(dn: string): string {
  return dn.trim().toLowerCase();
}

/** A key that is equal for equal DNs (dnEquals' rule), for de-duplication; never throws. */
export function dnKey(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch {
    return fallbackDnKey(dn);
  }
}

/** Equal by meaning (semantics.md section 5). Never throws. */
export function dnEquals(a: string, b: string): boolean {
  try {
    return normalizeDn(a) === normalizeDn(b);
  } catch {
    return fallbackDnKey(a) === fallbackDnKey(b);
  }
}
