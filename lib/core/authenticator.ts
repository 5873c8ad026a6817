// The framework-neutral core: username + password in, AuthResult out (semantics.md section 2).
// Resolves to a failure for anything the user did; rejects only when the directory could not be used.
import { LdapInfrastructureError } from '../errors';
import { BindPool, LdapResultError, ServiceConnection, type ConnectSettings, type Entry, type LdapConnection } from '../ldap';
import { dnKey } from '../mapping/dn';
import { escapeDnValue, escapeFilterValue, fillTemplate } from '../mapping/escape';
import { parseFilter } from '../mapping/filterParser';
import { compileMapping, type GroupMatcher } from '../mapping/matcher';
import type { AuthFailure, AuthResult, LdapOptions, LdapUser, Logger } from '../types';
import { bindFailure } from './adCodes';
import { checkCredentials, INVALID_CREDENTIALS } from './credentials';
import { findGroups, groupAttributesOf } from './groups';
import { defaultLogger } from './logger';

export interface AuthenticatorSettings {
  logger?: Logger;
  /** Most connections used for user binds at once (default 10); the service connection is extra. */
  maxConnections?: number;
}

/** LDAP result codes that mean the search base is not on this server. */
const MISSING_BASE = new Set([32, 10]);
const ANY_ENTRY = parseFilter('(objectClass=*)');
/** A search base that does not exist: no entries, remembered so "every base missing" is noticed. */
const MISSING: readonly Entry[] = Object.freeze([]);

export class LdapAuthenticator {
  readonly options: LdapOptions;
  private readonly logger: Logger;
  private readonly service: ServiceConnection;
  private readonly pool: BindPool;
  private readonly matcher: GroupMatcher;
  private readonly userAttributes: string[];

  constructor(options: LdapOptions, settings: AuthenticatorSettings = {}) {
    this.options = options;
    this.logger = settings.logger ?? defaultLogger;
    const connect: ConnectSettings = {
      servers: options.servers,
      tls: options.tls,
      startTls: options.startTls,
      networkTimeoutMs: options.networkTimeoutMs,
      operationTimeoutMs: options.operationTimeoutMs,
      logger: this.logger,
    };
    this.service = new ServiceConnection(connect, options.bindDn, options.bindPassword);
    this.pool = new BindPool(connect, settings.maxConnections ?? 10);
    this.matcher = compileMapping(options);
    const a = options.attributes;
    this.userAttributes = [
      ...new Set([a.firstName, a.lastName, a.email, a.username, ...groupAttributesOf(options.group.type)]),
    ];
    for (const w of options.warnings) this.logger.warn(w);
  }

  async authenticate(username: unknown, password: unknown): Promise<AuthResult> {
    const creds = checkCredentials(username, password, this.options.allowUsername);
    if (!creds.ok) return creds;
    const login = creds.username;
    try {
      return this.options.userDnTemplate === null
        ? await this.searchAndBind(login, creds.password)
        : await this.templateBind(login, creds.password, this.options.userDnTemplate);
    } catch (err) {
      throw this.infrastructure(err, login);
    }
  }

  /** Closes every connection; later logins are refused with an error. */
  async close(): Promise<void> {
    await Promise.all([this.service.close(), this.pool.close()]);
  }

  private async searchAndBind(login: string, password: string): Promise<AuthResult> {
    const filter = parseFilter(fillTemplate(this.options.userSearchFilter, login, escapeFilterValue));
    const found = await this.service.use((conn) => this.searchBases(conn, filter));
    if (found.length === 0) {
      this.logger.info?.('LDAP login refused: no such user', { login });
      return INVALID_CREDENTIALS;
    }
    if (found.length > 1) {
      this.logger.warn('LDAP login refused: the login name matches more than one entry', {
        login,
        dns: found.map((e) => e.dn),
      });
      return INVALID_CREDENTIALS;
    }
    const entry = found[0];
    const refused = await this.pool.use((conn) => this.bindAs(conn, entry.dn, password, login));
    if (refused) return refused;
    const groups = await this.service.use((conn) => this.groupsOf(conn, entry));
    return this.result(entry, groups, login);
  }

