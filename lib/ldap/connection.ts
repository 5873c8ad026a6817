// One LDAP connection to one server: connect with failover across the configured URIs, StartTLS,
// bind and search with our own timeouts. Every ldapjs event that could crash a process is handled
// here and turned into a rejected promise.
import type { ConnectionOptions as TlsConnectionOptions } from 'tls';
import { LdapInfrastructureError } from '../errors';
import type { FilterNode } from '../mapping/filterParser';
import type { Logger, ServerUri, TlsOptions } from '../types';
import { toLdapFilter } from './filterBuild';
import { ldapjs, rawEntryDn, RawDn, type LdapjsClient, type LdapjsError } from './ldapjs';

export interface ConnectSettings {
  servers: ServerUri[];
  tls: TlsOptions;
  startTls: boolean;
  networkTimeoutMs: number;
  operationTimeoutMs: number;
  logger: Logger;
}

/** An LDAP result other than success, from a server that answered. */
export class LdapResultError extends Error {
  constructor(
    readonly code: number,
    readonly diagnostic: string,
    readonly server: string,
  ) {
    super(`LDAP result ${code}${diagnostic ? `: ${diagnostic}` : ''} from ${server}`);
    this.name = 'LdapResultError';
  }
}

export interface Entry {
  /** DN exactly as the server spelled it. */
  dn: string;
  /** Attribute values by lower-cased attribute name. */
  attributes: Record<string, string[]>;
}

export interface SearchResult {
  entries: Entry[];
  references: number;
}

export interface SearchParams {
  scope: 'base' | 'one' | 'sub';
  filter: FilterNode;
  attributes: string[];
  sizeLimit?: number;
  paged?: boolean;
}

const PAGE_SIZE = 200;
const MIN_PAGE_SIZE = 10;

export class LdapConnection {
  private closed = false;
  /** Why the connection was closed by us (a timeout), reported to every operation still on it. */
  private closeError: LdapInfrastructureError | null = null;
  private readonly closeListeners: Array<() => void> = [];

  /** Use LdapConnection.open(); the constructor takes an already connected client. */
  constructor(
    private readonly client: LdapjsClient,
    readonly server: string,
    private readonly settings: ConnectSettings,
  ) {
    client.on('error', (err: Error) => {
      settings.logger.debug?.('LDAP connection error', { server, error: err.message });
      this.markClosed();
    });
    client.on('close', () => this.markClosed());
    client.on('end', () => this.markClosed());
  }

  /** Connects to the first server that accepts a connection (TCP, TLS and StartTLS). */
  static async open(settings: ConnectSettings): Promise<LdapConnection> {
    const failures: Array<{ server: string; error: LdapInfrastructureError }> = [];
    for (const server of settings.servers) {
      try {
        return await connectOne(server, settings);
      } catch (err) {
        const error = err as LdapInfrastructureError;
        failures.push({ server: server.url, error });
        settings.logger.warn(`LDAP server ${server.url} could not be reached: ${error.message}`);
      }
    }
    const allTls = failures.every((f) => f.error.kind === 'TLS');
    const allTimeouts = failures.every((f) => f.error.kind === 'TIMEOUT');
    const detail = failures.map((f) => `${f.server}: ${f.error.message}`).join('; ');
    throw new LdapInfrastructureError(
      allTls ? 'TLS' : allTimeouts ? 'TIMEOUT' : 'UNREACHABLE',
      `No LDAP server in AUTH_LDAP_SERVER_URI could be used (${detail}). ` +
        (allTls
          ? 'Check that OPT_X_TLS_CACERTFILE in AUTH_LDAP_CONNECTION_OPTIONS holds the CA that signed the server certificate and that the host name matches it.'
          : 'Check that the server is running and reachable from this host, and the URI and port.'),
      { server: failures.length === 1 ? failures[0].server : null },
    );
  }

  get usable(): boolean {
    return !this.closed && this.client.connected;
  }

