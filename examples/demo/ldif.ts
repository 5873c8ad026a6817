// A tiny LDIF reader (RFC 2849 content records): `dn:` plus attributes, base64 values (`::`),
// folded continuation lines and comments. Enough for the demo directory; change records and
// URL values (`:<`) are refused with a message naming the line.

export interface LdifRecord {
  /** The DN as written in the file. */
  dn: string;
  /** Attribute values by attribute name, in the spelling and order of the file. */
  attributes: Record<string, string[]>;
}

export function parseLdif(text: string): LdifRecord[] {
  const records: LdifRecord[] = [];
  let current: LdifRecord | null = null;

  for (const { line, number } of unfold(text)) {
    if (line === '') {
      current = null;
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9;.-]*):(:|<)?[ ]*(.*)$/.exec(line);
    if (!m) throw new Error(`LDIF line ${number}: expected "name: value", got ${JSON.stringify(line)}`);
    const [, name, kind, raw] = m;
    if (kind === '<') throw new Error(`LDIF line ${number}: URL values (${name}:<) are not supported`);
    const value = kind === ':' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    const lower = name.toLowerCase();

    if (current === null) {
      if (lower === 'version') continue;
      if (lower !== 'dn') throw new Error(`LDIF line ${number}: a record must start with "dn:", got "${name}:"`);
      current = { dn: value, attributes: {} };
      records.push(current);
      continue;
    }
    if (lower === 'dn') throw new Error(`LDIF line ${number}: "dn:" inside a record; separate records with a blank line`);
    if (lower === 'changetype') {
      if (value.toLowerCase() === 'add') continue;
      throw new Error(`LDIF line ${number}: changetype ${value} is not supported (content records only)`);
    }
    const key = Object.keys(current.attributes).find((k) => k.toLowerCase() === lower) ?? name;
    (current.attributes[key] ??= []).push(value);
  }
  return records;
}

/** Joins folded lines (a line starting with one space continues the previous one) and drops comments. */
function* unfold(text: string): Generator<{ line: string; number: number }> {
  const lines = text.split(/\r?\n/);
  let pending: { line: string; number: number } | null = null;
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith(' ')) {
      // A continuation of a comment is part of the comment.
      if (inComment) continue;
      if (pending === null) throw new Error(`LDIF line ${i + 1}: continuation line without a line to continue`);
      pending.line += line.slice(1);
      continue;
    }
    if (pending !== null) yield pending;
    pending = null;
    inComment = line.startsWith('#');
    if (inComment) continue;
    pending = { line: line.trimEnd() === '' ? '' : line, number: i + 1 };
  }
  if (pending !== null) yield pending;
}
