// An in-process LDAP directory for the demo: an ldapjs 3 server, read-only, seeded from LDIF.
// It answers what the strategy sends: simple bind (clear-text userPassword), search with scopes
// base / one / sub, the filters of the user and group searches, attribute selection, the size
// limit and the paged results control. Listens on 127.0.0.1, port 0 (a free port) by default.
import * as fs from 'fs';
import type { Server as NetServer, Socket } from 'net';
import * as path from 'path';
import { dnKey, isWithin, parentKey } from './dn';
import { parseLdif } from './ldif';

export const DEFAULT_LDIF = path.join(__dirname, 'directory.ldif');

export interface DirectoryOptions {
  /** LDIF text; default: the contents of `ldifPath`. */
  ldif?: string;
  /** Default examples/demo/directory.ldif. */
  ldifPath?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface EmbeddedDirectory {
  /** `ldap://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops every client connection (an outage, as clients see it). Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The part of the ldapjs 3 server API used here. @types/ldapjs describes ldapjs 2, so, like lib/,
// we declare what we use.

interface LdapDnObject {
  toString(): string;
}

interface LdapFilterObject {
  readonly type: string;
  matches(entry: Record<string, string[]>, strictAttrCase?: boolean): boolean;
  // Members of the concrete filter types (@ldapjs/filter), read according to `type`.
  readonly filters?: LdapFilterObject[];
  readonly filter?: LdapFilterObject;
  readonly attribute?: string;
  readonly value?: string;
  readonly initial?: string;
  readonly any?: string[];
  readonly final?: string;
  readonly matchingRule?: string;
  readonly matchType?: string;
}

interface LdapControl {
  readonly type: string;
  readonly value?: { size?: number; cookie?: Buffer };
}

interface BindRequest {
  readonly dn: LdapDnObject;
  readonly credentials: string;
  readonly authentication?: string;
}

interface SearchRequest {
  readonly baseObject: LdapDnObject;
  readonly scopeName: 'base' | 'single' | 'subtree';
  readonly filter: LdapFilterObject;
  readonly attributes: string[];
  readonly sizeLimit: number;
  readonly typesOnly: boolean;
  readonly controls: LdapControl[];
}

interface LdapAttribute {
  readonly type: string;
}

interface SearchResultEntry {
  readonly objectName: unknown;
}

interface Response {
  end(status?: number): void;
}

interface SearchResponse extends Response {
  send(entry: SearchResultEntry): void;
  createSearchEntry(object: { objectName: string; attributes: LdapAttribute[] }): SearchResultEntry;
  addControl(control: LdapControl): void;
  errorMessage: string;
}

type Next = (err?: Error) => void;

interface LdapServer {
  readonly server: NetServer;
  bind(name: string, handler: (req: BindRequest, res: Response, next: Next) => void): void;
  search(name: string, handler: (req: SearchRequest, res: SearchResponse, next: Next) => void): void;
  on(event: 'error' | 'clientError', listener: (err: Error) => void): void;
  once(event: 'error', listener: (err: Error) => void): void;
  removeListener(event: 'error', listener: (err: Error) => void): void;
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number } | string | null;
}

type LdapErrorClass = new (message?: string) => Error;

interface LdapjsServerModule {
  createServer(): LdapServer;
  Attribute: new (options: { type: string; values: string[] }) => LdapAttribute;
  PagedResultsControl: { OID: string; new (options: { value: { size: number; cookie: Buffer } }): LdapControl };
  InvalidCredentialsError: LdapErrorClass;
  NoSuchObjectError: LdapErrorClass;
  AuthMethodNotSupportedError: LdapErrorClass;
  LDAP_SIZE_LIMIT_EXCEEDED: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ldap = require('ldapjs') as LdapjsServerModule;

// ---------------------------------------------------------------------------------------------

interface StoredEntry {
  dn: string;
  key: string;
  /** Attribute name (as written) and values, by lower-cased attribute name. */
  attributes: Map<string, { name: string; values: string[] }>;
}

/** Attributes whose values are DNs: equality compares them as DNs, not as text. */
const DN_ATTRIBUTES = new Set(['member', 'uniquemember', 'roleoccupant', 'owner', 'manager', 'seealso', 'memberof']);
/** Never returned by a search (a real server would restrict it by ACL). */
const HIDDEN_ATTRIBUTES = new Set(['userpassword']);
/** LDAP_MATCHING_RULE_IN_CHAIN (Active Directory's nested membership). */
const IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

export async function startEmbeddedDirectory(options: DirectoryOptions = {}): Promise<EmbeddedDirectory> {
  const text = options.ldif ?? fs.readFileSync(options.ldifPath ?? DEFAULT_LDIF, 'utf8');
  const store = new Store(text);
  const server = ldap.createServer();

  // The server emits 'error' for requests it cannot parse (e.g. SASL binds); log, never crash.
  server.on('error', (err) => process.stderr.write(`[embedded directory] ${err.message}\n`));
  server.on('clientError', () => undefined);

  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.bind('', (req, res, next) => {
    if (req.authentication !== undefined && req.authentication !== 'simple') {
      return next(new ldap.AuthMethodNotSupportedError('Only simple binds are supported'));
    }
    // An empty password would be an unauthenticated bind (RFC 4513 5.1.2): refuse it.
    const entry = store.get(req.dn.toString());
    const passwords = entry?.attributes.get('userpassword')?.values ?? [];
    if (req.credentials === '' || !passwords.includes(req.credentials)) {
      return next(new ldap.InvalidCredentialsError());
    }
    res.end();
    return next();
  });

  server.search('', (req, res, next) => {
    try {
      const base = req.baseObject.toString();
      const baseEntry = store.get(base);
      if (!baseEntry) {
        if (dnKey(base) === '' && req.scopeName === 'base') {
          res.send(res.createSearchEntry({ objectName: '', attributes: store.rootDse() }));
          res.end();
          return next();
        }
        return next(new ldap.NoSuchObjectError(base));
      }
      const found = store.search(baseEntry.key, req.scopeName, req.filter);
      const paging = req.controls.find((c) => c.type === ldap.PagedResultsControl.OID);
      let page = found;
      let status = 0;
      if (paging) {
        // Stateless paging: the cookie is the offset of the next page (the data never changes).
        const cookie = paging.value?.cookie ?? Buffer.alloc(0);
        const offset = cookie.length > 0 ? Number(cookie.toString('utf8')) || 0 : 0;
        const size = paging.value?.size ?? 0;
        page = size > 0 ? found.slice(offset, offset + size) : [];
        const next = offset + page.length;
        const more = size > 0 && next < found.length;
        res.addControl(
          new ldap.PagedResultsControl({ value: { size: 0, cookie: Buffer.from(more ? String(next) : '') } }),
        );
      } else if (req.sizeLimit > 0 && found.length > req.sizeLimit) {
        page = found.slice(0, req.sizeLimit);
        status = ldap.LDAP_SIZE_LIMIT_EXCEEDED;
      }
      for (const entry of page) {
        res.send(
          res.createSearchEntry({ objectName: entry.dn, attributes: selectAttributes(entry, req.attributes, req.typesOnly) }),
        );
      }
      res.end(status);
      return next();
    } catch (err) {
      return next(err instanceof Error ? err : new Error(String(err)));
    }
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;

  let closing: Promise<void> | null = null;
  return {
    url: `ldap://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function selectAttributes(entry: StoredEntry, requested: string[], typesOnly: boolean): LdapAttribute[] {
  const wanted = requested.map((a) => a.toLowerCase());
  // RFC 4511: no list or `*` means all user attributes; `1.1` alone means none.
  const all = wanted.length === 0 || wanted.includes('*');
  const out: LdapAttribute[] = [];
  for (const [lower, { name, values }] of entry.attributes) {
    if (HIDDEN_ATTRIBUTES.has(lower)) continue;
    if (!all && !wanted.includes(lower)) continue;
    out.push(new ldap.Attribute({ type: name, values: typesOnly ? [] : values }));
  }
  return out;
}

class Store {
  private readonly entries: StoredEntry[] = [];
  private readonly byKey = new Map<string, StoredEntry>();

  constructor(ldif: string) {
    for (const record of parseLdif(ldif)) {
      const key = dnKey(record.dn);
      if (this.byKey.has(key)) throw new Error(`LDIF: duplicate entry ${record.dn}`);
      const attributes = new Map<string, { name: string; values: string[] }>();
      for (const [name, values] of Object.entries(record.attributes)) attributes.set(name.toLowerCase(), { name, values });
      const entry: StoredEntry = { dn: record.dn, key, attributes };
      this.entries.push(entry);
      this.byKey.set(key, entry);
    }
  }

  get(dn: string): StoredEntry | undefined {
    return this.byKey.get(dnKey(dn));
  }

  search(baseKey: string, scope: SearchRequest['scopeName'], filter: LdapFilterObject): StoredEntry[] {
    const inScope = (e: StoredEntry): boolean =>
      scope === 'base' ? e.key === baseKey : scope === 'single' ? parentKey(e.key) === baseKey : isWithin(e.key, baseKey);
    return this.entries.filter((e) => inScope(e) && this.matches(filter, e));
  }

  rootDse(): LdapAttribute[] {
    const suffixes = this.entries.filter((e) => !this.byKey.has(parentKey(e.key))).map((e) => e.dn);
    return [
      new ldap.Attribute({ type: 'objectClass', values: ['top'] }),
      new ldap.Attribute({ type: 'namingContexts', values: suffixes }),
      new ldap.Attribute({ type: 'supportedLDAPVersion', values: ['3'] }),
      new ldap.Attribute({ type: 'supportedControl', values: [ldap.PagedResultsControl.OID] }),
    ];
  }

  /**
   * Filter evaluation. `filter.matches()` of @ldapjs/filter compares values case-sensitively and
   * DNs as plain text; directories compare mail, uid, cn... case-insensitively and DNs by
   * meaning, so the common filter types are evaluated here and only the rest is handed to it.
   */
  private matches(filter: LdapFilterObject, entry: StoredEntry): boolean {
    const values = (attr: string | undefined): string[] => {
      const lower = (attr ?? '').toLowerCase();
      if (HIDDEN_ATTRIBUTES.has(lower)) return [];
      return entry.attributes.get(lower)?.values ?? [];
    };
    const equal = (attr: string | undefined, value: string | undefined): boolean => {
      if (value === undefined) return false;
      const isDn = DN_ATTRIBUTES.has((attr ?? '').toLowerCase());
      const want = isDn ? dnKey(value) : fold(value);
      return values(attr).some((v) => (isDn ? dnKey(v) : fold(v)) === want);
    };
    switch (filter.type) {
      case 'AndFilter':
        return (filter.filters ?? []).every((f) => this.matches(f, entry));
      case 'OrFilter':
        return (filter.filters ?? []).some((f) => this.matches(f, entry));
      case 'NotFilter':
        return filter.filter !== undefined && !this.matches(filter.filter, entry);
      case 'PresenceFilter':
        return values(filter.attribute).length > 0;
      case 'EqualityFilter':
      case 'ApproximateFilter':
        return equal(filter.attribute, filter.value);
      case 'SubstringFilter': {
        const pattern = [filter.initial ?? '', ...(filter.any ?? []), filter.final ?? ''].map(escapeRegExp).join('.*');
        const re = new RegExp(`^${pattern}$`, 'su');
        return values(filter.attribute).some((v) => re.test(fold(v)) || re.test(v));
      }
      case 'ExtensibleFilter':
        if (filter.matchingRule === IN_CHAIN_RULE && filter.value !== undefined) {
          return this.inChain(entry, (filter.matchType ?? 'member').toLowerCase(), dnKey(filter.value), new Set());
        }
        return equal(filter.matchType, filter.value);
      default:
        return filter.matches(plainAttributes(entry), false);
    }
  }

  /** Nested membership: `target` is a member of `group`, directly or through member groups. */
  private inChain(group: StoredEntry, attr: string, target: string, seen: Set<string>): boolean {
    if (seen.has(group.key)) return false;
    seen.add(group.key);
    for (const member of group.attributes.get(attr)?.values ?? []) {
      const key = dnKey(member);
      if (key === target) return true;
      const nested = this.byKey.get(key);
      if (nested && this.inChain(nested, attr, target, seen)) return true;
    }
    return false;
  }
}

function plainAttributes(entry: StoredEntry): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [lower, { values }] of entry.attributes) if (!HIDDEN_ATTRIBUTES.has(lower)) out[lower] = values;
  return out;
}

/** Case-insensitive, space-insensitive comparison form (caseIgnoreMatch with insignificant spaces). */
function fold(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function escapeRegExp(text: string): string {
  return fold(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
