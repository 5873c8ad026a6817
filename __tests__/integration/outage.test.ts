// Outage drills against real slapd, through LabelStudioLdapStrategy driven exactly as Passport
// drives it (Object.create(strategy) with success / fail / error assigned, then authenticate(req)):
// a server stopped and restarted in the middle of a stream of logins, two servers with failover,
// a listener that accepts and never answers, and 200 concurrent logins of 50 users. No unhandled
// 'error' event or rejection may happen anywhere in this file.
import { LabelStudioLdapStrategy, LdapInfrastructureError, optionsFromEnv, silentLogger, type LdapUser } from '../../lib';
import { GROUP_BASE, ldapEnv, PEOPLE_BASE, type EnvOverrides } from '../support/env';
import { describeWithSlapd, startSlapd, type SlapdServer } from '../support/slapd';
import { silentListener, watchUnhandled } from '../support/sockets';

// OPT_NETWORK_TIMEOUT=1 s (connect), OPT_TIMEOUT=2 s (each operation).
const NETWORK_TIMEOUT_MS = 1000;
const OP_TIMEOUT_MS = 2000;
const TIMEOUTS = `OPT_NETWORK_TIMEOUT=${NETWORK_TIMEOUT_MS / 1000};OPT_TIMEOUT=${OP_TIMEOUT_MS / 1000}`;
/**
 * Longest a login may take when every step hits its timeout: service connection (connect, then
 * the service bind), user search, bind connection (connect), user bind, group search; the
 * connect guard adds 250 ms. Slack for a loaded machine on top.
 */
const WORST_LOGIN_MS = 2 * (NETWORK_TIMEOUT_MS + 250) + 4 * OP_TIMEOUT_MS;
const SLACK_MS = 1500;

const ANNOTATORS = `cn=annotators,${GROUP_BASE}`;
const TEAM1 = `cn=team1,${GROUP_BASE}`;
const TEAM2 = `cn=team2,${GROUP_BASE}`;

const pad = (n: number): string => String(n).padStart(2, '0');
const dnOf = (n: number): string => `uid=u${pad(n)},${PEOPLE_BASE}`;

/** u21..u50 (u01..u20 are in the base fixture), each alone in its own group cn=solo-uNN. */
function extraUsersLdif(): string {
  const out: string[] = [];
  for (let n = 21; n <= 50; n++) {
    const u = `u${pad(n)}`;
    out.push(
      `dn: ${dnOf(n)}\nobjectClass: inetOrgPerson\nuid: ${u}\ncn: User ${u.toUpperCase()}\nsn: ${u.toUpperCase()}\n` +
        `givenName: User\nmail: ${u}@example.test\nuserPassword: pw-${u}\n`,
      `dn: cn=solo-${u},${GROUP_BASE}\nobjectClass: groupOfNames\ncn: solo-${u}\nmember: ${dnOf(n)}\n`,
    );
  }
  return out.join('\n');
}

/** The groups user uNN is in, as the fixture defines them (lower-cased DNs). */
function expectedGroups(n: number): string[] {
  if (n <= 20) return [ANNOTATORS, n % 2 ? TEAM1 : TEAM2].map((g) => g.toLowerCase()).sort();
  return [`cn=solo-u${pad(n)},${GROUP_BASE}`.toLowerCase()];
}

type Outcome =
  | { kind: 'success'; user: LdapUser }
  | { kind: 'fail'; challenge: unknown; status: number | undefined }
  | { kind: 'error'; err: Error }
  | { kind: 'other'; what: string };

let doubleAnswers = 0;

/** What passport's authenticate middleware does with a strategy, answer by answer. */
function passportLogin(strategy: LabelStudioLdapStrategy, username: string, password: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (o: Outcome): void => {
      if (answered) {
        doubleAnswers++;
        return;
      }
      answered = true;
      resolve(o);
    };
    const s = Object.create(strategy) as LabelStudioLdapStrategy & Record<string, unknown>;
    s.success = (user: LdapUser): void => answer({ kind: 'success', user });
    s.fail = (challenge: unknown, status?: number): void => answer({ kind: 'fail', challenge, status });
    s.error = (err: Error): void => answer({ kind: 'error', err });
    s.redirect = (): void => answer({ kind: 'other', what: 'redirect' });
    s.pass = (): void => answer({ kind: 'other', what: 'pass' });
    s.authenticate({ body: { username, password }, query: {} });
  });
}

interface Timed {
  n: number;
  startedAt: number;
  endedAt: number;
  outcome: Outcome;
}

async function timedLogin(strategy: LabelStudioLdapStrategy, n: number, password = `pw-u${pad(n)}`): Promise<Timed> {
  const startedAt = Date.now();
  const outcome = await passportLogin(strategy, `u${pad(n)}`, password);
  return { n, startedAt, endedAt: Date.now(), outcome };
}

function describeOutcome(t: Timed): string {
  const o = t.outcome;
  const what = o.kind === 'error' ? `error ${o.err.message}` : o.kind === 'fail' ? `fail ${o.status} ${JSON.stringify(o.challenge)}` : o.kind;
  return `u${pad(t.n)} +${t.endedAt - t.startedAt} ms: ${what}`;
}

