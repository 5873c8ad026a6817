// DN comparison for the embedded directory, independent of the library's own DN code so the
// demo server does not share its assumptions: attribute types and values compare
// case-insensitively, spaces around `,` `=` `+` do not count, `\2C` equals `\,`, and the AVAs of a
// multi-valued RDN compare in any order.

/** One RDN as sorted `type=value` pairs, both lower-cased, values unescaped. */
type Rdn = string[];

/** Splits a DN into RDNs; throws on text that is not a DN. */
export function parseDnText(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  let avas: string[] = [];
  let type = '';
  let value: number[] = [];
  let inValue = false;
  let trailingSpaces = 0; // unescaped spaces at the end of the value, dropped at the end

  const pushAva = (): void => {
    const t = type.trim().toLowerCase();
    if (!inValue || t === '') throw new Error(`not a DN: ${JSON.stringify(dn)}`);
    const bytes = value.slice(0, value.length - trailingSpaces);
    avas.push(`${t}=${escapeValue(Buffer.from(bytes).toString('utf8').toLowerCase())}`);
    type = '';
    value = [];
    inValue = false;
    trailingSpaces = 0;
  };

  const text = dn.trim();
  if (text === '') return [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inValue) {
      if (c === '=') {
        inValue = true;
        // Spaces after `=` are not part of the value.
        while (text[i + 1] === ' ') i++;
      } else if (c === ',' || c === '+') {
        throw new Error(`not a DN: ${JSON.stringify(dn)}`);
      } else type += c;
      continue;
    }
    if (c === '\\') {
      const hex = text.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        value.push(parseInt(hex, 16));
        i += 2;
      } else if (i + 1 < text.length) {
        value.push(...Buffer.from(text[i + 1], 'utf8'));
        i += 1;
      } else throw new Error(`not a DN: ${JSON.stringify(dn)}`);
      trailingSpaces = 0;
    } else if (c === ',' || c === '+') {
      pushAva();
      if (c === ',') {
        rdns.push(avas.sort());
        avas = [];
      }
      while (text[i + 1] === ' ') i++;
    } else {
      value.push(...Buffer.from(c, 'utf8'));
      trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
    }
  }
  pushAva();
  rdns.push(avas.sort());
  return rdns;
}

function escapeValue(value: string): string {
  return value.replace(/[\\,+="<>;#\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A comparison key: equal keys mean the same DN. Text that is no DN keys as itself, lower-cased. */
export function dnKey(dn: string): string {
  try {
    return parseDnText(dn)
      .map((avas) => avas.join('+'))
      .join(',');
  } catch {
    return dn.trim().toLowerCase();
  }
}

/** Key of the parent entry ('' for a top-level entry). */
export function parentKey(key: string): string {
  const i = key.indexOf(',');
  return i < 0 ? '' : key.slice(i + 1);
}

/** True when `key` is `baseKey` or below it. */
export function isWithin(key: string, baseKey: string): boolean {
  return baseKey === '' || key === baseKey || key.endsWith(`,${baseKey}`);
}
