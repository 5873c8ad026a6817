// `npm run demo` in-process: the Express app with the strategy against the embedded directory.
// Needs no external server.
import request from 'supertest';
import { PROVISIONING_MESSAGE, UNAVAILABLE_MESSAGE } from '../../examples/demo/app';
import { startDemo, type RunningDemo } from '../../examples/demo/main';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
    demo = await startDemo({ port: 0, env: {}, logger, database: ':memory:' });
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

  test('reloading /login after a failed login goes back to the login page', async () => {
    const res = await request(demo.url).get('/login');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
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
    expect(me.text).toContain('Demo Labeling Co. <span class="muted">(owned by owner@demo.test)</span>');
    expect(me.text).toContain('<a href="/admin">');
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
    // No admin link for an annotator.
    expect(me.text).not.toContain('href="/admin"');
  });

  test('the login provisioned the users into the SQLite store: organization, role and workspaces', async () => {
    await logIn(demo, 'grace', 'grace-pw');
    const users = await demo.store.listUsers(demo.organization.id);
    const byEmail = new Map(users.map((u) => [u.email, u]));
    expect(byEmail.get('owner@demo.test')).toMatchObject({ isOwner: true, role: 'administrator' });
    expect(byEmail.get('ada@demo.test')).toMatchObject({ role: 'administrator', username: 'ada', firstName: 'Ada' });
    expect(byEmail.get('alan@demo.test')).toMatchObject({ role: 'annotator', workspaces: ['Computer Vision', 'NLP'] });
    expect(byEmail.get('grace@demo.test')).toMatchObject({ role: 'manager', workspaces: ['Computer Vision'] });
    expect(demo.database).toBe(':memory:');
  });

  test('the admin page lists provisioned users with role and workspaces, for administrators only', async () => {
    expect((await request(demo.url).get('/admin')).status).toBe(303);

    const { agent: alan } = await logIn(demo, 'alan', 'alan-pw');
    const refused = await alan.get('/admin');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Only administrators can open the admin page');
    expect(refused.text).toContain('whose role is annotator');
    expect((await alan.post('/admin/users/1/role').type('form').send({ role: 'manager' })).status).toBe(403);

    const { agent: ada } = await logIn(demo, 'ada', 'ada-pw');
    const page = await ada.get('/admin');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Users of Demo Labeling Co.');
    expect(page.text).toMatch(/<tr data-user="alan@demo.test">[\s\S]*?data-role="annotator"[\s\S]*?Computer Vision, NLP/);
    expect(page.text).toMatch(/<tr data-user="owner@demo.test">[\s\S]*?organization owner/);
    expect(page.text).toContain('<code>MANUAL_ROLE_MANAGEMENT=0</code>');
  });

  test('with MANUAL_*=0 the guards refuse the role and workspace forms, and the page shows why', async () => {
    const { agent: ada } = await logIn(demo, 'ada', 'ada-pw');
    const alan = (await demo.store.listUsers(demo.organization.id)).find((u) => u.email === 'alan@demo.test');
    expect(alan).toBeDefined();

    const role = await ada.post(`/admin/users/${String(alan?.id)}/role`).type('form').send({ role: 'manager' });
    expect(role.status).toBe(403);
    expect(role.type).toBe('text/html');
    expect(role.text).toContain(
      '<p class="error" role="alert">Roles are managed by LDAP (MANUAL_ROLE_MANAGEMENT=0); change the user&#39;s LDAP groups instead.</p>',
    );
    // Still the admin page, with the table.
    expect(role.text).toContain('<tr data-user="alan@demo.test">');

    const ws = await ada.post(`/admin/users/${String(alan?.id)}/workspaces`).type('form').send({ workspace: 'NLP', action: 'remove' });
    expect(ws.status).toBe(403);
    expect(ws.text).toContain('Workspace memberships are managed by LDAP (MANUAL_WORKSPACE_MANAGEMENT=0)');

    // An API client gets the guard's own JSON.
    const api = await ada.post(`/admin/users/${String(alan?.id)}/role`).set('Accept', 'application/json').send({ role: 'manager' });
    expect(api.status).toBe(403);
    expect(api.body).toEqual({
      error: 'LDAP_MANAGED',
      message: "Roles are managed by LDAP (MANUAL_ROLE_MANAGEMENT=0); change the user's LDAP groups instead.",
      kind: 'role',
      variable: 'MANUAL_ROLE_MANAGEMENT',
    });

    // Nothing changed.
    const after = (await demo.store.listUsers(demo.organization.id)).find((u) => u.email === 'alan@demo.test');
    expect(after).toMatchObject({ role: 'annotator', workspaces: ['Computer Vision', 'NLP'] });
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

  test('a deactivated user is refused with 403 and the deactivated message; the store records the role', async () => {
    const { agent, res } = await logIn(demo, 'charles', 'charles-pw');
    expect(res.status).toBe(403);
    expect(res.text).toContain('<p class="error" role="alert">This account is deactivated</p>');
    expect((await agent.get('/me')).status).toBe(302);
    const charles = (await demo.store.listUsers(demo.organization.id)).find((u) => u.email === 'charles@demo.test');
    expect(charles?.role).toBe('deactivated');
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
      database: ':memory:',
      env: {
        AUTH_LDAP_ENABLED: '1',
        // Port 1 on loopback: connection refused at once.
        AUTH_LDAP_SERVER_URI: 'ldap://127.0.0.1:1',
        AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,ou=people,dc=example,dc=com',
        USE_USERNAME_FOR_LOGIN: '1',
        AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: 'Boss@Example.com',
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
      // The owner was seeded (lower-cased) with a default organization title.
      expect(demo.organization).toMatchObject({ ownerEmail: 'boss@example.com', title: "boss@example.com's organization" });
    } finally {
      await demo.close();
    }
  });

  test('without AUTH_LDAP_ORGANIZATION_OWNER_EMAIL the demo (which has a store) refuses to start, naming the variable', async () => {
    const started = startDemo({
      port: 0,
      logger: recordingLogger(),
      database: ':memory:',
      env: {
        AUTH_LDAP_ENABLED: '1',
        AUTH_LDAP_SERVER_URI: 'ldap://127.0.0.1:1',
        AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,ou=people,dc=example,dc=com',
      },
    });
    await expect(started).rejects.toBeInstanceOf(LdapConfigError);
    await expect(started).rejects.toThrow('AUTH_LDAP_ORGANIZATION_OWNER_EMAIL');
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

describe('demo app with manual roles and workspaces (MANUAL_*=1)', () => {
  let demo: RunningDemo;

  beforeAll(async () => {
    demo = await startDemo({
      port: 0,
      logger: recordingLogger(),
      database: ':memory:',
      env: { MANUAL_ROLE_MANAGEMENT: '1', MANUAL_WORKSPACE_MANAGEMENT: '1' },
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  test('the admin changes a role and a membership; a later login keeps the role and only adds mapped workspaces', async () => {
    await logIn(demo, 'alan', 'alan-pw');
    const { agent: ada } = await logIn(demo, 'ada', 'ada-pw');
    const page = await ada.get('/admin');
    expect(page.text).toContain('<code>MANUAL_ROLE_MANAGEMENT=1</code>');
    const alan = (await demo.store.listUsers(demo.organization.id)).find((u) => u.email === 'alan@demo.test');
    const id = String(alan?.id);

    const role = await ada.post(`/admin/users/${id}/role`).type('form').send({ role: 'manager' });
    expect(role.status).toBe(303);
    expect(role.headers.location).toBe('/admin');
    const shown = await ada.get('/admin');
    expect(shown.text).toContain('<p class="notice" role="status">alan@demo.test is now manager.</p>');
    expect(shown.text).toMatch(/<tr data-user="alan@demo.test">[\s\S]*?data-role="manager"/);

    expect((await ada.post(`/admin/users/${id}/workspaces`).type('form').send({ workspace: 'NLP', action: 'remove' })).status).toBe(303);
    expect((await ada.post(`/admin/users/${id}/workspaces`).type('form').send({ workspace: 'Annotation QA', action: 'add' })).status).toBe(303);
    expect(await demo.store.listWorkspaces(id, demo.organization.id)).toEqual(['Computer Vision', 'Annotation QA']);

    // Bad input is shown on the page, not thrown.
    const bad = await ada.post(`/admin/users/${id}/role`).type('form').send({ role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Choose one of the roles');
    const owner = await ada.post('/admin/users/1/role').type('form').send({ role: 'annotator' });
    expect(owner.status).toBe(400);
    expect(owner.text).toContain("The organization owner&#39;s role cannot be changed.");

    // Alan logs in again: manual role kept; mapped NLP added back, the local workspace kept.
    const { agent } = await logIn(demo, 'alan', 'alan-pw');
    const me = await agent.get('/me');
    expect(me.text).toContain('data-role="manager"');
    expect(me.text).toContain('<td data-field="ldap-role">annotator</td>');
    expect(await demo.store.listWorkspaces(id, demo.organization.id)).toEqual(['Computer Vision', 'NLP', 'Annotation QA']);
  });

  test('an administrator who deactivates a user ends that user\'s session, and the next login is refused', async () => {
    const { agent: grace } = await logIn(demo, 'grace', 'grace-pw');
    expect((await grace.get('/me')).status).toBe(200);
    const { agent: ada } = await logIn(demo, 'ada', 'ada-pw');
    const g = (await demo.store.listUsers(demo.organization.id)).find((u) => u.email === 'grace@demo.test');
    expect((await ada.post(`/admin/users/${String(g?.id)}/role`).type('form').send({ role: 'deactivated' })).status).toBe(303);
    expect((await grace.get('/me')).status).toBe(302);
    // LDAP does not map her to deactivated, but the application has her deactivated: refused too.
    const { res } = await logIn(demo, 'grace', 'grace-pw');
    expect(res.status).toBe(403);
    expect(res.text).toContain('<p class="error" role="alert">This account is deactivated</p>');
  });
});

describe('demo database', () => {
  test('DEMO_DB keeps users across restarts; close() closes the store', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plsl-demo-test-'));
    const file = path.join(dir, 'sub', 'demo.db');
    try {
      const first = await startDemo({ port: 0, logger: recordingLogger(), env: { DEMO_DB: file } });
      expect(first.database).toBe(file);
      await logIn(first, 'alan', 'alan-pw');
      await first.close();
      await expect(first.store.listUsers(first.organization.id)).rejects.toThrow();

      const second = await startDemo({ port: 0, logger: recordingLogger(), env: { DEMO_DB: file } });
      try {
        const users = await second.store.listUsers(second.organization.id);
        expect(users.map((u) => u.email)).toEqual(['owner@demo.test', 'alan@demo.test']);
      } finally {
        await second.close();
      }
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when the store fails, login shows a clear message (no stack trace) and the operator is told why', async () => {
    const logger = recordingLogger();
    const demo = await startDemo({ port: 0, logger, database: ':memory:', env: {} });
    try {
      await demo.store.close(); // the database goes away
      const { res } = await logIn(demo, 'ada', 'ada-pw');
      expect(res.status).toBe(500);
      expect(res.text).toContain(PROVISIONING_MESSAGE);
      expect(res.text).not.toMatch(STACK_FRAME);
      expect(logger.errors.join('\n')).toContain('LDAP provisioning failed');
    } finally {
      await demo.close();
    }
  });

  test('without DEMO_DB the database is a temporary file that close() removes', async () => {
    const demo = await startDemo({ port: 0, logger: recordingLogger(), env: {} });
    expect(demo.database).not.toBe(':memory:');
    expect(fs.existsSync(demo.database)).toBe(true);
    await demo.close();
    expect(fs.existsSync(path.dirname(demo.database))).toBe(false);
  });
});
