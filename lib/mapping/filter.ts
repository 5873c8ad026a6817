// RFC 4515 search filter validation, so a bad configured filter is reported at start-up
// (naming its variable) instead of failing on the first login.

import { FilterSyntaxError, parseFilter } from './filterParser';

const PLACEHOLDER = '%(user)s';
/** Same length as the placeholder, so positions in messages match what the operator wrote. */
const PLACEHOLDER_FILL = 'x'.repeat(PLACEHOLDER.length);


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
  if (!s.startsWith('(')) return 'filter must be enclosed in parentheses, e.g. (objectClass=*)';
  try {
    parseFilter(s);
    return null;
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e.message;
    throw e;
  }
}
