/**
 * Active Directory behaviour (issue 3, "Must work against Samba AD") against a real Samba AD
 * domain controller started by __tests__/support/samba.ts: login names (sAMAccountName, UPN,
 * mail), a CN with a comma and parentheses, searching from the domain root (search references),
 * account states with their AD data codes, the three AD group types, the service account by DN
 * and by UPN, ldaps:// with the DC's CA, and the worked configuration of docs/active-directory.md.
 *
 * One DC for the whole file. Every authenticator / strategy is closed after its test.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  LabelStudioLdapStrategy,
  LdapAuthenticator,
  LdapConfigError,
  LdapInfrastructureError,
  optionsFromEnv,
  type AuthResult,
  type LdapOptions,
  type LdapUser,
} from '../../lib';
import { testCerts } from '../support/certs';
import { captureLogger, type CapturedLogger } from '../support/env';
import {
  BASE_DN,
  describeWithSamba,
  SAMBA_START_TIMEOUT_MS,
  startSambaDc,
  type SambaDc,
} from '../support/samba';

const PW = 'Correct-Horse-1';
const SVC_PW = 'Svc-Reader-Pass-9';
const INVALID = 'Invalid username or password';
/** The filter docs/active-directory.md recommends: sAMAccountName, UPN or mail. */
const AD_FILTER =
  '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=%(user)s)(userPrincipalName=%(user)s)(mail=%(user)s)))';
/** The same without the objectCategory/objectClass guard, as issue 3 writes it. */
const PLAIN_FILTER = '(|(sAMAccountName=%(user)s)(userPrincipalName=%(user)s)(mail=%(user)s))';

const DOC = path.join(__dirname, '..', '..', 'docs', 'active-directory.md');

type Env = Record<string, string | undefined>;

type Outcome =
  | { kind: 'success'; user: LdapUser; info: unknown }
  | { kind: 'fail'; info: unknown; status: unknown }
  | { kind: 'error'; err: Error };

/** Drives the strategy the way passport does: success / fail / error on a per-request copy. */
function drive(strategy: LabelStudioLdapStrategy, body: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = Object.create(strategy) as LabelStudioLdapStrategy & {
      success: (user: unknown, info?: unknown) => void;
      fail: (info?: unknown, status?: number) => void;
      error: (err: Error) => void;
    };
    s.success = (user, info) => resolve({ kind: 'success', user: user as LdapUser, info });
    s.fail = (info, status) => resolve({ kind: 'fail', info, status });
    s.error = (err) => resolve({ kind: 'error', err });
    s.authenticate({ body });
  });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
}

function expectUser(r: AuthResult): LdapUser {
  if (!r.ok) throw new Error(`expected a login, got ${JSON.stringify(r)}`);
  return r.user;
}

