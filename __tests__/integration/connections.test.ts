// Connection handling against a real slapd: reuse, isolation of user binds, failover,
// servers that never answer, outages, and close() leaving nothing open.
import * as fs from 'fs';
import * as path from 'path';
import { LdapInfrastructureError, type AuthResult } from '../../lib';
import { describeWithSlapd, startSlapd, type SlapdServer } from '../support/slapd';
import { closedPort, openConnectionsTo, silentListener, watchUnhandled } from '../support/sockets';
import { authenticatorsFor } from '../support/env';

function accepts(log: string): number {
  return (log.match(/ ACCEPT from /g) ?? []).length;
}

function userOf(r: AuthResult): string {
  if (!r.ok) throw new Error(`login failed: ${r.message}`);
  return r.user.dn;
}

describeWithSlapd('connections (real slapd)', () => {
  let server: SlapdServer;
  const unhandled = watchUnhandled();
  const make = authenticatorsFor(() => server);

  beforeAll(async () => {
    server = await startSlapd();
  });
  afterAll(async () => {
    unhandled.stop();
    await server.stop();
  });

  test('the service connection and bind connections are reused across logins', async () => {
    const auth = make();
    expect(userOf(await auth.authenticate('u01', 'pw-u01'))).toMatch(/^uid=u01,/);
    server.clearAccessLog();
    for (let i = 0; i < 20; i++) {
      const n = String((i % 20) + 1).padStart(2, '0');
      expect(userOf(await auth.authenticate(`u${n}`, `pw-u${n}`))).toMatch(new RegExp(`^uid=u${n},`));
    }
    const log = server.accessLog();
    expect(accepts(log)).toBe(0);
    // The service account bound once, before the access log was cleared.
    expect(log).not.toMatch(/BIND dn="cn=svc/);
  });

  test('100 concurrent logins of 20 users each get their own identity', async () => {
    const auth = make();
    const jobs = Array.from({ length: 100 }, (_, i) => {
      const n = String((i % 20) + 1).padStart(2, '0');
      const wrong = i % 7 === 0;
      return auth.authenticate(`u${n}@example.test`, wrong ? 'nope' : `pw-u${n}`).then((r) => ({ n, wrong, r }));
    });
    const results = await Promise.all(jobs);
    for (const { n, wrong, r } of results) {
      if (wrong) {
        expect(r).toMatchObject({ ok: false, status: 401 });
      } else {
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.user.dn).toBe(`uid=u${n},ou=people,dc=example,dc=test`);
          expect(r.user.email).toBe(`u${n}@example.test`);
        }
      }
    }
    // No more than the pool's bind connections plus the service connection were opened.
    expect(accepts(server.accessLog())).toBeLessThanOrEqual(11 + 1 + 1);
  });

  test('the first URI refusing connections fails over to the second', async () => {
    const dead = await closedPort();
    const auth = make({ AUTH_LDAP_SERVER_URI: `ldap://127.0.0.1:${dead} ${server.url}` });
    expect(userOf(await auth.authenticate('alice', 'alice-pw'))).toMatch(/^uid=alice,/);
  });

  test('every URI refusing connections is an error naming the servers', async () => {
    const dead = await closedPort();
    const auth = make({ AUTH_LDAP_SERVER_URI: `ldap://127.0.0.1:${dead}` });
    const err = await auth.authenticate('alice', 'alice-pw').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LdapInfrastructureError);
    expect((err as LdapInfrastructureError).kind).toBe('UNREACHABLE');
    expect((err as Error).message).toContain(`ldap://127.0.0.1:${dead}`);
    expect((err as Error).message).toContain('AUTH_LDAP_SERVER_URI');
  });

  test('a server that accepts TCP but never answers is an error within the timeouts', async () => {
    const hung = await silentListener();
    try {
      const auth = make({
        AUTH_LDAP_SERVER_URI: `ldap://127.0.0.1:${hung.port}`,
        AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_NETWORK_TIMEOUT=1;OPT_TIMEOUT=1',
      });
      const started = Date.now();
      const err = await auth.authenticate('alice', 'alice-pw').then(
        () => null,
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      expect(err).toBeInstanceOf(LdapInfrastructureError);
      expect((err as LdapInfrastructureError).kind).toBe('TIMEOUT');
      expect((err as Error).message).toContain('OPT_TIMEOUT');
      expect(hung.accepted()).toBeGreaterThan(0);
      // Generous bound: the point is that it ends, not how fast a shared machine is.
      expect(elapsed).toBeLessThan(8000);
    } finally {
      await hung.close();
    }
  });

  test('an ldaps server that never finishes the handshake is an error within OPT_NETWORK_TIMEOUT', async () => {
    const hung = await silentListener();
    try {
      const auth = make({
        AUTH_LDAP_SERVER_URI: `ldaps://127.0.0.1:${hung.port}`,
        AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=${server.caFile};OPT_NETWORK_TIMEOUT=1;OPT_TIMEOUT=1`,
      });
      const err = await auth.authenticate('alice', 'alice-pw').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LdapInfrastructureError);
      expect((err as LdapInfrastructureError).kind).toBe('TIMEOUT');
      expect((err as Error).message).toContain('OPT_NETWORK_TIMEOUT');
    } finally {
      await hung.close();
    }
  });

  test('a frozen server (SIGSTOP) mid-stream: concurrent logins end as errors within one OPT_TIMEOUT, none unhandled', async () => {
    const auth = make({ AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_NETWORK_TIMEOUT=1;OPT_TIMEOUT=1' });
    expect(userOf(await auth.authenticate('u01', 'pw-u01'))).toMatch(/^uid=u01,/);
    const pid = parseInt(fs.readFileSync(path.join(server.dir, 'slapd.pid'), 'utf8'), 10);
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          auth.authenticate(`u0${(i % 9) + 1}`, `pw-u0${(i % 9) + 1}`).then(
            () => 'success',
            (e: unknown) => (e instanceof LdapInfrastructureError ? e.kind : 'other'),
          ),
        ),
      );
      const elapsed = Date.now() - started;
      expect(new Set(outcomes)).toEqual(new Set(['TIMEOUT']));
      // One OPT_TIMEOUT (1 s) per stage, never a second full wait on a fresh connection per login.
      expect(elapsed).toBeLessThan(6000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(userOf(await auth.authenticate('u02', 'pw-u02'))).toMatch(/^uid=u02,/);
  });

  test('a frozen server: logins queued for a bind connection fail with the timeout too, not one OPT_TIMEOUT per wave', async () => {
    // Template mode without a service account sends every login straight to the bind pool.
    const a = make(
      {
        AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,ou=people,dc=example,dc=test',
        AUTH_LDAP_BIND_DN: undefined,
        AUTH_LDAP_BIND_PASSWORD: undefined,
        AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_NETWORK_TIMEOUT=1;OPT_TIMEOUT=1',
      },
      { maxConnections: 4 },
    );
    await Promise.all(['u01', 'u02', 'u03', 'u04'].map((u) => a.authenticate(u, `pw-${u}`)));
    const pid = parseInt(fs.readFileSync(path.join(server.dir, 'slapd.pid'), 'utf8'), 10);
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const n = String((i % 20) + 1).padStart(2, '0');
          return a.authenticate(`u${n}`, `pw-u${n}`).then(
            () => 'success',
            (e: unknown) => (e instanceof LdapInfrastructureError ? e.kind : 'other'),
          );
        }),
      );
      const elapsed = Date.now() - started;
      expect(new Set(outcomes)).toEqual(new Set(['TIMEOUT']));
      // 40 logins over 4 connections would be 10 waves of 1 s if the queue waited wave by wave.
      expect(elapsed).toBeLessThan(5000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(await a.authenticate('u05', 'pw-u05')).toMatchObject({ ok: true });
  });

  test('after a server restart the service account is re-bound and logins work again', async () => {
    const auth = make();
    expect(userOf(await auth.authenticate('bob', 'bob-pw'))).toMatch(/^uid=bob,/);
    await server.stop();
    const during = await auth.authenticate('bob', 'bob-pw').then(
      () => 'success',
      (e: unknown) => (e instanceof LdapInfrastructureError ? 'error' : 'other'),
    );
    expect(during).toBe('error');
    await server.start();
    server.clearAccessLog();
    expect(userOf(await auth.authenticate('bob', 'bob-pw'))).toMatch(/^uid=bob,/);
    expect(server.accessLog()).toMatch(/BIND dn="cn=svc,dc=example,dc=test"/);
  });

  test('a refused service account is not retried on every login (no lockout by our own retries)', async () => {
    const auth = make({ AUTH_LDAP_BIND_PASSWORD: 'wrong-service-password' });
    server.clearAccessLog();
    for (let i = 0; i < 5; i++) {
      await expect(auth.authenticate('alice', 'alice-pw')).rejects.toMatchObject({ kind: 'SERVICE_BIND', ldapCode: 49 });
    }
    const log = await server.waitForAccessLog(/BIND dn="cn=svc,dc=example,dc=test"/);
    expect(log.match(/BIND dn="cn=svc,dc=example,dc=test"/g)).toHaveLength(1);
  });

  test('close() leaves no open socket and later logins are errors', async () => {
    const auth = make();
    await Promise.all(['u01', 'u02', 'u03', 'u04'].map((u) => auth.authenticate(u, `pw-${u}`)));
    expect(openConnectionsTo(server.port)).toBeGreaterThan(0);
    await auth.close();
    expect(openConnectionsTo(server.port)).toBe(0);
    await expect(auth.authenticate('u01', 'pw-u01')).rejects.toBeInstanceOf(LdapInfrastructureError);
  });

  test('no unhandled error event or rejection happened in this suite', () => {
    expect(unhandled.problems).toEqual([]);
  });
});
