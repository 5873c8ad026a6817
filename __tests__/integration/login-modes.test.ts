// Template bind and multi-base search against a real slapd.
import type { AuthResult, LdapAuthenticator } from '../../lib';
import { describeWithSlapd, startSlapd, type SlapdServer } from '../support/slapd';
import { authenticatorsFor, captureLogger } from '../support/env';

let log = captureLogger();
const lines = (): string => log.lines().join('\n');

function dn(r: AuthResult): string | null {
  return r.ok ? r.user.dn : null;
}

describeWithSlapd('login modes (real slapd)', () => {
  let server: SlapdServer;
  const authenticator = authenticatorsFor(() => server);
  const make = (overrides: Record<string, string>): LdapAuthenticator =>
    authenticator({ AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: `cn=admins,ou=groups,${server.baseDn}`, ...overrides }, { logger: log.logger });

  beforeAll(async () => {
    server = await startSlapd();
  });
  afterEach(() => {
    log = captureLogger();
  });
  afterAll(async () => {
    await server.stop();
  });

  test('template bind logs in and reads the attributes of the bound entry', async () => {
    const auth = make({
      AUTH_LDAP_USER_DN_TEMPLATE: `uid=%(user)s,ou=people,${server.baseDn}`,
      AUTH_LDAP_USER_SEARCH_BASES: '',
    });
    const r = await auth.authenticate('alice', 'alice-pw');
    expect(r).toMatchObject({
      ok: true,
      user: { dn: 'uid=alice,ou=people,dc=example,dc=test', email: 'alice@example.test', firstName: 'Alice', lastName: 'Admin', role: 'administrator' },
    });
    expect(await auth.authenticate('alice', 'wrong')).toMatchObject({ ok: false, status: 401 });
  });

  test('template bind escapes the login name for a DN exactly once', async () => {
    const auth = make({
      AUTH_LDAP_USER_DN_TEMPLATE: `uid=%(user)s,ou=people,${server.baseDn}`,
      AUTH_LDAP_USER_SEARCH_BASES: '',
    });
    for (const [name, pw] of [
      ['jones, bob', 'jones-pw'],
      ['a+b=c', 'plus-pw'],
      ['quote"q', 'quote-pw'],
      ['#hash', 'hash-pw'],
      ['back\\slash', 'back-pw'],
      ['zoë', 'zoe-pw'],
      ['star*user', 'star-pw'],
    ]) {
      const r = await auth.authenticate(name, pw);
      expect({ name, ok: r.ok }).toEqual({ name, ok: true });
    }
    // A name that would inject another RDN when unescaped is just a wrong user.
    expect(await auth.authenticate('alice,ou=people', 'alice-pw')).toMatchObject({ ok: false, status: 401 });
  });

  test('template bind without a service account reads the entry as the user', async () => {
    const auth = make({
      AUTH_LDAP_USER_DN_TEMPLATE: `uid=%(user)s,ou=people,${server.baseDn}`,
      AUTH_LDAP_USER_SEARCH_BASES: '',
      AUTH_LDAP_BIND_DN: '',
      AUTH_LDAP_BIND_PASSWORD: '',
    });
    expect(await auth.authenticate('alice', 'alice-pw')).toMatchObject({ ok: true, user: { role: 'administrator' } });
  });

  test('search across two bases finds a user in the second', async () => {
    const auth = make({ AUTH_LDAP_USER_SEARCH_BASES: `ou=people,${server.baseDn};ou=staff,${server.baseDn}` });
    expect(dn(await auth.authenticate('carol', 'carol-pw'))).toBe('uid=carol,ou=staff,dc=example,dc=test');
    expect(dn(await auth.authenticate('alice', 'alice-pw'))).toBe('uid=alice,ou=people,dc=example,dc=test');
  });

  test('a user found in two bases is refused as ambiguous, with the DNs in the log', async () => {
    const auth = make({ AUTH_LDAP_USER_SEARCH_BASES: `ou=people,${server.baseDn};ou=staff,${server.baseDn}` });
    expect(await auth.authenticate('twin', 'twin-pw')).toEqual({
      ok: false,
      status: 401,
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid username or password',
    });
    expect(lines()).toMatch(/more than one entry/);
  });

  test('overlapping bases that return the same entry twice are not ambiguous', async () => {
    const auth = make({ AUTH_LDAP_USER_SEARCH_BASES: `ou=people,${server.baseDn};${server.baseDn}` });
    expect(dn(await auth.authenticate('alice', 'alice-pw'))).toBe('uid=alice,ou=people,dc=example,dc=test');
  });

  test('a base that does not exist does not hide users of the other bases', async () => {
    const auth = make({
      AUTH_LDAP_USER_SEARCH_BASES: `ou=nowhere,${server.baseDn};ou=staff,${server.baseDn}`,
    });
    expect(dn(await auth.authenticate('carol', 'carol-pw'))).toBe('uid=carol,ou=staff,dc=example,dc=test');
    expect(lines()).toMatch(/AUTH_LDAP_USER_SEARCH_BASES: base "ou=nowhere,dc=example,dc=test" does not exist/);
  });

  test('when no search base exists at all, logins are errors naming the variable, not wrong passwords', async () => {
    const auth = make({ AUTH_LDAP_USER_SEARCH_BASES: `ou=nowhere,${server.baseDn};ou=nothere,${server.baseDn}` });
    await expect(auth.authenticate('alice', 'alice-pw')).rejects.toMatchObject({
      kind: 'CONFIG',
      message: expect.stringContaining('AUTH_LDAP_USER_SEARCH_BASES'),
    });
  });

  test('an entry without the lookup attribute is refused with a clear message', async () => {
    const auth = make({});
    expect(await auth.authenticate('nomail', 'nomail-pw')).toMatchObject({
      ok: false,
      status: 403,
      code: 'MISSING_LOOKUP_ATTRIBUTE',
    });
    const byUsername = make({ AUTH_LDAP_USER_QUERY_FIELD: 'username' });
    expect(await byUsername.authenticate('nomail', 'nomail-pw')).toMatchObject({
      ok: true,
      user: { lookup: { field: 'username', value: 'nomail' }, email: null },
    });
  });
});