  /** Calls `listener` once when the connection closes; returns a function that cancels it. */
  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => undefined;
    }
    this.closeListeners.push(listener);
    return () => {
      const i = this.closeListeners.indexOf(listener);
      if (i >= 0) this.closeListeners.splice(i, 1);
    };
  }

  bind(dn: string, password: string): Promise<void> {
    return this.withTimeout('bind', (done) => {
      this.client.bind(dn, password, (err) => done(err ? this.resultError(err) : null));
    });
  }

  async search(base: string, params: SearchParams): Promise<SearchResult> {
    if (params.paged) {
      // Most answers fit under the server's size limit: one plain search, and the paged results
      // control only when the server says the answer is larger (4 sizeLimitExceeded, 11 adminLimitExceeded).
      try {
        return await this.searchOnce(base, { ...params, paged: false }, 0);
      } catch (err) {
        if (!(err instanceof LdapResultError && (err.code === 4 || err.code === 11))) throw err;
      }
    }
    // A server may cap the page size (slapd `size.pr`) and refuse larger pages with result 11
    // (adminLimitExceeded) before sending anything: ask again with smaller pages.
    for (let pageSize = PAGE_SIZE; ; pageSize = Math.floor(pageSize / 2)) {
      try {
        return await this.searchOnce(base, params, pageSize);
      } catch (err) {
        const retry = params.paged && err instanceof LdapResultError && err.code === 11 && pageSize / 2 >= MIN_PAGE_SIZE;
        if (!retry) throw err;
      }
    }
  }

  private searchOnce(base: string, params: SearchParams, pageSize: number): Promise<SearchResult> {
    const entries: Entry[] = [];
    let references = 0;
    return this.withTimeout('search', (done) => {
      const options = {
        scope: params.scope,
        filter: toLdapFilter(params.filter),
        attributes: params.attributes,
        sizeLimit: params.sizeLimit ?? 0,
        timeLimit: Math.ceil(this.settings.operationTimeoutMs / 1000),
        paged: params.paged ? { pageSize, pagePause: false } : false,
      };
      this.client.search(new RawDn(base), options, (err, res) => {
        if (err) return done(this.resultError(err));
        res.on('searchEntry', (entry) => entries.push(toEntry(entry)));
        res.on('searchReference', () => references++);
        // A server that ignores the (non-critical) paging control answered in one go: that is
        // a complete result, or a size-limit error that arrives as 'error' below.
        res.on('pageError', () => undefined);
        res.on('error', (e) => {
          const error = this.resultError(e);
          // A size limit hit after entries arrived still tells the caller what it needs.
          if (error instanceof LdapResultError && error.code === 4 && params.sizeLimit) return done(null);
          // A refused page size is only retryable when nothing arrived yet.
          if (error instanceof LdapResultError && error.code === 11 && entries.length > 0) {
            return done(new LdapResultError(4, `paged search stopped after ${entries.length} entries: ${error.diagnostic}`, this.server));
          }
          done(error);
        });
        res.on('end', () => done(null));
      });
    }).then(() => ({ entries, references }));
  }

  /** Closes the connection; safe to call more than once. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        this.client.destroy();
        this.markClosed();
        resolve();
      };
      const timer = setTimeout(finish, 500);
      try {
        this.client.unbind(() => {
          clearTimeout(timer);
          finish();
        });
      } catch {
        clearTimeout(timer);
        finish();
      }
    });
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners.splice(0)) l();
  }

  private resultError(err: LdapjsError): Error {
    if (typeof err.code === 'number' && err.code > 0 && err.code < 0x50) {
      return new LdapResultError(err.code, err.lde_message ?? '', this.server);
    }
    return new LdapInfrastructureError(
      'UNREACHABLE',
      `The connection to ${this.server} failed during an operation (${err.message}). Check that the server is up.`,
      { server: this.server },
    );
  }

  /** Runs one operation with OPT_TIMEOUT; a timed-out connection is dropped, never reused. */
  private withTimeout(op: string, start: (done: (err: Error | null) => void) => void): Promise<void> {
    if (!this.usable) {
      return Promise.reject(
        new LdapInfrastructureError('UNREACHABLE', `The connection to ${this.server} is closed.`, {
          server: this.server,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let stopWatchingClose = (): void => undefined;
      const settle = (err: Error | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopWatchingClose();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        // Operations sharing this connection fail with the same timeout: none of them may be
        // retried on a fresh connection, which would double the wait on a hung server.
        this.closeError = new LdapInfrastructureError(
          'TIMEOUT',
          `LDAP ${op} on ${this.server} did not answer within ${this.settings.operationTimeoutMs / 1000} s ` +
            '(OPT_TIMEOUT in AUTH_LDAP_CONNECTION_OPTIONS). Check the server load and network.',
          { server: this.server },
        );
        settle(this.closeError);
        this.client.destroy();
        this.markClosed();
      }, this.settings.operationTimeoutMs);
      stopWatchingClose = this.onClose(() =>
        settle(
          this.closeError ??
            new LdapInfrastructureError('UNREACHABLE', `The connection to ${this.server} closed during an LDAP ${op}.`, {
              server: this.server,
            }),
        ),
      );
      try {
        start(settle);
      } catch (err) {
        settle(err as Error);
      }
    });
  }
}