  private async templateBind(login: string, password: string, template: string): Promise<AuthResult> {
    const dn = fillTemplate(template, login, escapeDnValue);
    // Without a service account the user's own connection reads the entry and groups.
    const asService = this.options.bindDn !== null;
    let entry: Entry | null = null;
    let groups: string[] = [];
    const refused = await this.pool.use(async (conn) => {
      const failure = await this.bindAs(conn, dn, password, login);
      if (failure || asService) return failure;
      entry = await this.readEntry(conn, dn);
      groups = entry ? await this.groupsOf(conn, entry) : [];
      return null;
    });
    if (refused) return refused;
    if (asService) {
      [entry, groups] = await this.service.use(async (conn) => {
        const e = await this.readEntry(conn, dn);
        return [e, e ? await this.groupsOf(conn, e) : []] as const;
      });
    }
    if (!entry) {
      this.logger.warn('LDAP login refused: bound, but the entry could not be read', { dn });
      return INVALID_CREDENTIALS;
    }
    return this.result(entry, groups, login);
  }

  private async searchBases(conn: LdapConnection, filter: ReturnType<typeof parseFilter>): Promise<Entry[]> {
    const results = await Promise.all(
      this.options.userSearchBases.map(async (base) => {
        try {
          // Two entries are enough to know the login name is ambiguous.
          return (await conn.search(base, { scope: 'sub', filter, attributes: this.userAttributes, sizeLimit: 2 })).entries;
        } catch (err) {
          if (err instanceof LdapResultError && MISSING_BASE.has(err.code)) {
            this.logger.warn(
              `AUTH_LDAP_USER_SEARCH_BASES: base "${base}" does not exist on ${err.server}; the other bases are still searched. Fix or remove it.`,
            );
            return MISSING;
          }
          if (err instanceof LdapResultError) {
            const who = this.options.bindDn ? `the service account AUTH_LDAP_BIND_DN=${this.options.bindDn}` : 'an anonymous bind';
            throw new LdapInfrastructureError(
              'SEARCH',
              `The user search under "${base}" (AUTH_LDAP_USER_SEARCH_BASES) as ${who} failed on ${err.server} ` +
                `(LDAP result ${err.code}${err.diagnostic ? `: ${err.diagnostic}` : ''}). ` +
                (err.code === 50
                  ? 'Give that account read access to the user entries, or set AUTH_LDAP_BIND_DN / AUTH_LDAP_BIND_PASSWORD.'
                  : 'Check the base and AUTH_LDAP_USER_SEARCH_FILTER.'),
              { server: err.server, ldapCode: err.code },
            );
          }
          throw err;
        }
      }),
    );
    if (this.options.userSearchBases.length > 0 && results.every((r) => r === MISSING)) {
      throw new LdapInfrastructureError(
        'CONFIG',
        `None of AUTH_LDAP_USER_SEARCH_BASES exists on the server, or the search account may not read them ` +
          `(${this.options.userSearchBases.join('; ')}), so no user can log in. Fix AUTH_LDAP_USER_SEARCH_BASES, ` +
          'or the rights of AUTH_LDAP_BIND_DN.',
      );
    }
    if (results.length === 1) return [...results[0]];
    const byDn = new Map<string, Entry>();
    for (const e of results.flat()) byDn.set(dnKey(e.dn), e);
    return [...byDn.values()];
  }

  /** Binds as the user; resolves to a failure when the directory refuses the password. */
  private async bindAs(conn: LdapConnection, dn: string, password: string, login: string): Promise<AuthFailure | null> {
    try {
      await conn.bind(dn, password);
      return null;
    } catch (err) {
      // 49: invalid credentials; 34: a template filled with this name is no valid DN; 32: no such entry.
      if (err instanceof LdapResultError && (err.code === 49 || err.code === 34 || err.code === 32)) {
        const { failure, log } = err.code === 49 ? bindFailure(err.diagnostic) : { failure: INVALID_CREDENTIALS, log: `bind result ${err.code}` };
        // Account states (locked, expired, ...) are worth an operator's attention; a wrong password is routine.
        const details = { login, dn, server: err.server, diagnostic: err.diagnostic };
        if (failure.code === 'INVALID_CREDENTIALS') this.logger.info?.(`LDAP login refused: ${log}`, details);
        else this.logger.warn(`LDAP login refused: ${log}`, details);
        return failure;
      }
      throw err;
    }
  }

