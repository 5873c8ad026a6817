// Connection reuse. The service connection is opened once, bound once and shared by every
// login's searches (LDAP multiplexes operations); it is re-opened and re-bound when it drops.
// User binds change a connection's identity, so each runs on a pooled connection that no other
// login uses at the same moment.
import { LdapInfrastructureError } from '../errors';
import { LdapConnection, LdapResultError, type ConnectSettings } from './connection';

/** After the directory refuses the service account, logins fail fast this long before it is tried again. */
export const SERVICE_REFUSAL_HOLD_MS = 30_000;

export class ServiceConnection {
  private current: Promise<LdapConnection> | null = null;
  /** The connection `current` resolved to, once it has. */
  private opened: LdapConnection | null = null;
  private closing = false;
  // Retrying a refused service bind on every login could lock the account out (AD lockout policy).
  private refusal: { error: LdapInfrastructureError; until: number } | null = null;

  constructor(
    private readonly settings: ConnectSettings,
    private readonly bindDn: string | null,
    private readonly bindPassword: string | null,
  ) {}

  /** Runs `fn` on the service connection; retries once on a fresh one if a reused one turns out dead. */
  async use<T>(fn: (conn: LdapConnection) => Promise<T>): Promise<T> {
    const reused = this.current !== null;
    const conn = await this.get();
    try {
      return await fn(conn);
    } catch (err) {
      if (reused && isConnectionLoss(err) && !conn.usable && !this.closing) {
        this.drop(conn);
        return fn(await this.get());
      }
      throw err;
    }
  }

  private get(): Promise<LdapConnection> {
    if (this.closing) return Promise.reject(closedError());
    if (this.refusal && Date.now() < this.refusal.until) return Promise.reject(this.refusal.error);
    if (!this.current) {
      const opening = this.open();
      this.current = opening;
      opening.then(
        (conn) => {
          this.opened = conn;
          conn.onClose(() => this.drop(conn));
        },
        () => {
          if (this.current === opening) this.current = null;
        },
      );
    }
    return this.current;
  }

  /** Forgets `conn` so the next login opens (and binds) a fresh service connection. */
  private drop(conn: LdapConnection): void {
    if (this.opened !== conn) return;
    this.opened = null;
    this.current = null;
  }

  private async open(): Promise<LdapConnection> {
    const conn = await LdapConnection.open(this.settings);
    if (this.bindDn === null || this.bindPassword === null) return conn;
    try {
      await conn.bind(this.bindDn, this.bindPassword);
      return conn;
    } catch (err) {
      await conn.close();
      if (err instanceof LdapResultError) {
        const error = new LdapInfrastructureError(
          'SERVICE_BIND',
          `The service account AUTH_LDAP_BIND_DN=${this.bindDn} was refused by ${err.server} ` +
            `(LDAP result ${err.code}${err.diagnostic ? `: ${err.diagnostic}` : ''}). ` +
            `Check AUTH_LDAP_BIND_DN and AUTH_LDAP_BIND_PASSWORD; logins fail without asking the server again for ${SERVICE_REFUSAL_HOLD_MS / 1000} s.`,
          { server: err.server, ldapCode: err.code },
        );
        this.refusal = { error, until: Date.now() + SERVICE_REFUSAL_HOLD_MS };
        throw error;
      }
      if (err instanceof LdapInfrastructureError && err.kind === 'TIMEOUT') {
        throw new LdapInfrastructureError('TIMEOUT', `Binding the service account AUTH_LDAP_BIND_DN=${this.bindDn}: ${err.message}`, {
          server: err.server,
        });
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const current = this.current;
    this.current = null;
    this.opened = null;
    if (current) await current.then((c) => c.close(), () => undefined);
  }
}

interface Waiter {
  /** A connection handed over, or null: a slot freed up, try to open one. */
  resolve(conn: LdapConnection | null): void;
  reject(err: Error): void;
}

/** Connections for user binds, each lent to one login at a time. */
export class BindPool {
  private readonly idle: LdapConnection[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly all = new Set<LdapConnection>();
  private opening = 0;
  private closing = false;

  constructor(
    private readonly settings: ConnectSettings,
    private readonly maxConnections: number,
  ) {}

  /** Lends a connection to `fn`; retries once on a fresh one if a reused one turns out dead. */
  async use<T>(fn: (conn: LdapConnection) => Promise<T>): Promise<T> {
    let { conn, reused } = await this.acquire();
    try {
      return await fn(conn);
    } catch (err) {
      // A server that let a bind time out will not answer the logins queued behind it either:
      // they fail now with the same error instead of each waiting out another OPT_TIMEOUT.
      if (err instanceof LdapInfrastructureError && err.kind === 'TIMEOUT') this.failWaiters(err);
      if (!(reused && isConnectionLoss(err) && !conn.usable)) throw err;
      this.release(conn);
      ({ conn, reused } = await this.acquire());
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  private async acquire(): Promise<{ conn: LdapConnection; reused: boolean }> {
    if (this.closing) throw closedError();
    while (this.idle.length > 0) {
      const conn = this.idle.pop() as LdapConnection;
      if (conn.usable) return { conn, reused: true };
      this.all.delete(conn);
    }
    if (this.all.size + this.opening < this.maxConnections) {
      this.opening++;
      try {
        const conn = await LdapConnection.open(this.settings);
        this.all.add(conn);
        conn.onClose(() => this.forget(conn));
        return { conn, reused: false };
      } finally {
        this.opening--;
      }
    }
    const conn = await this.waitForConnection();
    if (!conn) return this.acquire();
    return { conn, reused: true };
  }

  /** Queues for a connection, at most OPT_TIMEOUT: every connection being busy that long means trouble. */
  private waitForConnection(): Promise<LdapConnection | null> {
    return new Promise<LdapConnection | null>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (conn) => {
          clearTimeout(timer);
          resolve(conn);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new LdapInfrastructureError(
            'TIMEOUT',
            `All ${this.maxConnections} LDAP connections for user binds stayed busy for ${this.settings.operationTimeoutMs / 1000} s ` +
              '(OPT_TIMEOUT); the directory is slow or not answering. Check the server, or raise maxConnections.',
          ),
        );
      }, this.settings.operationTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  private failWaiters(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  private release(conn: LdapConnection): void {
    if (!this.all.has(conn)) return;
    if (!conn.usable || this.closing) {
      this.forget(conn);
      void conn.close();
      return;
    }
    if (this.idle.includes(conn)) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(conn);
    else this.idle.push(conn);
  }

  private forget(conn: LdapConnection): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // A slot freed up: let one waiter open a new connection.
    this.waiters.shift()?.resolve(null);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.waiters.splice(0)) w.resolve(null);
    await Promise.all([...this.all].map((c) => c.close()));
    this.all.clear();
    this.idle.length = 0;
  }
}

function isConnectionLoss(err: unknown): boolean {
  return err instanceof LdapInfrastructureError && err.kind === 'UNREACHABLE';
}

function closedError(): LdapInfrastructureError {
  return new LdapInfrastructureError('UNREACHABLE', 'The LDAP authenticator has been closed (strategy.close() was called).');
}
