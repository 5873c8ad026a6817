// `npm run demo` in-process: the Express app with the strategy against the embedded directory.
// Needs no external server.
import request from 'supertest';
import { UNAVAILABLE_MESSAGE } from '../../examples/demo/app';
import { startDemo, type RunningDemo } from '../../examples/demo/main';
import { LdapConfigError, type Logger } from '../../lib';

/** Collects what the demo would log, so the test output stays clean and can be checked. */
function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, warn: () => undefined, error: (message) => void errors.push(message) };
}

const STACK_FRAME = /\bat \S+ \(.*:\d+:\d+\)|\bat .*\.(js|ts):\d+/;

async function logIn(demo: RunningDemo, username: string, password: string): Promise<{ agent: ReturnType<typeof request.agent>; res: request.Response }> {
  const agent = request.agent(demo.url);
  const res = await agent.post('/login').type('form').send({ username, password });
  return { agent, res };
}

describe('demo app with the embedded directory', () => {
  let demo: RunningDemo;
  const logger = recordingLogger();

  beforeAll(async () => {
    // An empty environment: the demo starts its embedded directory and configures itself.
    demo = await startDemo({ port: 0, env: {}, logger });
    expect(demo.directory).not.toBeNull();
  });

  afterAll(async () => {
    await demo?.close();
  });

  test('the login page lists the demo accounts', async () => {
    const res = await request(demo.url).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form class="login" method="post" action="/login">');
    expect(res.text).toContain('ada@demo.test');
  });

  test('the administrator logs in by username and sees role, organization and groups; logout ends the session', async () => {
    const { agent, res } = await logIn(demo, 'ada', 'ada-pw');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/me');

    const me = await agent.get('/me');
    expect(me.status).toBe(200);
    expect(me.text).toContain('Signed in as Ada Lovelace');
    expect(me.text).toContain('data-role="administrator"');
    expect(me.text).toContain('ada@demo.test');
    expect(me.text).toContain('owned by owner@demo.test');
    expect(me.text).toContain('cn=admins,ou=groups,dc=demo,dc=test');

    const out = await agent.post('/logout');
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/');
    const after = await agent.get('/me');
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/');
  });

  test('an annotator logs in by email (any case) and sees both workspaces', async () => {
    const { agent, res } = await logIn(demo, 'Alan@Demo.Test', 'alan-pw');
    expect(res.status).toBe(303);
    const me = await agent.get('/me');
    expect(me.text).toContain('Signed in as Alan Turing');
    expect(me.text).toContain('data-role="annotator"');
    expect(me.text).toContain('<li>Computer Vision</li>');
    expect(me.text).toContain('<li>NLP</li>');
    // Email lower-cased for the local lookup.
    expect(me.text).toContain('by email = <code>alan@demo.test</code>');
  });

  test('a non-ASCII name from a base64 LDIF value is shown escaped and intact', async () => {
    const { agent } = await logIn(demo, 'emilie', 'emilie-pw');
    const me = await agent.get('/me');
    expect(me.text).toContain('Signed in as Émilie du Châtelet');
    expect(me.text).toContain('data-role="reviewer"');
    expect(me.text).toContain('<li>NLP</li>');
  });

  test('a wrong password shows the login page with the message and status 401', async () => {
    const { res } = await logIn(demo, 'ada', 'not-her-password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('<p class="error" role="alert">Invalid username or password</p>');
    expect(res.text).toContain('value="ada"');
  });

  test('an unknown user gets the same message as a wrong password', async () => {
    const { res } = await logIn(demo, 'nobody', 'whatever');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Invalid username or password');
  });

  test('a deactivated user is refused with 403 and the deactivated message', async () => {
    const { agent, res } = await logIn(demo, 'charles', 'charles-pw');
    expect(res.status).toBe(403);
    expect(res.text).toContain('<p class="error" role="alert">This account is deactivated</p>');
    expect((await agent.get('/me')).status).toBe(302);
  });

  test('a missing password is refused with 400 before any LDAP traffic', async () => {
    const { res } = await logIn(demo, 'ada', '');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Missing username or password');
  });

  test('what the user typed is HTML-escaped on the page', async () => {
    const { res } = await logIn(demo, '"><script>alert(1)</script>', 'x');
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
  });

  // Last in this block: it takes the directory down.
  test('when the directory is down, login shows "unavailable" without a stack trace', async () => {
    const directoryUrl = demo.directory?.url ?? '';
    await demo.directory?.close();
    const { res } = await logIn(demo, 'ada', 'ada-pw');
    expect(res.status).toBe(503);
    expect(res.text).toContain(UNAVAILABLE_MESSAGE);
    expect(res.text).not.toMatch(STACK_FRAME);
    expect(res.text).not.toContain('ECONNREFUSED');
    expect(res.text).not.toContain('LdapInfrastructureError');
    // The operator is told why, naming the server.
    expect(logger.errors.join('\n')).toContain(directoryUrl);
  });
});

describe('demo app with AUTH_LDAP_SERVER_URI set', () => {
  test('uses the environment as it is: no embedded directory; an unreachable server shows "unavailable"', async () => {
    const logger = recordingLogger();
    const demo = await startDemo({
      port: 0,
      logger,
      env: {
        AUTH_LDAP_ENABLED: '1',
        // Port 1 on loopback: connection refused at once.
        AUTH_LDAP_SERVER_URI: 'ldap://127.0.0.1:1',
        AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,ou=people,dc=example,dc=com',
        USE_USERNAME_FOR_LOGIN: '1',
      },
    });
    try {
      expect(demo.directory).toBeNull();
      const page = await request(demo.url).get('/');
      expect(page.text).toContain('ldap://127.0.0.1:1');
      expect(page.text).not.toContain('ada@demo.test');
      const { res } = await logIn(demo, 'someone', 'pw');
      expect(res.status).toBe(503);
      expect(res.text).toContain(UNAVAILABLE_MESSAGE);
      expect(res.text).not.toMatch(STACK_FRAME);
    } finally {
      await demo.close();
    }
  });

  test('a configuration error rejects startDemo with every problem listed', async () => {
    const started = startDemo({
      port: 0,
      logger: recordingLogger(),
      env: { AUTH_LDAP_ENABLED: '1', AUTH_LDAP_SERVER_URI: 'http://ldap.example.com' },
    });
    await expect(started).rejects.toBeInstanceOf(LdapConfigError);
    const err = (await started.catch((e: unknown) => e)) as LdapConfigError;
    // The wrong scheme and the missing search bases (no template) are both reported.
    expect(err.problems.length).toBeGreaterThanOrEqual(2);
    expect(err.message).toContain('AUTH_LDAP_SERVER_URI');
    expect(err.message).toContain('AUTH_LDAP_USER_SEARCH_BASES');
  });
});
