/**
 * LabelStudioLdapStrategy in a real Express 4 app with passport and supertest, against a real
 * slapd: verify variants, where credentials come from, the outcome table of semantics.md
 * section 2, injection, secrets and close().
 */
import express from 'express';
import passport from 'passport';
import request from 'supertest';
import { LabelStudioLdapStrategy, LdapConfigError, optionsFromEnv } from '../../lib';
import type { LdapUser, StrategySettings, VerifyDone, VerifyFunction, VerifyFunctionWithRequest } from '../../lib';
import { captureLogger, GROUP_BASE, ldapEnv, PEOPLE_BASE, type EnvOverrides } from '../support/env';
import { describeWithSlapd, startSlapd, type SlapdServer } from '../support/slapd';
import { socketsTo } from '../support/sockets';

const P = PEOPLE_BASE;
const INVALID = 'Invalid username or password';

interface Outcome {
  err: Error | null;
  user: unknown;
  info: unknown;
  status: unknown;
}

interface TestApp {
  app: express.Express;
  outcomes: Outcome[];
  last(): Outcome;
}

/** An Express app with its own Passport instance: /login (custom callback) and /login-default. */
function makeApp(strategy: LabelStudioLdapStrategy, name: string = strategy.name): TestApp {
  const pp = new passport.Passport();
  pp.use(strategy as unknown as passport.Strategy);
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: true }));
  app.use(pp.initialize());
  const outcomes: Outcome[] = [];
  app.all('/login', (req, res, next) => {
    pp.authenticate(name, { session: false }, (err: Error | null, user: unknown, info: unknown, status: unknown) => {
      outcomes.push({ err, user, info, status });
      if (err) return res.status(500).json({ error: err.message });
      if (!user) return res.status(typeof status === 'number' ? status : 401).json({ info: info ?? null });
      return res.json({ user, info: info ?? null });
    })(req, res, next);
  });
  app.all('/login-default', pp.authenticate(name, { session: false }), (req, res) => {
    res.json({ user: req.user });
  });
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return {
    app,
    outcomes,
    last: () => {
      if (outcomes.length === 0) throw new Error('no outcome recorded');
      return outcomes[outcomes.length - 1];
    },
  };
}