describeWithSamba('Active Directory (real Samba AD DC)', () => {
  let dc: SambaDc;
  let svcDn: string;
  let aliceDn: string;
  let bobDn: string;
  let team1: string;
  let annotators: string;
  const open: Array<{ close(): Promise<void> }> = [];

  /** Search mode from the domain root, usernames allowed, sAMAccountName as the username. */
  function adEnv(overrides: Env = {}): Record<string, string> {
    const env: Env = {
      AUTH_LDAP_ENABLED: '1',
      AUTH_LDAP_SERVER_URI: dc.url,
      AUTH_LDAP_BIND_DN: svcDn,
      AUTH_LDAP_BIND_PASSWORD: SVC_PW,
      USE_USERNAME_FOR_LOGIN: '1',
      AUTH_LDAP_USER_SEARCH_BASES: BASE_DN,
      AUTH_LDAP_USER_ATTR_MAP_USERNAME: 'sAMAccountName',
      ...overrides,
    };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
    return out;
  }

  function make(overrides: Env = {}): { auth: LdapAuthenticator; log: CapturedLogger } {
    const log = captureLogger();
    const auth = new LdapAuthenticator(optionsFromEnv(adEnv(overrides)), { logger: log.logger });
    open.push(auth);
    return { auth, log };
  }

  function makeWith(options: LdapOptions): { auth: LdapAuthenticator; log: CapturedLogger } {
    const log = captureLogger();
    const auth = new LdapAuthenticator(options, { logger: log.logger });
    open.push(auth);
    return { auth, log };
  }

  function strategy(overrides: Env = {}): { strategy: LabelStudioLdapStrategy; log: CapturedLogger } {
    const log = captureLogger();
    const s = new LabelStudioLdapStrategy({ ...optionsFromEnv(adEnv(overrides)), logger: log.logger });
    open.push(s);
    return { strategy: s, log };
  }

  beforeAll(async () => {
    dc = await startSambaDc();
    svcDn = (await dc.addUser('svc', SVC_PW, { ou: 'Service Accounts', givenName: 'Label Studio', surname: 'Reader' })).dn;
    aliceDn = (
      await dc.addUser('alice', PW, {
        givenName: 'Alice',
        surname: 'Smith',
        mail: 'alice.smith@example.com',
        upn: 'alice@corp.example.test',
      })
    ).dn;
    bobDn = (
      await dc.addUser('bjones', PW, {
        cn: 'Jones, Bob (Contractor)',
        givenName: 'Bob',
        surname: 'Jones',
        mail: 'bob.jones@example.com',
        upn: 'bjones@corp.example.test',
        ou: 'Contractors',
      })
    ).dn;
    team1 = await dc.addGroup('team1', { ou: 'Groups', members: ['alice', 'bjones'] });
    annotators = await dc.addGroup('annotators', { ou: 'Groups' });
    await dc.addGroupMember('annotators', 'team1');
  }, SAMBA_START_TIMEOUT_MS);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  test('fixture DNs are what the docs show', () => {
    expect(svcDn).toBe('CN=svc,OU=Service Accounts,DC=corp,DC=example,DC=test');
    expect(bobDn).toBe('CN=Jones\\, Bob (Contractor),OU=Contractors,DC=corp,DC=example,DC=test');
    expect(team1).toBe('CN=team1,OU=Groups,DC=corp,DC=example,DC=test');
    expect(annotators).toBe('CN=annotators,OU=Groups,DC=corp,DC=example,DC=test');
  });

  // ------------------------------------------------------------------ login names

  describe('login names with AUTH_LDAP_USER_ATTR_MAP_USERNAME=sAMAccountName', () => {
    test.each([
      ['the recommended filter', AD_FILTER],
      ['the plain OR filter of issue 3', PLAIN_FILTER],
    ])('%s: sAMAccountName, userPrincipalName and mail all log in as the same entry', async (_name, filter) => {
      const { auth } = make({ AUTH_LDAP_USER_SEARCH_FILTER: filter });
      for (const login of ['alice', 'alice@corp.example.test', 'alice.smith@example.com', 'ALICE']) {
        const user = expectUser(await auth.authenticate(login, PW));
        expect(user).toMatchObject({
          dn: aliceDn,
          username: 'alice',
          email: 'alice.smith@example.com',
          firstName: 'Alice',
          lastName: 'Smith',
          lookup: { field: 'email', value: 'alice.smith@example.com' },
        });
      }
    });

    test('the default filter (|(sAMAccountName=...)(mail=...)) takes sAMAccountName and mail, but not a UPN that differs from mail', async () => {
      const { auth, log } = make();
      expect(auth.options.userSearchFilter).toBe('(|(sAMAccountName=%(user)s)(mail=%(user)s))');
      expect(expectUser(await auth.authenticate('alice', PW)).dn).toBe(aliceDn);
      expect(expectUser(await auth.authenticate('alice.smith@example.com', PW)).dn).toBe(aliceDn);
      expect(await auth.authenticate('alice@corp.example.test', PW)).toEqual({
        ok: false,
        status: 401,
        code: 'INVALID_CREDENTIALS',
        message: INVALID,
      });
      expect(log.lines().join('\n')).toMatch(/no such user.*alice@corp\.example\.test/);
    });

    test('a CN with a comma and parentheses logs in by every name; user.dn is the server spelling', async () => {
      const { auth } = make({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
      for (const login of ['bjones', 'bjones@corp.example.test', 'bob.jones@example.com']) {
        const user = expectUser(await auth.authenticate(login, PW));
        expect(user.dn).toBe('CN=Jones\\, Bob (Contractor),OU=Contractors,DC=corp,DC=example,DC=test');
        expect(user).toMatchObject({ username: 'bjones', email: 'bob.jones@example.com', firstName: 'Bob', lastName: 'Jones' });
      }
      // A login name with filter metacharacters is only ever a value, never filter syntax.
      expect(await auth.authenticate('Jones, Bob (Contractor)', PW)).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS' });
      expect(await auth.authenticate('bj*', PW)).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS' });
    });

    test('an AD user without mail: 403 MISSING_LOOKUP_ATTRIBUTE by default; AUTH_LDAP_USER_ATTR_MAP_EMAIL=userPrincipalName fixes it', async () => {
      await dc.addUser('nomail', PW, { givenName: 'No', surname: 'Mail' });
      const plain = make({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
      expect(await plain.auth.authenticate('nomail', PW)).toMatchObject({
        ok: false,
        status: 403,
        code: 'MISSING_LOOKUP_ATTRIBUTE',
      });
      const upnAsEmail = make({
        AUTH_LDAP_USER_SEARCH_FILTER: '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=%(user)s)(userPrincipalName=%(user)s)))',
        AUTH_LDAP_USER_ATTR_MAP_EMAIL: 'userPrincipalName',
      });
      expect(expectUser(await upnAsEmail.auth.authenticate('nomail@corp.example.test', PW))).toMatchObject({
        username: 'nomail',
        email: 'nomail@corp.example.test',
        lookup: { field: 'email', value: 'nomail@corp.example.test' },
      });
    });
  });

  // ------------------------------------------------------------------ domain root, references

  test('searching from the domain root: AD returns search references, they are ignored, the user is found, nothing errors', async () => {
    // Precondition: the DC really answers a root subtree search with continuation references.
    const raw = await dc.search('(sAMAccountName=alice)', { attrs: ['1.1'] });
    expect(raw.entries.map((e) => e.dn)).toEqual([aliceDn]);
    expect(raw.references.length).toBeGreaterThan(0);

    const { auth, log } = make({
      AUTH_LDAP_USER_SEARCH_FILTER: PLAIN_FILTER,
      AUTH_LDAP_GROUP_TYPE: 'activeDirectory',
      AUTH_LDAP_GROUP_SEARCH_BASE_DN: BASE_DN,
    });
    expect(auth.options.userSearchBases).toEqual([BASE_DN]);
    for (const login of ['alice', 'alice@corp.example.test']) {
      const user = expectUser(await auth.authenticate(login, PW));
      expect(user.dn).toBe(aliceDn);
      expect(user.groups).toEqual([team1]); // the group search from the root is fine too
    }
    expect(await auth.authenticate('nobody-here', PW)).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS', status: 401 });
    const lines = log.lines();
    expect(lines.filter((l) => l.startsWith('error:'))).toEqual([]);
    // The only warning is the one about plain ldap:// (from the options), none about referrals.
    expect(lines.filter((l) => l.startsWith('warn:') && !/not encrypted/.test(l))).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/referral|reference|Configuration/i);
  });

  test('a search base missing in the domain, or outside it, is a warning; the other bases still count', async () => {
    const missing = `OU=Missing,${BASE_DN}`;
    const elsewhere = 'DC=elsewhere,DC=test';
    const { auth, log } = make({
      AUTH_LDAP_USER_SEARCH_BASES: `${missing};${elsewhere};${BASE_DN}`,
      AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER,
    });
    expect(expectUser(await auth.authenticate('alice', PW)).dn).toBe(aliceDn);
    const warnings = log.lines().filter((l) => l.startsWith('warn:'));
    expect(warnings.some((l) => l.includes(`base "${missing}" does not exist`))).toBe(true);
    expect(warnings.some((l) => l.includes(`base "${elsewhere}" does not exist`))).toBe(true);
    expect(log.lines().filter((l) => l.startsWith('error:'))).toEqual([]);
  });

  // ------------------------------------------------------------------ account states

  describe('account states are failures with codes, not errors', () => {
    const states: Array<{
      name: string;
      sam: string;
      setup: (sam: string) => Promise<void>;
      code: string;
      message: string;
      data: string;
    }> = [
      { name: 'disabled', sam: 'st-disabled', setup: (s) => dc.disableUser(s), code: 'ACCOUNT_DISABLED', message: 'Your account is disabled', data: '533' },
      { name: 'expired account', sam: 'st-expired', setup: (s) => dc.expireUser(s), code: 'ACCOUNT_EXPIRED', message: 'Your account has expired', data: '701' },
      {
        name: 'must change password',
        sam: 'st-mustchange',
        setup: (s) => dc.mustChangePassword(s),
        code: 'PASSWORD_MUST_CHANGE',
        message: 'You must change your password before signing in',
        data: '773',
      },
      { name: 'password expired', sam: 'st-pwexpired', setup: (s) => dc.expirePassword(s), code: 'PASSWORD_EXPIRED', message: 'Your password has expired', data: '532' },
    ];

    test.each(states)('$name -> $code (AD data $data), 401, detail in the log', async ({ sam, setup, code, message, data }) => {
      const u = await dc.addUser(sam, PW, { mail: `${sam}@example.com` });
      await setup(sam);
      const { auth, log } = make({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
      const r = await auth.authenticate(sam, PW);
      expect(r).toEqual({ ok: false, status: 401, code, message });
      // short and honest: no AD jargon in what the user sees
      expect(message).not.toMatch(/\bdata\b|\b(52e|525|530|531|532|533|701|773|775)\b|LDAP|80090308|AcceptSecurityContext/i);
      const detail = log.lines().find((l) => l.includes(`(${data})`));
      expect(detail).toBeDefined();
      // Account states are logged at warn, so the default logger (warn + error) shows them.
      expect(detail).toMatch(/^warn: LDAP login refused: /);
      expect(detail).toContain(`data ${data}`); // the server's diagnostic
      expect(detail).toContain(u.dn);
      expect(log.lines().join('\n')).not.toContain(PW);
      // AD reports the state only for the right password: a wrong one stays the generic failure.
      expect(await auth.authenticate(sam, 'wrong-password')).toEqual({ ok: false, status: 401, code: 'INVALID_CREDENTIALS', message: INVALID });
      expect(log.lines().join('\n')).toMatch(/invalid credentials \(52e\)/);
    });

    test('wrong password -> INVALID_CREDENTIALS with the generic message; the log has data 52e', async () => {
      const { auth, log } = make({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
      expect(await auth.authenticate('alice', 'not-the-password')).toEqual({
        ok: false,
        status: 401,
        code: 'INVALID_CREDENTIALS',
        message: INVALID,
      });
      const detail = log.lines().find((l) => /invalid credentials \(52e\)/.test(l));
      expect(detail).toMatch(/data 52e/);
      expect(log.lines().join('\n')).not.toContain('not-the-password');
    });

    test('locked out after repeated bad passwords (lockout threshold 3) -> ACCOUNT_LOCKED (775)', async () => {
      const u = await dc.addUser('st-locked', PW, { mail: 'st-locked@example.com' });
      await dc.setLockout(3);
      try {
        const { auth, log } = make({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
        for (let i = 0; i < 3; i++) {
          expect(await auth.authenticate('st-locked', `bad-${i}`)).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS', status: 401 });
        }
        expect(await auth.authenticate('st-locked', PW)).toEqual({
          ok: false,
          status: 401,
          code: 'ACCOUNT_LOCKED',
          message: 'Your account is locked',
        });
        // Once locked, AD says 775 whatever the password.
        expect(await auth.authenticate('st-locked', 'bad-again')).toMatchObject({ code: 'ACCOUNT_LOCKED' });
        const detail = log.lines().find((l) => l.includes('(775)'));
        expect(detail).toMatch(/account locked out \(775\).*data 775/);
        expect(detail).toContain('st-locked');
        await dc.unlockUser('st-locked');
        expect(expectUser(await auth.authenticate('st-locked', PW)).dn).toBe(u.dn);
      } finally {
        await dc.setLockout(0);
      }
    });

    test('through the strategy: fail({ message, code }, 401) for a disabled account and a wrong password; success for alice', async () => {
      await dc.addUser('st-strategy', PW, { mail: 'st-strategy@example.com' });
      await dc.disableUser('st-strategy');
      const { strategy: s, log } = strategy({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });

      expect(await drive(s, { username: 'st-strategy', password: PW })).toEqual({
        kind: 'fail',
        info: { message: 'Your account is disabled', code: 'ACCOUNT_DISABLED' },
        status: 401,
      });
      expect(log.lines().join('\n')).toMatch(/account disabled \(533\).*data 533/);

      expect(await drive(s, { username: 'alice', password: 'nope' })).toEqual({
        kind: 'fail',
        info: { message: INVALID, code: 'INVALID_CREDENTIALS' },
        status: 401,
      });

      const ok = await drive(s, { username: 'bjones@corp.example.test', password: PW });
      if (ok.kind !== 'success') throw new Error(`expected success, got ${JSON.stringify(ok)}`);
      expect(ok.user.dn).toBe(bobDn);
    });
  });

  // ------------------------------------------------------------------ group types

  describe('group types: alice in team1, team1 in annotators (annotator role mapped to annotators)', () => {
    const roleEnv = (type: string): Env => ({
      AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER,
      AUTH_LDAP_GROUP_TYPE: type,
      AUTH_LDAP_GROUP_SEARCH_BASE_DN: BASE_DN,
      AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=group)',
      AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: annotators,
      AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON.stringify({ 'Team 1': team1, Annotation: annotators }),
    });

    test.each(['memberOf', 'activeDirectory', 'ActiveDirectoryGroupType'])(
      '%s: only the direct group; the role is null (manual role management)',
      async (type) => {
        const { auth } = make(roleEnv(type));
        for (const login of ['alice', 'bjones']) {
          const user = expectUser(await auth.authenticate(login, PW));
          expect(user.groups).toEqual([team1]);
          expect(user.role).toBeNull();
          expect(user.workspaces).toEqual(['Team 1']);
        }
      },
    );

    test.each(['nestedActiveDirectory', 'NestedActiveDirectoryGroupType'])(
      '%s: the in-chain rule finds annotators through team1 -> annotator (also for the CN with a comma and parentheses)',
      async (type) => {
        const { auth, log } = make(roleEnv(type));
        for (const login of ['alice', 'bjones']) {
          const user = expectUser(await auth.authenticate(login, PW));
          expect([...user.groups].sort()).toEqual([annotators, team1].sort());
          expect(user.role).toBe('annotator');
          expect(user.workspaces).toEqual(['Team 1', 'Annotation']);
        }
        expect(log.lines().filter((l) => l.startsWith('error:'))).toEqual([]);
      },
    );

    test('a group DN in the mapping written in another case and spacing still matches', async () => {
      const { auth } = make({
        ...roleEnv('nestedActiveDirectory'),
        AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: 'cn=ANNOTATORS, ou=groups, dc=corp, dc=example, dc=test',
      });
      expect(expectUser(await auth.authenticate('alice', PW)).role).toBe('annotator');
    });
  });

  // ------------------------------------------------------------------ service account

  describe('service account', () => {
    test('by DN', async () => {
      const { auth } = make({ AUTH_LDAP_BIND_DN: svcDn, AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
      expect(expectUser(await auth.authenticate('alice', PW)).dn).toBe(aliceDn);
    });

    // Issue 3 requires "Service account by UPN (svc@corp.example.test) or by DN". lib/options
    // refuses a UPN in AUTH_LDAP_BIND_DN (semantics.md: "The DN must parse as a DN"): reported.
    test('by UPN (svc@corp.example.test) in AUTH_LDAP_BIND_DN', async () => {
      let options: LdapOptions | undefined;
      let configError: unknown = null;
      try {
        options = optionsFromEnv(adEnv({ AUTH_LDAP_BIND_DN: 'svc@corp.example.test', AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER }));
      } catch (e) {
        configError = e;
      }
      expect(configError instanceof LdapConfigError ? configError.problems : configError).toBeNull();
      const { auth } = makeWith(options as LdapOptions);
      expect(expectUser(await auth.authenticate('alice', PW)).dn).toBe(aliceDn);
    });

    test('below the option validation, a UPN or DOMAIN\\user service bind works against AD (the fix belongs in lib/options only)', async () => {
      const base = optionsFromEnv(adEnv({ AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER }));
      for (const bindDn of ['svc@corp.example.test', 'CORP\\svc']) {
        const { auth } = makeWith({ ...base, bindDn });
        expect(expectUser(await auth.authenticate('alice', PW)).dn).toBe(aliceDn);
      }
    });

    test('a wrong service password is an error of kind SERVICE_BIND that shows the AD data code, never the password', async () => {
      const wrong = 'Wrong-Svc-Secret-77';
      const { auth, log } = make({ AUTH_LDAP_BIND_PASSWORD: wrong, AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER });
      const err = await rejection(auth.authenticate('alice', PW));
      expect(err).toBeInstanceOf(LdapInfrastructureError);
      const e = err as LdapInfrastructureError;
      expect(e.kind).toBe('SERVICE_BIND');
      expect(e.ldapCode).toBe(49);
      expect(e.message).toContain(`AUTH_LDAP_BIND_DN=${svcDn}`);
      expect(e.message).toMatch(/data 52e/);
      expect(JSON.stringify({ ...e, message: e.message })).not.toContain(wrong);
      expect(log.lines().join('\n')).not.toContain(wrong);
    });
  });

  // ------------------------------------------------------------------ TLS

  describe('ldaps:// to the DC on 636', () => {
    test("with the DC's CA in OPT_X_TLS_CACERTFILE: logs in (UPN login, nested groups)", async () => {
      const { auth, log } = make({
        AUTH_LDAP_SERVER_URI: dc.ldapsUrl,
        AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=${dc.caFile}`,
        AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER,
        AUTH_LDAP_GROUP_TYPE: 'nestedActiveDirectory',
        AUTH_LDAP_GROUP_SEARCH_BASE_DN: BASE_DN,
        AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: annotators,
      });
      expect(auth.options.servers.map((s) => s.secure)).toEqual([true]);
      const user = expectUser(await auth.authenticate('alice@corp.example.test', PW));
      expect(user).toMatchObject({ dn: aliceDn, role: 'annotator' });
      expect(log.lines().join('\n')).not.toMatch(/not encrypted/);
    });

    test('with another CA: an error of kind TLS that names OPT_X_TLS_CACERTFILE (also through the strategy)', async () => {
      const overrides = {
        AUTH_LDAP_SERVER_URI: dc.ldapsUrl,
        AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=${(await testCerts()).otherCaFile}`,
        AUTH_LDAP_USER_SEARCH_FILTER: AD_FILTER,
      };
      const { auth } = make(overrides);
      const err = await rejection(auth.authenticate('alice', PW));
      expect(err).toBeInstanceOf(LdapInfrastructureError);
      expect((err as LdapInfrastructureError).kind).toBe('TLS');
      expect((err as Error).message).toContain('OPT_X_TLS_CACERTFILE');
      expect((err as Error).message).toContain(dc.ldapsUrl.replace(/\/$/, ''));

      const { strategy: s } = strategy(overrides);
      const out = await drive(s, { username: 'alice', password: PW });
      if (out.kind !== 'error') throw new Error(`expected error, got ${JSON.stringify(out)}`);
      expect(out.err).toBeInstanceOf(LdapInfrastructureError);
      expect((out.err as LdapInfrastructureError).kind).toBe('TLS');
    });
  });

  // ------------------------------------------------------------------ the documented configuration

  test('the worked configuration in docs/active-directory.md logs in against the DC (URI, CA file and password substituted)', async () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const m = /<!-- worked-example -->\s*```bash\n([\s\S]*?)```/.exec(text);
    expect(m).not.toBeNull();
    const env: Record<string, string> = {};
    for (const line of (m as RegExpExecArray)[1].split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const eq = t.indexOf('=');
      env[t.slice(0, eq)] = t.slice(eq + 1);
    }
    // What the example must keep showing.
    expect(env.AUTH_LDAP_SERVER_URI).toMatch(/^ldaps:\/\//);
    expect(env.AUTH_LDAP_CONNECTION_OPTIONS).toMatch(/OPT_X_TLS_CACERTFILE=/);
    expect(env.AUTH_LDAP_GROUP_TYPE).toBe('nestedActiveDirectory');
    expect(env.AUTH_LDAP_USER_ATTR_MAP_USERNAME).toBe('sAMAccountName');
    expect(env.AUTH_LDAP_USER_SEARCH_FILTER).toBe(AD_FILTER);
    expect(env.AUTH_LDAP_BIND_DN).toBe(svcDn);

    env.AUTH_LDAP_SERVER_URI = dc.ldapsUrl;
    env.AUTH_LDAP_CONNECTION_OPTIONS = env.AUTH_LDAP_CONNECTION_OPTIONS.replace(
      /OPT_X_TLS_CACERTFILE=[^;]*/,
      `OPT_X_TLS_CACERTFILE=${dc.caFile}`,
    );
    env.AUTH_LDAP_BIND_PASSWORD = SVC_PW;
    const options = optionsFromEnv(env);
    expect(options.warnings).toEqual([]);
    const { auth } = makeWith(options);
    for (const login of ['alice', 'alice@corp.example.test', 'alice.smith@example.com']) {
      expect(expectUser(await auth.authenticate(login, PW))).toMatchObject({
        dn: aliceDn,
        username: 'alice',
        email: 'alice.smith@example.com',
        role: 'annotator',
        workspaces: ['Team 1'],
      });
    }
    expect(expectUser(await auth.authenticate('bjones', PW))).toMatchObject({ dn: bobDn, role: 'annotator' });
  });
});
