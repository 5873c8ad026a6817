// Escaping of untrusted values (the login name) before they go into a DN or a search filter.

export { escapeDnValue } from './dn';

const FILTER_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\5c',
  '*': '\\2a',
  '(': '\\28',
  ')': '\\29',
  '\0': '\\00',
};

/**
 * RFC 4515 escaping of one assertion value. A single pass over the input is the same as
 * escaping `\` first: no escape we emit is ever escaped again. Non-ASCII stays UTF-8 text.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => FILTER_ESCAPES[c]);
}

const PLACEHOLDER = '%(user)s';

/**
 * Replaces every `%(user)s` with `escape(value)`. split/join, so `$&` or `$1` in the value are
 * never read as replacement patterns.
 */
export function fillTemplate(template: string, value: string, escape: (v: string) => string): string {
  return template.split(PLACEHOLDER).join(escape(value));
}