function toEntry(entry: Parameters<typeof rawEntryDn>[0]): Entry {
  const attributes: Record<string, string[]> = {};
  for (const a of entry.pojo.attributes) {
    const key = a.type.toLowerCase();
    attributes[key] = (attributes[key] ?? []).concat(a.values);
  }
  return { dn: rawEntryDn(entry), attributes };
}

export function tlsConnectionOptions(tls: TlsOptions, host: string): TlsConnectionOptions {
  const options: TlsConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  // SNI must not be an IP address; Node still checks the certificate against the IP.
  if (!/^[0-9.]+$/.test(host) && !host.includes(':')) options.servername = host;
  if (tls.ca) options.ca = tls.ca;
  if (tls.cert) options.cert = tls.cert;
  if (tls.key) options.key = tls.key;
  if (tls.minVersion) options.minVersion = tls.minVersion;
  if (tls.maxVersion) options.maxVersion = tls.maxVersion;
  if (tls.ciphers) options.ciphers = tls.ciphers;
  return options;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|EPROTO|SSL|TLS|HANDSHAKE/i;

function classify(err: unknown, server: ServerUri, settings: ConnectSettings, phase: string): LdapInfrastructureError {
  const e = err as { code?: string | number; message?: string };
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  if (phase === 'StartTLS' && !/timeout/i.test(text)) {
    return new LdapInfrastructureError(
      'TLS',
      `StartTLS failed: ${e.message ?? e.code}. The server may not offer TLS on this port, or its certificate is not trusted: ` +
        'configure TLS on the server, use ldaps://, or check OPT_X_TLS_CACERTFILE in AUTH_LDAP_CONNECTION_OPTIONS',
      { server: server.url },
    );
  }
  if (/timeout/i.test(text)) {
    return new LdapInfrastructureError(
      'TIMEOUT',
      `${phase} timed out after ${settings.networkTimeoutMs / 1000} s (OPT_NETWORK_TIMEOUT)`,
      { server: server.url },
    );
  }
  if ((server.secure || settings.startTls) && /wrong version number|packet length too long|unknown protocol|disconnected before secure TLS/i.test(text)) {
    return new LdapInfrastructureError(
      'TLS',
      `TLS handshake failed: the server did not answer in TLS (${e.message ?? e.code}); is this a plain ldap:// port? Use ldaps:// with the TLS port (636) or ldap:// with AUTH_LDAP_START_TLS=1`,
      { server: server.url },
    );
  }
  if ((server.secure || settings.startTls) && TLS_CODES.test(text)) {
    return new LdapInfrastructureError('TLS', `TLS handshake failed: ${e.message ?? e.code} (certificate problem)`, {
      server: server.url,
    });
  }
  return new LdapInfrastructureError('UNREACHABLE', `${phase} failed: ${e.message ?? e.code ?? 'unknown error'}`, {
    server: server.url,
  });
}

function connectOne(server: ServerUri, settings: ConnectSettings): Promise<LdapConnection> {
  return new Promise<LdapConnection>((resolve, reject) => {
    const tlsOptions = tlsConnectionOptions(settings.tls, server.host);
    const client = ldapjs.createClient({
      url: server.url,
      tlsOptions,
      connectTimeout: settings.networkTimeoutMs,
      // No ldapjs `timeout`: every operation already runs under our own OPT_TIMEOUT timer.
    });
    let settled = false;
    const fail = (err: unknown, phase: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      reject(classify(err, server, settings, phase));
    };
    // Swallow every failure event: our promise reports it.
    for (const event of ['error', 'connectError', 'connectRefused', 'connectTimeout', 'setupError']) {
      client.on(event, (err: unknown) => fail(err, 'connecting'));
    }
    const timer = setTimeout(() => fail(new Error('timeout'), 'connecting'), settings.networkTimeoutMs + 250);
    client.once('connect', () => {
      if (settled) return;
      const done = (): void => {
        settled = true;
        clearTimeout(timer);
        for (const event of ['connectError', 'connectRefused', 'connectTimeout', 'setupError']) {
          client.removeAllListeners(event);
        }
        client.removeAllListeners('error');
        resolve(new LdapConnection(client, server.url, settings));
      };
      if (!settings.startTls) return done();
      client.starttls(tlsOptions, [], (err) => (err ? fail(err, 'StartTLS') : done()));
    });
  });
}
