import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, screenshot, type PageProblems } from '../helpers/browser';
import { computeClient, type ComputeClient } from '../helpers/compute-client';
import { identityClient, suffix, waitUntil, type Actor } from '../helpers/identity-client';
import { uploadImage, waitForStatus } from '../helpers/server-fixtures';
import { startControlPlaneProcess, type ControlPlaneProcess } from '../helpers/control-plane-process';

/**
 * What keeps an open page true when the connection or the session does not last: the server restarts while a user
 * watches the instances page (it reconnects by itself and shows what changed meanwhile, without a reload); the
 * session ends while a user reads an instance (sign-in, then back on that instance); an admin's all-instances page
 * follows every project's changes live. The control plane runs as its own process, so a restart is a real one.
 */
let stack: ControlPlaneProcess;
let browser: Browser;
let nova: ComputeClient;
let alice: Actor;
let adminToken: string;
let serverId: string;
const serverName = `live-${suffix()}`;

beforeAll(async () => {
  ensureDashboardBuilt();
  stack = await startControlPlaneProcess({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'live-host', DASHBOARD: 'prod' });
  browser = await launchBrowser();
  const keystone = identityClient(stack);
  nova = computeClient(stack);
  ({ alice } = await keystone.twoProjects());
  adminToken = await keystone.admin();
  const { id: imageRef } = await uploadImage(stack, adminToken, { visibility: 'public' });
  const created = await nova.expectCall(202, 'POST', '/servers', {
    token: alice.token,
    body: { server: { name: serverName, imageRef, flavorRef: '42' } },
  });
  serverId = created.body.server.id;
  await waitForStatus(nova, alice.token, serverId, 'ACTIVE');
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function signIn(page: Page, name: string, password: string) {
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const liveIndicator = (page: Page) => page.getByTitle('Live updates from the server');
const statusOf = (page: Page, name: string) =>
  page.getByRole('row').filter({ hasText: name }).locator('[data-status]').getAttribute('data-status');

describe('dashboard: live behaviour across restarts and expiry', () => {
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
    await page.goto('/login');
    await signIn(page, alice.name, alice.password);
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('reconnects by itself after the server restarts, and shows what changed while it was away, without a reload', async () => {
    await page.goto('/instances');
    await page.getByRole('row').filter({ hasText: serverName }).waitFor();
    expect(await statusOf(page, serverName)).toBe('ACTIVE');
    await liveIndicator(page).filter({ hasText: 'Live' }).waitFor();
    // a page that reloads loses this
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // the socket may not come back until the test lets it: what happens meanwhile reaches no event to this page
    await page.route('**/socket.io/**', (route) => route.abort());
    await stack.restart();
    await liveIndicator(page)
      .filter({ hasText: /Offline|Connecting…/ })
      .waitFor();
    await nova.expectCall(202, 'POST', `/servers/${serverId}/action`, {
      token: alice.token,
      body: { 'os-stop': null },
    });
    await waitForStatus(nova, alice.token, serverId, 'SHUTOFF');
    // the page has not learned it by any other way
    expect(await statusOf(page, serverName)).toBe('ACTIVE');
    await screenshot(page, 'live-offline');

    await page.unroute('**/socket.io/**');
    await liveIndicator(page).filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
    await page.getByRole('row').filter({ hasText: serverName }).locator('[data-status="SHUTOFF"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // and events flow again over the new connection
    await nova.expectCall(202, 'POST', `/servers/${serverId}/action`, {
      token: alice.token,
      body: { 'os-start': null },
    });
    await page.getByRole('row').filter({ hasText: serverName }).locator('[data-status="ACTIVE"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  }, 120_000);

  it('a session that ends while the user reads an instance sends them to sign in, then back to that instance', async () => {
    await page.goto(`/instances/${serverId}`);
    await page.getByRole('heading', { name: serverName }).waitFor();
    // a new password revokes every token the user holds, the dashboard session's too
    const keystone = identityClient(stack);
    await keystone.expectCall(200, 'PATCH', `/users/${alice.id}`, {
      token: adminToken,
      body: { user: { password: `${alice.password}-2` } },
    });
    // nothing is clicked: the open page's own traffic (console tail, live socket) finds out
    await page.waitForURL(`**/login?next=${encodeURIComponent(`/instances/${serverId}`)}`, { timeout: 20_000 });
    await signIn(page, alice.name, `${alice.password}-2`);
    await page.waitForURL(`**/instances/${serverId}`);
    await page.getByRole('heading', { name: serverName }).waitFor();
    await waitUntil(
      'the detail page to show the instance',
      async () => (await page.getByTestId('detail-status').textContent()) === 'ACTIVE',
    );
    // the API tokens alice's tests hold were revoked too
    alice = {
      ...alice,
      password: `${alice.password}-2`,
      token: await keystone.issueToken({ id: alice.id }, `${alice.password}-2`, { project: { id: alice.projectId } }),
    };
  });

  it("an admin's page of every project's instances follows launches and deletes live, without a reload", async () => {
    const { page: adminPage, problems: adminProblems } = await openPage(browser, stack.url);
    await adminPage.goto('/login');
    await signIn(adminPage, 'admin', stack.adminPassword);
    await adminPage.waitForURL((url) => url.pathname === '/');
    await adminPage.goto('/admin/instances');
    await adminPage.getByRole('row').filter({ hasText: serverName }).waitFor();
    await adminPage.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const name = `admin-live-${suffix()}`;
    const image = (await nova.expectCall(200, 'GET', `/servers/${serverId}`, { token: alice.token })).body.server.image;
    const created = await nova.expectCall(202, 'POST', '/servers', {
      token: alice.token,
      body: { server: { name, imageRef: image.id, flavorRef: '42' } },
    });
    const row = adminPage.getByRole('row').filter({ hasText: name });
    await row.getByText('ACTIVE').waitFor();
    await nova.expectCall(204, 'DELETE', `/servers/${created.body.server.id}`, { token: alice.token });
    await row.waitFor({ state: 'detached' });
    expect(await adminPage.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(adminProblems).toEqual({ errors: [], dialogs: [] });
  });

  it('ran no injected script and threw no page errors', () => {
    expect(problems).toEqual({ errors: [], dialogs: [] });
  });
});