  private async readEntry(conn: LdapConnection, dn: string): Promise<Entry | null> {
    try {
      const r = await conn.search(dn, { scope: 'base', filter: ANY_ENTRY, attributes: this.userAttributes });
      return r.entries[0] ?? null;
    } catch (err) {
      if (err instanceof LdapResultError && err.code === 32) return null;
      throw err;
    }
  }

  private async groupsOf(conn: LdapConnection, entry: Entry): Promise<string[]> {
    try {
      return await findGroups(conn, this.options.group, entry, this.options.attributes.username);
    } catch (err) {
      if (err instanceof LdapResultError) {
        throw new LdapInfrastructureError(
          'SEARCH',
          `The group search under AUTH_LDAP_GROUP_SEARCH_BASE_DN=${this.options.group.searchBase} failed on ${err.server} ` +
            `(LDAP result ${err.code}${err.diagnostic ? `: ${err.diagnostic}` : ''}). Check the base DN, AUTH_LDAP_GROUP_SEARCH_FILTER_STR and the service account's rights.`,
          { server: err.server, ldapCode: err.code },
        );
      }
      throw err;
    }
  }

  private result(entry: Entry, groups: string[], login: string): AuthResult {
    const a = this.options.attributes;
    const attr = (name: string): string | null => entry.attributes[name.toLowerCase()]?.[0] ?? null;
    const email = attr(a.email)?.toLowerCase() ?? null;
    const username = attr(a.username);
    const role = this.matcher.role(groups);
    const field = this.options.queryField;
    const value = field === 'email' ? email : username;
    const deactivated: AuthFailure = { ok: false, message: 'This account is deactivated', status: 403, code: 'ACCOUNT_DEACTIVATED' };
    if (role === 'deactivated') this.logger.info?.('LDAP login refused: account deactivated by group mapping', { login, dn: entry.dn });
    if (!value) {
      if (role === 'deactivated') return deactivated;
      this.logger.warn(
        `LDAP login refused: entry has no ${field === 'email' ? a.email : a.username} attribute, needed by AUTH_LDAP_USER_QUERY_FIELD=${field}`,
        { dn: entry.dn },
      );
      return {
        ok: false,
        message: `Your directory account has no ${field === 'email' ? 'email address' : 'username'}; ask an administrator to add one`,
        status: 403,
        code: 'MISSING_LOOKUP_ATTRIBUTE',
      };
    }
    const owner = this.options.organizationOwnerEmail;
    const user: LdapUser = {
      dn: entry.dn,
      username,
      email,
      firstName: attr(a.firstName),
      lastName: attr(a.lastName),
      groups,
      role,
      workspaces: this.matcher.workspaces(groups),
      organization: owner ? { ownerEmail: owner } : null,
      lookup: { field, value },
    };
    // The user rides along on the refusal so a provisioning store can record the role.
    return role === 'deactivated' ? { ...deactivated, user } : { ok: true, user };
  }

  private infrastructure(err: unknown, login: string): LdapInfrastructureError {
    if (err instanceof LdapInfrastructureError) {
      this.logger.error(`LDAP login could not be completed: ${err.message}`, { login, server: err.server, kind: err.kind });
      return err;
    }
    const server = err instanceof LdapResultError ? err.server : null;
    const wrapped = new LdapInfrastructureError(
      'PROTOCOL',
      `Unexpected LDAP error${server ? ` from ${server}` : ''}: ${(err as Error)?.message ?? String(err)}`,
      { server, ldapCode: err instanceof LdapResultError ? err.code : null },
    );
    this.logger.error(`LDAP login could not be completed: ${wrapped.message}`, { login });
    return wrapped;
  }
}
