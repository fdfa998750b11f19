import type { Browser, Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, screenshot, type PageProblems } from '../helpers/browser';
import { identityClient, suffix, waitUntil } from '../helpers/identity-client';
import { startTestStack, type TestStack } from '../helpers/stack';
import { trpcHttp } from '../../server/trpc/trpc.harness';

/**
 * The identity screens end to end, in Debian's chromium against the production dashboard build: an admin sets up
 * a project, a user and a role; the user signs in and sees only what a member may see.
 */
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  ensureDashboardBuilt();
  stack = await startTestStack({}, { dashboard: 'prod' });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

const id = suffix();
// markup and emoji in names must come out as text, never as HTML
const projectName = `e2e-${id} <script>alert(1)</script> ☁️`;
const userName = `e2e-user-${id}`;
const password = `pw-${id}-secret`;

async function signIn(page: Page, name: string, pw: string) {
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(pw);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

describe('dashboard: identity administration', () => {
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
  });

  it('sends a signed-out visitor to sign in, explains a wrong password, and returns them where they were going', async () => {
    await page.goto('/admin/projects');
    await page.waitForURL('**/login?next=%2Fadmin%2Fprojects');
    await signIn(page, 'admin', 'not-the-password');
    await page.getByText('The user name or password is incorrect.').waitFor();
    await screenshot(page, 'login-error');

    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL('**/admin/projects');
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await row(page, 'admin').first().waitFor();
  });

  it('creates a project whose name renders as text', async () => {
    await page.getByRole('button', { name: 'Create project' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create project' });
    await dialog.getByLabel('Name').fill(projectName);
    await dialog.getByLabel('Description').fill('made by the browser test');
    await screenshot(page, 'admin-create-project-dialog');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, projectName).waitFor();
    await page.getByRole('status').filter({ hasText: 'created' }).first().waitFor();
    await screenshot(page, 'admin-projects');
  });

  it('creates a user with a password', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL('**/admin/users');
    await page.getByRole('button', { name: 'Create user' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel('Name').fill(userName);
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByLabel('Email').fill(`${userName}@example.org`);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, userName).waitFor();
    await screenshot(page, 'admin-users');
  });

  it('grants the user member on the project', async () => {
    await page.getByRole('link', { name: 'Role assignments' }).click();
    await page.waitForURL('**/admin/role-assignments');
    await page.getByRole('button', { name: 'Grant role' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Grant a role' });
    await dialog.getByLabel('User').selectOption({ label: userName });
    await dialog.getByLabel('Project').selectOption({ label: projectName });
    await dialog.getByLabel('Role').selectOption({ label: 'member' });
    await dialog.getByRole('button', { name: 'Grant role' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, userName).filter({ hasText: projectName }).filter({ hasText: 'member' }).waitFor();
    await screenshot(page, 'admin-role-assignments');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Account: admin' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    // the session is gone: an admin page sends us back to sign in
    await page.goto('/admin/users');
    await page.waitForURL('**/login?next=%2Fadmin%2Fusers');
  });

  it('the new user sees their project, no admin pages, and is refused them', async () => {
    await page.goto('/login');
    await signIn(page, userName, password);
    await page.waitForURL((url) => url.pathname === '/');
    expect(await page.getByTestId('overview-user').textContent()).toBe(userName);
    expect(await page.getByTestId('overview-project').textContent()).toBe(projectName);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Overview' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Projects' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Role assignments' }).count()).toBe(0);

    const switcher = page.getByLabel('Project', { exact: true });
    expect(await switcher.locator('option').allTextContents()).toEqual([projectName]);
    await page.getByText('Live', { exact: true }).waitFor();
    await screenshot(page, 'member-overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'member-overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.goto('/admin/users');
    await page.getByRole('heading', { name: 'Not authorized' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await screenshot(page, 'member-not-authorized');
  });

  it('a session ended elsewhere sends the user to sign in, and back to the page afterwards', async () => {
    // an admin sets a new password: the identity service revokes every token the user holds
    const api = trpcHttp(stack.url);
    const admin = await api.login('admin', stack.adminPassword);
    const users = await api.query('admin.users.list', undefined, { cookie: admin.cookie });
    const user = users.data.find((u: { name: string }) => u.name === userName);
    expect(
      (
        await api.mutate(
          'admin.users.setPassword',
          { id: user.id, password: `${password}-2` },
          { cookie: admin.cookie },
        )
      ).status,
    ).toBe(200);

    await page.goto('/admin/role-assignments');
    await page.waitForURL('**/login?next=%2Fadmin%2Frole-assignments');
    await signIn(page, userName, `${password}-2`);
    await page.waitForURL('**/admin/role-assignments');
    await page.getByRole('heading', { name: 'Not authorized' }).waitFor();
  });

  it('ran no injected script and threw no page errors', () => {
    expect(problems.dialogs).toEqual([]);
    expect(problems.errors).toEqual([]);
  });
});

describe('dashboard beside the APIs on one server', () => {
  it('leaves the API prefixes their own answers, and serves pages and public files', async () => {
    const keystone = await fetch(`${stack.url}/identity/v3/no-such-thing`);
    expect(keystone.status).toBe(404);
    expect(((await keystone.json()) as { error: { code: number } }).error.code).toBe(404);
    const trpc = await fetch(`${stack.url}/api/trpc/no.such.procedure`);
    expect(trpc.status).toBe(404);
    expect(((await trpc.json()) as { error: { data: { code: string } } }).error.data.code).toBe('NOT_FOUND');

    const page = await fetch(`${stack.url}/no-such-page`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Page not found');
    const login = await fetch(`${stack.url}/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    const icon = await fetch(`${stack.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/svg/);
  });

  it('lets socket.io upgrade to WebSocket while Next also listens for upgrades', async () => {
    const token = await identityClient(stack).admin();
    const socket = connect(stack.url, { auth: { token }, reconnection: false });
    try {
      await waitUntil(
        'a WebSocket transport',
        async () => socket.connected && socket.io.engine.transport.name === 'websocket',
      );
      // still connected a moment after the upgrade: nothing closed the upgraded socket
      await new Promise((r) => setTimeout(r, 200));
      expect(socket.connected).toBe(true);
    } finally {
      socket.disconnect();
    }
  });
});