/** Logins by `workers` workers, one after the other with a short pause, until stop() is called. */
function loginStream(strategy: LabelStudioLdapStrategy, workers: number): { stop(): Promise<Timed[]> } {
  const results: Timed[] = [];
  let running = true;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (running) {
      const n = (next++ % 20) + 1;
      results.push(await timedLogin(strategy, n));
      await new Promise((r) => setTimeout(r, 15));
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    stop: async () => {
      running = false;
      await done;
      return results;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function expectSuccessAs(t: Timed, n: number): void {
  if (t.outcome.kind !== 'success') throw new Error(`expected success for u${pad(n)}, got ${describeOutcome(t)}`);
  expect(t.outcome.user.dn).toBe(dnOf(n));
}

describeWithSlapd('outage drills (real slapd, strategy driven as Passport does)', () => {
  const realUnhandled = watchUnhandled();
  const seenUnhandled: string[] = [];
  let server: SlapdServer;
  const strategies: LabelStudioLdapStrategy[] = [];
  const make = (srv: SlapdServer, overrides: EnvOverrides = {}): LabelStudioLdapStrategy => {
    const env = ldapEnv(srv, {
      AUTH_LDAP_USER_SEARCH_BASES: PEOPLE_BASE,
      AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=groupOfNames)',
      AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: ANNOTATORS,
      AUTH_LDAP_CONNECTION_OPTIONS: TIMEOUTS,
      ...overrides,
    });
    const s = new LabelStudioLdapStrategy({ ...optionsFromEnv(env), logger: silentLogger });
    strategies.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startSlapd({ tls: false, ldif: [extraUsersLdif()] });
  });
  afterEach(async () => {
    await Promise.all(strategies.splice(0).map((s) => s.close()));
    if (!server.isRunning()) await server.start();
    // Rejections are reported a tick late: give them a moment, then blame the drill that just ran.
    await sleep(50);
    const fresh = realUnhandled.problems.splice(0);
    seenUnhandled.push(...fresh);
    expect(fresh).toEqual([]);
  });
  afterAll(() => {
    realUnhandled.stop();
  });

  test('slapd stopped during a stream of logins: errors while down, successes after, service account bound again', async () => {
    const strategy = make(server);
    expectSuccessAs(await timedLogin(strategy, 1), 1);

    const stream = loginStream(strategy, 4);
    await sleep(300);
    // Plenty of logins in flight on the shared service connection at the moment it drops.
    const inFlight = Promise.all(Array.from({ length: 32 }, (_, i) => timedLogin(strategy, (i % 20) + 1)));
    const stopAt = Date.now();
    await server.stop();
    const stoppedAt = Date.now();
    await sleep(1500);
    server.clearAccessLog();
    const restartAt = Date.now();
    await server.start();
    const restartedAt = Date.now();
    await sleep(1500);
    const results = [...(await stream.stop()), ...(await inFlight)];

    const before = results.filter((t) => t.endedAt < stopAt);
    const during = results.filter((t) => t.startedAt >= stoppedAt && t.endedAt <= restartAt);
    const after = results.filter((t) => t.startedAt >= restartedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);

    // Every login is answered once, as success or error: the directory being down is never a wrong password.
    expect(results.filter((t) => t.outcome.kind !== 'success' && t.outcome.kind !== 'error').map(describeOutcome)).toEqual([]);
    for (const t of before) expectSuccessAs(t, t.n);
    for (const t of during) {
      expect(t.outcome.kind).toBe('error');
      if (t.outcome.kind === 'error') expect(t.outcome.err).toBeInstanceOf(LdapInfrastructureError);
    }
    // Within the configured timeouts, including the logins caught in flight by the stop.
    const slowest = Math.max(...results.map((t) => t.endedAt - t.startedAt));
    expect(slowest).toBeLessThan(WORST_LOGIN_MS + SLACK_MS);
    // Logins while the server is down (connection refused) do not wait for any timeout.
    expect(Math.max(...during.map((t) => t.endedAt - t.startedAt))).toBeLessThan(NETWORK_TIMEOUT_MS + OP_TIMEOUT_MS);
    // Back up: the same strategy object serves again, with the service account bound again.
    for (const t of after) expectSuccessAs(t, t.n);
    expect(server.accessLog()).toMatch(/BIND dn="cn=svc,dc=example,dc=test"/);
    expect(doubleAnswers).toBe(0);
  });

  test('two servers in AUTH_LDAP_SERVER_URI: the first stopped, logins keep working; the first back, nothing breaks', async () => {
    const second = await startSlapd({ tls: false, ldif: [extraUsersLdif()] });
    const strategy = make(server, { AUTH_LDAP_SERVER_URI: `${server.url} ${second.url}` });
    second.clearAccessLog();
    for (const n of [1, 2, 3]) expectSuccessAs(await timedLogin(strategy, n), n);
    expect(second.accessLog()).not.toMatch(/BIND dn=/); // everything went to the first server

    await server.stop();
    // In sequence, then concurrently (the pool opens new connections, all on the second server).
    for (const n of [4, 5, 6, 7]) expectSuccessAs(await timedLogin(strategy, n), n);
    const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => timedLogin(strategy, (i % 20) + 1)));
    burst.forEach((t) => expectSuccessAs(t, t.n));
    expect(second.accessLog()).toMatch(/BIND dn="cn=svc,dc=example,dc=test"/);

    await server.start();
    const back = await Promise.all(Array.from({ length: 24 }, (_, i) => timedLogin(strategy, (i % 20) + 1)));
    back.forEach((t) => expectSuccessAs(t, t.n));

    // And the other way round: the second stopped, the first (back) takes over.
    await second.stop();
    for (const n of [8, 9, 10]) expectSuccessAs(await timedLogin(strategy, n), n);
    const last = await Promise.all(Array.from({ length: 24 }, (_, i) => timedLogin(strategy, (i % 20) + 1)));
    last.forEach((t) => expectSuccessAs(t, t.n));
  });

  test('a listener that accepts and never answers: error within the timeouts, then the strategy serves again', async () => {
    const hung = await silentListener();
    let closed = false;
    try {
      const strategy = make(server, { AUTH_LDAP_SERVER_URI: `ldap://127.0.0.1:${hung.port} ${server.url}` });
      // Connecting works, so there is no failover: the service bind waits for OPT_TIMEOUT.
      const attempts = await Promise.all([1, 2, 3].map((n) => timedLogin(strategy, n)));
      for (const t of attempts) {
        expect(t.outcome.kind).toBe('error');
        if (t.outcome.kind === 'error') {
          expect(t.outcome.err).toBeInstanceOf(LdapInfrastructureError);
          expect((t.outcome.err as LdapInfrastructureError).kind).toBe('TIMEOUT');
        }
        expect(t.endedAt - t.startedAt).toBeLessThan(NETWORK_TIMEOUT_MS + 250 + OP_TIMEOUT_MS + SLACK_MS);
      }
      expect(hung.accepted()).toBeGreaterThan(0);

      // The silent listener goes away: its port refuses, so the strategy fails over to slapd.
      await hung.close();
      closed = true;
      expectSuccessAs(await timedLogin(strategy, 4), 4);
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => timedLogin(strategy, i + 1)));
      burst.forEach((t) => expectSuccessAs(t, t.n));
    } finally {
      if (!closed) await hung.close();
    }
  });

  test('a listener that never answers as the only server: error within the timeouts, then slapd behind the same strategy', async () => {
    // The URI list points at the real server once it is reachable again: here the same port is
    // first held by a silent listener, which then gives way to slapd (stopped and restarted).
    const strategy = make(server);
    expectSuccessAs(await timedLogin(strategy, 1), 1);
    await server.stop();
    const net = await import('net');
    const sockets = new Set<import('net').Socket>();
    const squatter = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(server.port, '127.0.0.1', () => resolve());
    });
    try {
      const t = await timedLogin(strategy, 2);
      expect(t.outcome.kind).toBe('error');
      expect(t.endedAt - t.startedAt).toBeLessThan(NETWORK_TIMEOUT_MS + 250 + OP_TIMEOUT_MS + SLACK_MS);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => squatter.close(() => r()));
    }
    await server.start();
    for (const n of [3, 4, 5]) expectSuccessAs(await timedLogin(strategy, n), n);
  });

  test('200 concurrent logins of 50 users, right and wrong passwords: every answer belongs to the user who asked', async () => {
    const strategy = make(server);
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const n = (i % 50) + 1;
      const wrong = (i * 7) % 3 === 0;
      return timedLogin(strategy, n, wrong ? `pw-u${pad(n)}-wrong` : `pw-u${pad(n)}`).then((t) => ({ t, wrong }));
    });
    const results = await Promise.all(jobs);
    let successes = 0;
    let failures = 0;
    for (const { t, wrong } of results) {
      const o = t.outcome;
      if (wrong) {
        if (o.kind !== 'fail') throw new Error(`wrong password for u${pad(t.n)} gave ${describeOutcome(t)}`);
        expect(o.status).toBe(401);
        failures++;
        continue;
      }
      if (o.kind !== 'success') throw new Error(`right password for u${pad(t.n)} gave ${describeOutcome(t)}`);
      successes++;
      expect(o.user.dn).toBe(dnOf(t.n));
      expect(o.user.username).toBe(`u${pad(t.n)}`);
      expect(o.user.email).toBe(`u${pad(t.n)}@example.test`);
      expect(o.user.groups.map((g) => g.toLowerCase()).sort()).toEqual(expectedGroups(t.n));
      expect(o.user.role).toBe(t.n <= 20 ? 'annotator' : null);
    }
    expect(successes).toBeGreaterThan(100);
    expect(failures).toBeGreaterThan(50);
    expect(doubleAnswers).toBe(0);
  });

  test('no unhandled error event or rejection happened in any drill', () => {
    expect([...seenUnhandled, ...realUnhandled.problems]).toEqual([]);
    expect(doubleAnswers).toBe(0);
  });
});
