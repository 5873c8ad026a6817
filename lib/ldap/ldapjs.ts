// The one place that loads ldapjs. @types/ldapjs describes 2.x, so we declare the small part of
// the 3.x API we use ourselves and keep every other module free of ldapjs types.
import type { EventEmitter } from 'events';
import type { ConnectionOptions as TlsConnectionOptions } from 'tls';

export interface LdapjsFilter {
  toString(): string;
}

export interface LdapjsSearchEntry {
  objectName: string | null;
  pojo: { objectName: string; attributes: Array<{ type: string; values: string[] }> };
}

export interface LdapjsResult {
  status: number;
  errorMessage?: string;
  controls?: unknown[];
}

export interface LdapjsSearchResponse extends EventEmitter {
  on(event: 'searchEntry', l: (entry: LdapjsSearchEntry) => void): this;
  on(event: 'searchReference', l: (ref: unknown) => void): this;
  on(event: 'error', l: (err: LdapjsError) => void): this;
  on(event: 'end', l: (result: LdapjsResult | null) => void): this;
  on(event: 'page', l: (result: LdapjsResult | null) => void): this;
  on(event: 'pageError', l: (err: Error) => void): this;
}

export interface LdapjsError extends Error {
  code?: number | string;
  lde_message?: string;
}

export interface LdapjsSearchOptions {
  scope: 'base' | 'one' | 'sub';
  filter: LdapjsFilter;
  attributes?: string[];
  sizeLimit?: number;
  timeLimit?: number;
  paged?: boolean | { pageSize?: number; pagePause?: boolean };
}

export interface LdapjsClient extends EventEmitter {
  connected: boolean;
  bind(dn: string, password: string, cb: (err: LdapjsError | null) => void): void;
  search(
    base: string | object,
    options: LdapjsSearchOptions,
    cb: (err: LdapjsError | null, res: LdapjsSearchResponse) => void,
  ): void;
  starttls(options: TlsConnectionOptions, controls: unknown[], cb: (err: LdapjsError | null) => void): void;
  unbind(cb?: (err?: unknown) => void): void;
  destroy(err?: unknown): void;
}

export interface LdapjsClientOptions {
  url: string;
  tlsOptions?: TlsConnectionOptions;
  connectTimeout?: number;
  timeout?: number;
  strictDN?: boolean;
}

interface FilterCtor<A> {
  new (args: A): LdapjsFilter;
}

export interface LdapjsModule {
  createClient(options: LdapjsClientOptions): LdapjsClient;
  filters: {
    AndFilter: FilterCtor<{ filters: LdapjsFilter[] }>;
    OrFilter: FilterCtor<{ filters: LdapjsFilter[] }>;
    NotFilter: FilterCtor<{ filter: LdapjsFilter }>;
    PresenceFilter: FilterCtor<{ attribute: string }>;
    EqualityFilter: FilterCtor<{ attribute: string; raw: Buffer }>;
    ApproximateFilter: FilterCtor<{ attribute: string; value: string }>;
    GreaterThanEqualsFilter: FilterCtor<{ attribute: string; value: string }>;
    LessThanEqualsFilter: FilterCtor<{ attribute: string; value: string }>;
    SubstringFilter: FilterCtor<{ attribute: string; initial?: string; any: string[]; final?: string }>;
    ExtensibleFilter: FilterCtor<{ matchType?: string; rule?: string; dnAttributes: boolean; value: string }>;
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ldapjs = require('ldapjs') as LdapjsModule;

// ldapjs 3 re-parses every entry DN with @ldapjs/dn, which corrupts or rejects valid DNs
// (`uid=a\+b\=c` becomes `uid=a\0b=c`, `\5c` becomes a lone backslash, and a parse failure kills
// the connection). We keep the server's own spelling beside the parsed form and never let a DN
// the parser dislikes break the search.
const rawEntryNames = new WeakMap<object, string>();
(function keepRawEntryNames(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SearchResultEntry } = require('@ldapjs/messages') as { SearchResultEntry: { prototype: object } };
  const desc = Object.getOwnPropertyDescriptor(SearchResultEntry.prototype, 'objectName');
  if (!desc || !desc.set || !desc.get || (desc.set as { rawKept?: boolean }).rawKept) return;
  const originalSet = desc.set;
  const set = function (this: object, value: unknown): void {
    if (typeof value === 'string') rawEntryNames.set(this, value);
    try {
      originalSet.call(this, value);
    } catch {
      originalSet.call(this, '');
    }
  };
  (set as { rawKept?: boolean }).rawKept = true;
  Object.defineProperty(SearchResultEntry.prototype, 'objectName', { ...desc, set });
})();

// ldapjs 3.0.7 builds result errors from `res.errorMessage`, which @ldapjs/messages 1.x renamed
// `diagnosticMessage`, so the server's diagnostic (AD's `data 775`, slapd's reasons) is lost.
// The client looks getError up on the module at call time, so wrapping it restores the text.
(function keepDiagnosticMessages(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const errors = require('ldapjs/lib/errors') as {
    getError: ((res: { diagnosticMessage?: string; errorMessage?: string }) => LdapjsError) & { diagnosticKept?: boolean };
  };
  if (errors.getError.diagnosticKept) return;
  const original = errors.getError;
  const getError = (res: { diagnosticMessage?: string; errorMessage?: string }): LdapjsError => {
    const err = original(res);
    const diagnostic = res.diagnosticMessage;
    if (diagnostic && !res.errorMessage) err.lde_message = diagnostic;
    return err;
  };
  errors.getError = Object.assign(getError, { diagnosticKept: true });
})();

/** The entry DN exactly as the server sent it. */
export function rawEntryDn(entry: LdapjsSearchEntry): string {
  return rawEntryNames.get(entry) ?? String(entry.objectName ?? '');
}

/**
 * A DN that ldapjs sends as-is. Passing a string makes ldapjs re-serialise it through its DN
 * parser, which mangles escapes; an object tagged LdapDn is written with toString() unchanged.
 */
export class RawDn {
  constructor(private readonly dn: string) {}
  get [Symbol.toStringTag](): string {
    return 'LdapDn';
  }
  toString(): string {
    return this.dn;
  }
}
