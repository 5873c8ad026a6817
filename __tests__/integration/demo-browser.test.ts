// The demo in a real browser: Debian's headless Chromium driven by playwright-core, against the
// demo with its embedded directory and an in-memory SQLite store. Needs no LDAP server.
//
// Without /usr/bin/chromium the suite is skipped with a loud banner; under CI=true it fails.
// Set DEMO_SCREENSHOTS=<folder> to keep a screenshot of every page the test checks.
import { describeWhenAvailable } from '../support/availability';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../../examples/demo/main';
import type { Logger } from '../../lib';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const chromiumInstalled = fs.existsSync(CHROMIUM);
const SCREENSHOTS = process.env.DEMO_SCREENSHOTS?.trim() || null;

const quietLogger: Logger = { warn: () => undefined, error: () => undefined };

const describeWithChromium = describeWhenAvailable('the demo browser test', () =>
  chromiumInstalled
    ? { available: true }
    : { available: false, reason: `${CHROMIUM} not found; install the Debian package chromium (as root: apt-get install chromium)` },
);

describeWithChromium('demo in headless Chromium', () => {
  let demo: RunningDemo;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    demo = await startDemo({ port: 0, env: {}, database: ':memory:', logger: quietLogger });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 30_000 });
    if (SCREENSHOTS) fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await demo?.close();
  });

  /** A fresh browser profile (own cookies) on the login page. */
  async function loginPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const res = await page.goto(demo.url);
    expect(res?.status()).toBe(200);
    return page;
  }

  async function submitLogin(page: Page, username: string, password: string): Promise<void> {
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await Promise.all([page.waitForLoadState('load'), page.click('form.login button[type="submit"]')]);
  }

  async function logIn(username: string, password: string): Promise<Page> {
    const page = await loginPage();
    await submitLogin(page, username, password);
    await page.waitForURL(`${demo.url}/me`);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  const text = async (page: Page, selector: string): Promise<string> => ((await page.textContent(selector)) ?? '').trim();

  test('an annotator sees role, organization and workspaces, no admin link, and is refused the admin page', async () => {
    const page = await logIn('alan', 'alan-pw');
    await shot(page, '1-annotator-me');
    expect(await text(page, 'h1')).toBe('Signed in as Alan Turing');
    expect(await text(page, '[data-field="role"]')).toBe('annotator');
    expect(await text(page, '[data-field="email"]')).toBe('alan@demo.test');
    expect(await text(page, '[data-field="organization"]')).toContain('Demo Labeling Co.');
    expect(await page.locator('[data-field="workspaces"] li').allTextContents()).toEqual(['Computer Vision', 'NLP']);
    expect(await page.locator('a[href="/admin"]').count()).toBe(0);

    const admin = await page.goto(`${demo.url}/admin`);
    expect(admin?.status()).toBe(403);
    await shot(page, '2-annotator-admin-refused');
    expect(await text(page, '[role="alert"]')).toContain('Only administrators can open the admin page');
    expect(await page.locator('table.users').count()).toBe(0);
  });

  test('an administrator sees the role, opens the admin page, and the role change is refused with the LDAP message', async () => {
    const page = await logIn('ada', 'ada-pw');
    await shot(page, '3-admin-me');
    expect(await text(page, 'h1')).toBe('Signed in as Ada Lovelace');
    expect(await text(page, '[data-field="role"]')).toBe('administrator');
    expect(await text(page, '[data-field="workspaces"]')).toBe('none');

    await Promise.all([page.waitForURL(`${demo.url}/admin`), page.click('nav a[href="/admin"]')]);
    await shot(page, '4-admin-page');
    const alanRow = page.locator('tr[data-user="alan@demo.test"]');
    expect(await alanRow.locator('[data-field="role"]').textContent()).toBe('annotator');
    expect(await alanRow.locator('[data-field="workspaces"]').textContent()).toBe('Computer Vision, NLP');
    expect(await page.locator('tr[data-user="ada@demo.test"] [data-field="role"]').textContent()).toBe('administrator');

    // Try to make Alan a manager: the guard refuses, and the page says why.
    await alanRow.locator('form.role-form select[name="role"]').selectOption('manager');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/role') && r.request().method() === 'POST'),
      alanRow.locator('form.role-form button[type="submit"]').click(),
    ]);
    expect(response.status()).toBe(403);
    await page.waitForLoadState('load');
    await shot(page, '5-admin-role-refused');
    expect(await text(page, '[role="alert"]')).toBe(
      "Roles are managed by LDAP (MANUAL_ROLE_MANAGEMENT=0); change the user's LDAP groups instead.",
    );
    // Still annotator.
    expect(await page.locator('tr[data-user="alan@demo.test"] [data-field="role"]').textContent()).toBe('annotator');

    // Removing a workspace membership is refused the same way.
    const row = page.locator('tr[data-user="alan@demo.test"]');
    await row.locator('form.workspace-form select[name="workspace"]').selectOption('NLP');
    await Promise.all([page.waitForLoadState('load'), row.locator('form.workspace-form button[value="remove"]').click()]);
    await page.waitForSelector('[role="alert"]');
    expect(await text(page, '[role="alert"]')).toContain('Workspace memberships are managed by LDAP (MANUAL_WORKSPACE_MANAGEMENT=0)');

    // Log out: back to the login page, and /me is closed again.
    await Promise.all([page.waitForURL(`${demo.url}/`), page.click('nav button[type="submit"]')]);
    await page.goto(`${demo.url}/me`);
    expect(page.url()).toBe(`${demo.url}/`);
  });

  test('a wrong password shows the message on the login page, keeping the username', async () => {
    const page = await loginPage();
    await submitLogin(page, 'ada', 'not-her-password');
    await shot(page, '6-wrong-password');
    expect(page.url()).toBe(`${demo.url}/login`);
    expect(await text(page, '[role="alert"]')).toBe('Invalid username or password');
    expect(await page.inputValue('input[name="username"]')).toBe('ada');
    expect(await page.content()).not.toMatch(/\bat \S+ \(.*:\d+:\d+\)/);
  });

  test('a deactivated user sees the deactivated message', async () => {
    const page = await loginPage();
    await submitLogin(page, 'charles', 'charles-pw');
    await shot(page, '7-deactivated');
    expect(await text(page, '[role="alert"]')).toBe('This account is deactivated');
    expect(await page.locator('form.login').count()).toBe(1);
  });

  // Last: it takes the directory down.
  test('an LDAP outage shows "unavailable" on the login page', async () => {
    await demo.directory?.close();
    const page = await loginPage();
    await submitLogin(page, 'ada', 'ada-pw');
    await shot(page, '8-outage');
    expect(await text(page, '[role="alert"]')).toBe('The directory is unavailable, try again later');
    expect(await page.content()).not.toContain('ECONNREFUSED');
  });
});
