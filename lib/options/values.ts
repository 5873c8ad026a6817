// Small pure helpers for reading environment values. No I/O.
import { parseDn } from '../mapping/dn';

export type Env = Record<string, string | undefined>;

/** Removes one pair of matching surrounding quotes (`"..."` or `'...'`), if there is one. */
export function stripQuotes(value: string): { value: string; quoted: boolean } {
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value[value.length - 1] === first) {
      return { value: value.slice(1, -1), quoted: true };
    }
  }
  return { value, quoted: false };
}

/**
 * An environment value as the configuration sees it: trimmed, one pair of surrounding quotes
 * removed (people copy `VAR="value"` from .env files), trimmed again. Empty means unset (null).
 */
export function cleanValue(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const v = stripQuotes(raw.trim()).value.trim();
  return v === '' ? null : v;
}

/**
 * Like cleanValue, for secrets: the outside is trimmed and one pair of quotes removed, but the
 * text inside quotes is kept exactly (a password may start or end with a space).
 */
export function cleanSecret(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const { value, quoted } = stripQuotes(raw.trim());
  if (!quoted) return value === '' ? null : value;
  return value.trim() === '' ? null : value;
}

export const TRUE_WORDS: readonly string[] = ['1', 'true', 'yes', 'on'];
export const FALSE_WORDS: readonly string[] = ['0', 'false', 'no', 'off'];

/** true / false for the accepted words (any case), null for anything else. */
export function parseBoolWord(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(v)) return true;
  if (FALSE_WORDS.includes(v)) return false;
  return null;
}

/**
 * Splits on `sep` except where the separator is escaped with a backslash (a DN value may hold
 * `\;`). Items are trimmed; blank items are dropped.
 */
export function splitList(value: string, sep = ';'): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === sep) {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

const DESCR = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERIC_OID = /^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+$/;

/** An LDAP attribute description without options: a descriptor (`cn`, `sAMAccountName`) or an OID. */
export function isAttributeName(value: string): boolean {
  return DESCR.test(value) || NUMERIC_OID.test(value);
}

/** Why a DN does not parse, or null when it does. The empty string (root DN) is refused here. */
export function dnProblem(dn: string): string | null {
  if (dn.trim() === '') return 'empty DN';
  try {
    parseDn(dn);
    return null;
  } catch (err) {
    return errorText(err);
  }
}

/** The message of a thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A short, secret-free description of why a file could not be read. */
export function fileErrorText(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'is not a folder';
    default:
      return typeof code === 'string' ? `${code}: ${errorText(err)}` : errorText(err);
  }
}

/** JSON.stringify for quoting a value inside a message. */
export function q(value: string): string {
  return JSON.stringify(value);
}