/** Active TCP socket handles of this process (process.getActiveResourcesInfo). */
const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describeWithSlapd('LabelStudioLdapStrategy in Express + passport against slapd', () => {
  let server: SlapdServer;
  const strategies: LabelStudioLdapStrategy[] = [];

  beforeAll(async () => {
    server = await startSlapd();
  });

  afterEach(async () => {
    await Promise.all(strategies.splice(0).map((s) => s.close()));
  });

  function strategy(
    overrides: EnvOverrides = {},
    settings: StrategySettings = {},
    verify?: VerifyFunction | VerifyFunctionWithRequest,
  ): LabelStudioLdapStrategy {
    const s = new LabelStudioLdapStrategy(
      { ...optionsFromEnv(ldapEnv(server, overrides)), logger: captureLogger().logger, ...settings },
      verify,
    );
    strategies.push(s);
    return s;
  }

  function appFor(
    overrides: EnvOverrides = {},
    settings: StrategySettings = {},
    verify?: VerifyFunction | VerifyFunctionWithRequest,
  ): TestApp {
    return makeApp(strategy(overrides, settings, verify));
  }

  // ------------------------------------------------------------------ success and verify

  describe('success and the verify callback', () => {
    test('without verify: success(user) with the user object', async () => {
      const t = appFor({ AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: `cn=admins,${GROUP_BASE}` });
      const res = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res.status).toBe(200);
      const expected: LdapUser = {
        dn: `uid=alice,${P}`,
        username: 'alice',
        email: 'alice@example.test',
        firstName: 'Alice',
        lastName: 'Admin',
        groups: [`cn=admins,${GROUP_BASE}`],
        role: 'administrator',
        workspaces: [],
        organization: null,
        lookup: { field: 'email', value: 'alice@example.test' },
      };
      expect(res.body.user).toEqual(expected);
      expect(t.last()).toMatchObject({ err: null, user: expected });
      // the default callback route logs in too
      const def = await request(t.app).post('/login-default').send({ username: 'alice', password: 'alice-pw' });
      expect(def.status).toBe(200);
      expect(def.body.user).toEqual(expected);
    });

    test('verify(user, done): what done gives is the logged-in user, with its info', async () => {
      const seen: LdapUser[] = [];
      const t = appFor({}, {}, (user: LdapUser, done: VerifyDone) => {
        seen.push(user);
        done(null, { id: `local-${user.username}` }, { message: 'welcome' });
      });
      const res = await request(t.app).post('/login').send({ username: 'bob', password: 'bob-pw' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: { id: 'local-bob' }, info: { message: 'welcome' } });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ dn: `uid=bob,${P}`, username: 'bob', email: 'bob@example.test' });
      const def = await request(t.app).post('/login-default').send({ username: 'bob', password: 'bob-pw' });
      expect(def.body).toEqual({ user: { id: 'local-bob' } });
    });

    test('verify(req, user, done) with passReqToCallback', async () => {
      const verify: VerifyFunctionWithRequest = (req, user, done) => {
        done(null, { id: user.username, tenant: (req.body as { tenant?: string }).tenant, hasQuery: req.query !== undefined });
      };
      const t = appFor({}, { passReqToCallback: true }, verify);
      const res = await request(t.app).post('/login').send({ username: 'carol', password: 'carol-pw', tenant: 't-42' });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ id: 'carol', tenant: 't-42', hasQuery: true });
    });

    test('an async verify that returns the user', async () => {
      const t = appFor({}, {}, async (user: LdapUser) => {
        await tick();
        return { id: user.username, async: true };
      });
      const res = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ id: 'alice', async: true });
      // an async verify resolving to false or null refuses the login (401)
      for (const value of [false, null]) {
        const refusing = appFor({}, {}, async () => value);
        const r = await request(refusing.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
        expect([value, r.status]).toEqual([value, 401]);
        expect(refusing.last()).toMatchObject({ err: null, user: false, status: 401 });
      }
      // an async verify may still call done itself
      const viaDone = appFor({}, {}, async (user: LdapUser, done: VerifyDone) => {
        await tick();
        done(null, { id: user.username, viaDone: true });
      });
      const r2 = await request(viaDone.app).post('/login').send({ username: 'bob', password: 'bob-pw' });
      expect(r2.body.user).toEqual({ id: 'bob', viaDone: true });
    });

    test('verify calling done(null, false) is a 401 failure', async () => {
      const t = appFor({}, {}, (_user: LdapUser, done: VerifyDone) => done(null, false));
      const res = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res.status).toBe(401);
      expect(t.last()).toMatchObject({ err: null, user: false, status: 401, info: { message: INVALID } });
      const withInfo = appFor({}, {}, (_user: LdapUser, done: VerifyDone) => done(null, false, { message: 'No local account' }));
      const res2 = await request(withInfo.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res2.status).toBe(401);
      expect(withInfo.last()).toMatchObject({ err: null, user: false, status: 401, info: { message: 'No local account' } });
      expect((await request(withInfo.app).post('/login-default').send({ username: 'alice', password: 'alice-pw' })).status).toBe(401);
    });

    test('verify throwing (or rejecting, or done(err)) is an error', async () => {
      const throwing = appFor({}, {}, () => {
        throw new Error('verify exploded');
      });
      const res = await request(throwing.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res.status).toBe(500);
      expect(throwing.last().err).toBeInstanceOf(Error);
      expect(throwing.last().err?.message).toBe('verify exploded');
      const def = await request(throwing.app).post('/login-default').send({ username: 'alice', password: 'alice-pw' });
      expect([def.status, def.body]).toEqual([500, { error: 'verify exploded' }]);

      const rejecting = appFor({}, {}, async () => {
        throw new Error('async verify failed');
      });
      await request(rejecting.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(rejecting.last().err?.message).toBe('async verify failed');

      const doneErr = appFor({}, {}, (_u: LdapUser, done: VerifyDone) => done(new Error('db down')));
      await request(doneErr.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(doneErr.last().err?.message).toBe('db down');
    });

    test('a deactivated user is a 403 fail with code ACCOUNT_DEACTIVATED (verify not called)', async () => {
      const verify = jest.fn((user: LdapUser, done: (e: Error | null, u?: unknown) => void) => done(null, user));
      const t = appFor({ AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED: `cn=deactivated,${GROUP_BASE}` }, {}, verify);
      const res = await request(t.app).post('/login').send({ username: 'dave', password: 'dave-pw' });
      expect(res.status).toBe(403);
      expect(t.last()).toMatchObject({ err: null, user: false, status: 403, info: { code: 'ACCOUNT_DEACTIVATED' } });
      expect(t.last().info).toEqual({ message: expect.any(String), code: 'ACCOUNT_DEACTIVATED' });
      expect(verify).not.toHaveBeenCalled();
      expect((await request(t.app).post('/login-default').send({ username: 'dave', password: 'dave-pw' })).status).toBe(403);
    });
  });

  // ------------------------------------------------------------------ where credentials come from

  describe('credentials', () => {
    test('JSON body, urlencoded body, then query string', async () => {
      const t = appFor();
      const json = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(json.body.user?.username).toBe('alice');
      const form = await request(t.app).post('/login').type('form').send('username=bob&password=bob-pw');
      expect(form.body.user?.username).toBe('bob');
      const query = await request(t.app).get('/login').query({ username: 'carol', password: 'carol-pw' });
      expect(query.body.user?.username).toBe('carol');
      // body before query
      const both = await request(t.app)
        .post('/login?username=bob&password=bob-pw')
        .send({ username: 'alice', password: 'alice-pw' });
      expect(both.body.user?.username).toBe('alice');
      const bothWrong = await request(t.app)
        .post('/login?username=alice&password=alice-pw')
        .send({ username: 'alice', password: 'wrong' });
      expect(bothWrong.status).toBe(401);
      // each field falls back to the query on its own
      const mixed = await request(t.app).post('/login?password=alice-pw').send({ username: 'alice' });
      expect(mixed.body.user?.username).toBe('alice');
    });

    test('custom usernameField / passwordField', async () => {
      const t = appFor({}, { usernameField: 'login', passwordField: 'secret' });
      const ok = await request(t.app).post('/login').send({ login: 'alice', secret: 'alice-pw' });
      expect(ok.body.user?.username).toBe('alice');
      const q = await request(t.app).get('/login').query({ login: 'bob', secret: 'bob-pw' });
      expect(q.body.user?.username).toBe('bob');
      const defaults = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(defaults.status).toBe(400);
    });

    test('inherited properties are not credentials (__proto__ in JSON)', async () => {
      const t = appFor();
      const res = await request(t.app)
        .post('/login')
        .set('Content-Type', 'application/json')
        .send('{"__proto__":{"username":"alice","password":"alice-pw"}}');
      expect(res.status).toBe(400);
    });

    test("strategy name: 'ldap' by default, options.name otherwise", async () => {
      const plain = strategy();
      expect(plain.name).toBe('ldap');
      const custom = strategy({}, { name: 'corp-ldap' });
      expect(custom.name).toBe('corp-ldap');
      const t = makeApp(custom);
      const res = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res.body.user?.username).toBe('alice');
      // under its custom name only
      const wrongName = makeApp(custom, 'ldap');
      const res2 = await request(wrongName.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(res2.status).toBe(500);
      expect(res2.body.error).toMatch(/Unknown authentication strategy "ldap"/);
    });
  });

  // ------------------------------------------------------------------ outcome table

  describe('outcomes', () => {
    let t: TestApp;
    beforeEach(() => {
      t = appFor();
    });

    /** The request reached the strategy exactly once and ended in fail(status). */
    async function expectFail(req: request.Test, status: number): Promise<Outcome> {
      const before = t.outcomes.length;
      const res = await req;
      expect(t.outcomes.length).toBe(before + 1);
      const o = t.last();
      expect({ http: res.status, err: o.err, user: o.user, status: o.status }).toEqual({
        http: status,
        err: null,
        user: false,
        status,
      });
      return o;
    }

    test.each<[string, (a: express.Express) => request.Test]>([
      ['nothing', (a) => request(a).post('/login').send({})],
      ['no password', (a) => request(a).post('/login').send({ username: 'alice' })],
      ['no username', (a) => request(a).post('/login').send({ password: 'alice-pw' })],
      ['empty username', (a) => request(a).post('/login').send({ username: '', password: 'alice-pw' })],
      ['whitespace-only username', (a) => request(a).post('/login').send({ username: ' \t  ', password: 'alice-pw' })],
      ['number username', (a) => request(a).post('/login').send({ username: 42, password: 'alice-pw' })],
      ['array username (JSON)', (a) => request(a).post('/login').send({ username: ['alice'], password: 'alice-pw' })],
      ['object username (JSON)', (a) => request(a).post('/login').send({ username: { $ne: '' }, password: 'alice-pw' })],
      ['object password (JSON)', (a) => request(a).post('/login').send({ username: 'alice', password: { $gt: '' } })],
      ['qs username[]=a&username[]=b (body)', (a) => request(a).post('/login').type('form').send('username[]=a&username[]=b&password=alice-pw')],
      ['qs username[x]=y (body)', (a) => request(a).post('/login').type('form').send('username[x]=y&password=alice-pw')],
      ['qs username[]=a&username[]=b (query)', (a) => request(a).get('/login?username[]=a&username[]=b&password=alice-pw')],
      ['qs username[x]=y (query)', (a) => request(a).get('/login?username[x]=y&password=alice-pw')],
      ['repeated username=alice&username=alice (query)', (a) => request(a).get('/login?username=alice&username=alice&password=alice-pw')],
      ['qs password[]=alice-pw (body)', (a) => request(a).post('/login').type('form').send('username=alice&password[]=alice-pw')],
    ])('missing / malformed credentials: %s -> fail 400', async (_what, make) => {
      const o = await expectFail(make(t.app), 400);
      expect(o.info).toMatchObject({ message: expect.any(String) });
    });

    test('empty password -> 400, and no BIND (nor search) for that user reaches slapd', async () => {
      // warm up so the service connection exists before the log window opens
      await request(t.app).post('/login').send({ username: 'carol', password: 'carol-pw' });
      server.clearAccessLog();
      await expectFail(request(t.app).post('/login').send({ username: 'alice', password: '' }), 400);
      await expectFail(request(t.app).post('/login').send({ username: 'emptypw', password: '' }), 400);
      await expectFail(request(t.app).post('/login').type('form').send('username=alice&password='), 400);
      await expectFail(request(t.app).get('/login?username=alice&password='), 400);
      // positive control: a later login's BIND does show up, so the log is complete up to here
      await request(t.app).post('/login').send({ username: 'bob', password: 'bob-pw' });
      const log = await server.waitForAccessLog(/BIND dn="uid=bob,ou=people,dc=example,dc=test"/);
      expect(log).not.toMatch(/uid=alice/);
      expect(log).not.toMatch(/emptypw/);
      expect(log).not.toMatch(/BIND dn="" method=128/); // no anonymous (empty-password) bind
    });

    test('wrong password, unknown user and ambiguous twin: 401 with the same message', async () => {
      const wrong = await expectFail(request(t.app).post('/login').send({ username: 'alice', password: 'nope' }), 401);
      const unknown = await expectFail(request(t.app).post('/login').send({ username: 'nobody', password: 'nope' }), 401);
      const unknownMail = await expectFail(
        request(t.app).post('/login').send({ username: 'nobody@example.test', password: 'nope' }),
        401,
      );
      const twin = await expectFail(request(t.app).post('/login').send({ username: 'twin', password: 'twin-pw' }), 401);
      const twinMail = await expectFail(
        request(t.app).post('/login').send({ username: 'twin@example.test', password: 'twin-pw' }),
        401,
      );
      for (const o of [wrong, unknown, unknownMail, twin, twinMail]) {
        expect(o.info).toEqual({ message: INVALID, code: 'INVALID_CREDENTIALS' });
      }
      for (const body of [
        { username: 'alice', password: 'nope' },
        { username: 'nobody', password: 'nope' },
        { username: 'twin', password: 'twin-pw' },
      ]) {
        expect((await request(t.app).post('/login-default').send(body)).status).toBe(401);
      }
    });

    test('10,000-character username -> fail 400 (never error, never success)', async () => {
      const o = await expectFail(request(t.app).post('/login').send({ username: 'a'.repeat(10_000), password: 'alice-pw' }), 400);
      expect(o.info).toMatchObject({ message: expect.any(String) });
      await expectFail(request(t.app).post('/login').type('form').send(`username=${'b'.repeat(10_000)}&password=bob-pw`), 400);
      await expectFail(request(t.app).get(`/login?username=${'c'.repeat(10_000)}&password=alice-pw`), 400);
      // a very long password is a failure, not an error either
      const res = await request(t.app).post('/login').send({ username: 'alice', password: 'x'.repeat(10_000) });
      expect([400, 401]).toContain(res.status);
      expect(t.last()).toMatchObject({ err: null, user: false });
    });

    test('NUL bytes -> fail (never error, never success)', async () => {
      await expectFail(request(t.app).post('/login').send({ username: 'alice\u0000', password: 'alice-pw' }), 400);
      await expectFail(request(t.app).post('/login').send({ username: 'ali\u0000ce', password: 'alice-pw' }), 400);
      await expectFail(request(t.app).post('/login').send({ username: '\u0000', password: 'alice-pw' }), 400);
      await expectFail(request(t.app).post('/login').type('form').send('username=alice%00&password=alice-pw'), 400);
      for (const password of ['alice-pw\u0000', '\u0000alice-pw', '\u0000']) {
        const res = await request(t.app).post('/login').send({ username: 'alice', password });
        expect([password, res.status]).toEqual([password, expect.any(Number)]);
        expect([400, 401]).toContain(res.status);
        expect(t.last()).toMatchObject({ err: null, user: false });
      }
    });

    test.each(['*', 'al*', 'alice)(uid=*', '*)(|(uid=*', '\\', 'alice*', '*)', 'al\\2a', '(uid=alice)', 'alice\\'])(
      'injection %j with alice\'s password -> 401',
      async (name) => {
        await expectFail(request(t.app).post('/login').send({ username: name, password: 'alice-pw' }), 401);
        expect(t.last().info).toEqual({ message: INVALID, code: 'INVALID_CREDENTIALS' });
      },
    );

    test('the login name is filter-escaped exactly once (access log)', async () => {
      server.clearAccessLog();
      await request(t.app).post('/login').send({ username: 'al*', password: 'alice-pw' });
      await request(t.app).post('/login').send({ username: 'x)(uid=*', password: 'alice-pw' });
      await request(t.app).post('/login').send({ username: 'back\\slash', password: 'back-pw' });
      const log = await server.waitForAccessLog(/BIND dn="uid=back\\5[cC]slash/);
      expect(log).toMatch(/filter="\(\|\(uid=al\\2a\)\(mail=al\\2a\)\)"/i);
      expect(log).toMatch(/filter="\(\|\(uid=x\\29\\28uid=\\2a\)\(mail=x\\29\\28uid=\\2a\)\)"/i);
      expect(log).toMatch(/filter="\(\|\(uid=back\\5cslash\)\(mail=back\\5cslash\)\)"/i);
      expect(log).not.toMatch(/BIND dn="uid=alice/);
    });

    test.each([
      ['star*user', 'star-pw', `uid=star\\2Auser,${P}`],
      ['paren(x)', 'paren-pw', `uid=paren(x),${P}`],
      ['jones, bob', 'jones-pw', `uid=jones\\2C bob,${P}`],
      ['a+b=c', 'plus-pw', `uid=a\\2Bb\\3Dc,${P}`],
      ['quote"q', 'quote-pw', `uid=quote\\22q,${P}`],
      ['#hash', 'hash-pw', `uid=\\23hash,${P}`],
      ['back\\slash', 'back-pw', `uid=back\\5Cslash,${P}`],
      ['zoë', 'zoe-pw', `uid=zoë,${P}`],
    ])('special user %j logs in with its password', async (name, password) => {
      const res = await request(t.app).post('/login').send({ username: name, password });
      expect([name, res.status, t.last().err]).toEqual([name, 200, null]);
      expect(res.body.user.username).toBe(name);
      // and not with another user's password
      await expectFail(request(t.app).post('/login').send({ username: name, password: 'alice-pw' }), 401);
      // also when sent urlencoded
      const form = await request(t.app)
        .post('/login')
        .type('form')
        .send(`username=${encodeURIComponent(name)}&password=${encodeURIComponent(password)}`);
      expect(form.body.user?.username).toBe(name);
    });

    test('erin\'s UTF-8 password pässwörd-✓ works (JSON, urlencoded, query)', async () => {
      const pw = 'pässwörd-✓';
      expect((await request(t.app).post('/login').send({ username: 'erin', password: pw })).body.user?.username).toBe('erin');
      const form = await request(t.app)
        .post('/login')
        .type('form')
        .send(`username=erin&password=${encodeURIComponent(pw)}`);
      expect(form.body.user?.username).toBe('erin');
      const q = await request(t.app).get(`/login?username=erin&password=${encodeURIComponent(pw)}`);
      expect(q.body.user?.username).toBe('erin');
      // the Latin-1 / NFD look-alikes are different passwords
      await expectFail(request(t.app).post('/login').send({ username: 'erin', password: pw.normalize('NFD') }), 401);
      await expectFail(request(t.app).post('/login').send({ username: 'erin', password: 'passwoerd-✓' }), 401);
    });

    test('the password is used exactly as given (never trimmed)', async () => {
      await expectFail(request(t.app).post('/login').send({ username: 'alice', password: ' alice-pw' }), 401);
      await expectFail(request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw ' }), 401);
      // a blank (but not empty) password is a real password: refused by the server, never an anonymous bind
      server.clearAccessLog();
      await expectFail(request(t.app).post('/login').send({ username: 'alice', password: '   ' }), 401);
      const log = await server.waitForAccessLog(/BIND dn="uid=alice,ou=people,dc=example,dc=test" method=128[\s\S]*RESULT tag=97 err=49/);
      expect(log).not.toMatch(/BIND dn="" method=128/);
      const trimmedName = await request(t.app).post('/login').send({ username: '  alice  ', password: 'alice-pw' });
      expect(trimmedName.body.user?.username).toBe('alice');
    });
  });

  test('USE_USERNAME_FOR_LOGIN unset: `alice` fails 401 with no LDAP search; alice@example.test logs in', async () => {
    const t = appFor({ USE_USERNAME_FOR_LOGIN: undefined });
    await request(t.app).post('/login').send({ username: 'carol@example.test', password: 'carol-pw' }); // warm up
    server.clearAccessLog();
    const res = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
    expect(res.status).toBe(401);
    expect(t.last()).toMatchObject({ err: null, user: false, status: 401, info: { message: INVALID } });
    // positive control
    const ok = await request(t.app).post('/login').send({ username: 'bob@example.test', password: 'bob-pw' });
    expect(ok.body.user?.username).toBe('bob');
    const log = await server.waitForAccessLog(/BIND dn="uid=bob,ou=people,dc=example,dc=test"/);
    const searches = log.split('\n').filter((l) => / SRCH /.test(l));
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.filter((l) => /alice/.test(l))).toEqual([]);
    expect(log).not.toMatch(/uid=alice/);
    const mail = await request(t.app).post('/login').send({ username: 'alice@example.test', password: 'alice-pw' });
    expect(mail.body.user).toMatchObject({ username: 'alice', email: 'alice@example.test' });
  });

  // ------------------------------------------------------------------ secrets

  test('no password ever appears in a log line, an error, its properties or a failure info', async () => {
    const USER_SECRET = 'Zq9~distinctive-USER-secret-Ω';
    const SERVICE_SECRET = 'Kx7~distinctive-SERVICE-secret-Ψ';
    const secrets = [USER_SECRET, SERVICE_SECRET, server.servicePassword, 'alice-pw'];
    const cap = captureLogger();
    const texts: string[] = [];

    /** Every string reachable from an error (own properties, cause chain), for the leak check. */
    const collect = (value: unknown, depth = 0): void => {
      if (value === null || value === undefined || depth > 4) return;
      if (typeof value === 'string') return void texts.push(value);
      if (typeof value !== 'object') return void texts.push(String(value));
      try {
        texts.push(JSON.stringify(value) ?? '');
      } catch {
        /* circular */
      }
      for (const k of Object.getOwnPropertyNames(value)) {
        collect((value as Record<string, unknown>)[k], depth + 1);
      }
    };

    const goodStrategy = strategy({}, { logger: cap.logger });
    const badStrategy = strategy({ AUTH_LDAP_BIND_PASSWORD: SERVICE_SECRET }, { logger: cap.logger });
    const good = makeApp(goodStrategy);
    const badService = makeApp(badStrategy);

    // a successful login first (alice-pw must not be logged either)
    const ok = await request(good.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
    expect(ok.status).toBe(200);
    texts.push(JSON.stringify(ok.body));

    const attempts: Array<[TestApp, Record<string, string>]> = [
      [good, { username: 'alice', password: USER_SECRET }],
      [good, { username: 'nobody', password: USER_SECRET }],
      [good, { username: 'twin', password: USER_SECRET }],
      [good, { username: 'alice)(uid=*', password: USER_SECRET }],
      [good, { username: 'a'.repeat(5000), password: USER_SECRET }],
      [good, { username: 'ali\u0000ce', password: USER_SECRET }],
      [badService, { username: 'alice', password: USER_SECRET }],
      [badService, { username: 'alice', password: 'alice-pw' }],
    ];
    for (const [t, body] of attempts) {
      for (const path of ['/login', '/login-default']) {
        const res = await request(t.app).post(path).send(body);
        texts.push(res.text);
      }
      const o = t.last();
      collect(o.err);
      collect(o.info);
    }
    // the wrong service password is an error (not a fail), with a message saying what failed
    const svcErr = badService.last().err;
    expect(svcErr).toBeInstanceOf(Error);
    expect(svcErr?.message).toMatch(/AUTH_LDAP_BIND_DN/);
    expect(good.last().err).toBeNull();

    // straight from the authenticator too
    const rejected = await badStrategy.authenticator.authenticate('alice', USER_SECRET).then(
      () => null,
      (e: unknown) => e,
    );
    expect(rejected).toBeInstanceOf(Error);
    collect(rejected);

    // configuration errors
    try {
      optionsFromEnv(ldapEnv(server, { AUTH_LDAP_BIND_DN: 'not a dn', AUTH_LDAP_BIND_PASSWORD: SERVICE_SECRET }));
      throw new Error('expected a configuration error');
    } catch (e) {
      expect(e).toBeInstanceOf(LdapConfigError);
      collect(e);
    }
    const withWarnings = optionsFromEnv(ldapEnv(server, { AUTH_LDAP_BIND_PASSWORD: SERVICE_SECRET, AUTH_LDAP_BND_PASSWORD: 'x' }));
    collect(withWarnings.warnings);

    texts.push(...cap.lines());
    expect(cap.lines().length).toBeGreaterThan(0); // the failures were logged ...
    for (const secret of secrets) {
      const leaks = texts.filter((s) => s.includes(secret));
      expect({ secret, leaks }).toEqual({ secret, leaks: [] }); // ... without any secret
    }
  });

  // ------------------------------------------------------------------ close()

  describe('close()', () => {
    test('resolves and leaves no socket to the slapd port open', async () => {
      const handlesBefore = tcpHandles();
      const s = new LabelStudioLdapStrategy({ ...optionsFromEnv(ldapEnv(server)), logger: captureLogger().logger });
      strategies.push(s);
      const t = makeApp(s);
      // several logins at once, so the bind pool holds more than one connection
      const users = ['alice', 'bob', 'carol', 'u01', 'u02', 'u03'];
      const results = await Promise.all(
        users.map((u) =>
          request(t.app)
            .post('/login')
            .send({ username: u, password: u === 'alice' ? 'alice-pw' : u.startsWith('u') ? `pw-${u}` : `${u}-pw` }),
        ),
      );
      expect(results.map((r) => r.body.user?.username)).toEqual(users);
      expect(socketsTo(server.port).length).toBeGreaterThan(1);

      await expect(s.close()).resolves.toBeUndefined();
      await tick();
      expect(socketsTo(server.port)).toEqual([]);
      expect(tcpHandles()).toBeLessThanOrEqual(handlesBefore);

      // a second close() resolves too; a login afterwards is an error, and opens nothing
      await expect(s.close()).resolves.toBeUndefined();
      const after = await request(t.app).post('/login').send({ username: 'alice', password: 'alice-pw' });
      expect(after.status).toBe(500);
      expect(t.last().err).toBeInstanceOf(Error);
      expect(t.last().err?.message).toMatch(/close/);
      await tick();
      expect(socketsTo(server.port)).toEqual([]);
    });

    test('close() while logins are in flight: every login settles, no socket stays open', async () => {
      const s = new LabelStudioLdapStrategy({ ...optionsFromEnv(ldapEnv(server)), logger: captureLogger().logger });
      strategies.push(s);
      const t = makeApp(s);
      const inflight = ['u04', 'u05', 'u06', 'u07', 'u08'].map((u) =>
        request(t.app).post('/login').send({ username: u, password: `pw-${u}` }).then((r) => r.status),
      );
      await new Promise((r) => setTimeout(r, 5));
      await s.close();
      const statuses = await Promise.all(inflight);
      for (const st of statuses) expect([200, 500]).toContain(st);
      for (const o of t.outcomes) expect(o.err === null ? o.user : o.err).toBeTruthy(); // success or error, never a fail
      await new Promise((r) => setTimeout(r, 50));
      expect(socketsTo(server.port)).toEqual([]);
    });
  });
});
