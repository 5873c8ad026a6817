// RFC 4515 search filter validation, so a bad configured filter is reported at start-up
// (naming its variable) instead of failing on the first login.

const PLACEHOLDER = '%(user)s';
/** Same length as the placeholder, so positions in messages match what the operator wrote. */
const PLACEHOLDER_FILL = 'x'.repeat(PLACEHOLDER.length);

const DESCR = '[A-Za-z][A-Za-z0-9-]*';
const NUMERIC_OID = '[0-9]+(?:\\.[0-9]+)+';
const OID = new RegExp(`^(?:${DESCR}|${NUMERIC_OID})$`);
/** attributedescription: a type plus `;option`s (`cn;lang-en`). */
const ATTRIBUTE = new RegExp(`^(?:${DESCR}|${NUMERIC_OID})(?:;[A-Za-z0-9-]+)*$`);

/** Trims, and wraps a bare item such as `objectClass=group` in parentheses. */
export function normalizeFilter(filter: string): string {
  const t = filter.trim();
  return t === '' || t.startsWith('(') ? t : `(${t})`;
}

/** null when `filter` is a valid RFC 4515 filter, else a short description of the problem. */
export function filterProblem(filter: string): string | null {
  if (filter.trim() === '') return 'empty filter';
  const s = filter.split(PLACEHOLDER).join(PLACEHOLDER_FILL);
  if (s !== s.trim()) return 'leading or trailing whitespace';
  if (!balanced(s)) return 'unbalanced parentheses';
  if (!s.startsWith('(')) return 'filter must be enclosed in parentheses, e.g. (objectClass=*)';
  try {
    const end = parseFilter(s, 0);
    if (end !== s.length) fail('unexpected text after the filter', end);
    return null;
  } catch (e) {
    if (e instanceof FilterProblem) return e.message;
    throw e;
  }
}

class FilterProblem extends Error {}

function fail(what: string, at: number): never {
  throw new FilterProblem(`${what} at position ${at}`);
}

/** Raw parentheses are always structural: inside values they must be escaped as \28 \29. */
function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Parses `(...)` starting at `pos`; returns the position after its `)`. */
function parseFilter(s: string, pos: number): number {
  if (s[pos] !== '(') fail(`expected '(' but found '${s[pos] ?? 'end of filter'}'`, pos);
  const c = s[pos + 1];
  if (c === '&' || c === '|') {
    let p = pos + 2;
    // RFC 4526 empty lists are legal but ldapjs cannot send `(|)`, and neither is useful here.
    if (s[p] === ')') fail(`empty '${c}' list`, p);
    while (s[p] === '(') p = parseFilter(s, p);
    return expectClose(s, p);
  }
  if (c === '!') return expectClose(s, parseFilter(s, pos + 2));
  if (c === ')') fail('empty filter component', pos);
  const end = s.indexOf(')', pos + 1);
  parseItem(s.slice(pos + 1, end), pos + 1);
  return end + 1;
}

function expectClose(s: string, p: number): number {
  if (s[p] !== ')') fail(`expected ')' but found '${s[p] ?? 'end of filter'}'`, p);
  return p + 1;
}

/** An item without its parentheses; `off` is its position in the whole filter. */
function parseItem(item: string, off: number): void {
  const attr = /^[A-Za-z0-9.;-]*/.exec(item)?.[0] ?? '';
  let p = attr.length;
  if (attr !== '' && !ATTRIBUTE.test(attr)) fail(`invalid attribute description '${attr}'`, off);
  if (item[p] === ':') return parseExtensible(item, attr, p, off);
  if (attr === '') fail(item[p] === '=' ? 'missing attribute description' : `unexpected character '${item[p]}'`, off);
  if (item[p] === '=') return checkValue(item.slice(p + 1), off + p + 1, true);
  if ((item[p] === '~' || item[p] === '>' || item[p] === '<') && item[p + 1] === '=') {
    return checkValue(item.slice(p + 2), off + p + 2, false);
  }
  p = Math.min(p, item.length);
  fail(p === item.length ? `missing '=' after '${attr}'` : `unexpected character '${item[p]}'`, off + p);
}

/** `attr[:dn][:rule]:=value` or `[:dn]:rule:=value`. */
function parseExtensible(item: string, attr: string, p: number, off: number): void {
  if (/^:dn:/i.test(item.slice(p))) p += 3;
  let rule = '';
  if (!item.startsWith(':=', p)) {
    const m = /^:([A-Za-z0-9.-]*)/.exec(item.slice(p));
    rule = m?.[1] ?? '';
    if (!OID.test(rule)) fail(`invalid matching rule '${rule}'`, off + p + 1);
    p += 1 + rule.length;
    if (!item.startsWith(':=', p)) fail(`missing ':=' in extensible match`, off + p);
  }
  if (attr === '' && rule === '') fail('extensible match needs an attribute or a matching rule', off);
  checkValue(item.slice(p + 2), off + p + 2, false);
}

/** Assertion value: `\XX` escapes only; `*` only where substrings are allowed. */
function checkValue(value: string, off: number, starAllowed: boolean): void {
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const hex = value.slice(i + 1, i + 3);
      if (hex.length < 2) fail(`incomplete escape \\${hex}`, off + i);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(`invalid escape \\${hex}`, off + i);
      i += 2;
    } else if (c === '(' || c === '\0' || (c === '*' && !starAllowed)) {
      fail(`unescaped ${c === '\0' ? 'NUL' : `'${c}'`} in value`, off + i);
    }
  }
}
