import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, type PageProblems } from '../helpers/browser';
import { computeClient } from '../helpers/compute-client';
import { identityClient } from '../helpers/identity-client';
import { uploadImage, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack, type TestStack } from '../helpers/stack';

/**
 * Accessibility of every main page, light and dark, checked by axe-core (the engine behind browser accessibility
 * audits) in Debian's chromium: no serious or critical violation (contrast, names of controls and images, labels,
 * landmarks, ARIA misuse). Keyboard use of the launch wizard: it opens from the keyboard, takes focus, and gives it
 * back when Escape closes it.
 */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

let stack: TestStack;
let browser: Browser;
let serverId: string;
let imageId: string;

beforeAll(async () => {
  ensureDashboardBuilt();
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'a11y-host' }, { dashboard: 'prod' });
  browser = await launchBrowser();
  const admin = await identityClient(stack).admin();
  const nova = computeClient(stack);
  ({ id: imageId } = await uploadImage(stack, admin, { visibility: 'public' }));
  const created = await nova.expectCall(202, 'POST', '/servers', {
    token: admin,
    body: { server: { name: 'a11y-1', imageRef: imageId, flavorRef: '42' } },
  });
  serverId = created.body.server.id;
  await waitForStatus(nova, admin, serverId, 'ACTIVE');
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

/** Serious and critical violations on the page as it is now, one line each, naming the rule and where. */
async function audit(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as Violation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const PAGES: { path: () => string; ready: (p: Page) => Promise<unknown> }[] = [
  { path: () => '/', ready: (p) => p.getByTestId('overview-user').waitFor() },
  { path: () => '/instances', ready: (p) => p.getByRole('link', { name: 'a11y-1' }).waitFor() },
  { path: () => `/instances/${serverId}`, ready: (p) => p.getByTestId('console-log').waitFor() },
  { path: () => '/images', ready: (p) => p.locator('table tbody tr').first().waitFor() },
  { path: () => `/images/${imageId}`, ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
  { path: () => '/key-pairs', ready: (p) => p.getByRole('heading', { name: 'Key pairs' }).waitFor() },
  { path: () => '/api-access', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
  { path: () => '/admin/hypervisors', ready: (p) => p.getByText('a11y-host').first().waitFor() },
  { path: () => '/admin/compute-services', ready: (p) => p.getByText('a11y-host').first().waitFor() },
  { path: () => '/admin/instances', ready: (p) => p.getByText('a11y-1').first().waitFor() },
  { path: () => '/admin/flavors', ready: (p) => p.getByText('m1.nano').first().waitFor() },
  { path: () => '/admin/quotas', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
  { path: () => '/admin/projects', ready: (p) => p.locator('table tbody tr').first().waitFor() },
  { path: () => '/admin/users', ready: (p) => p.locator('table tbody tr').first().waitFor() },
  { path: () => '/admin/role-assignments', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
];

describe.each(['light', 'dark'] as const)('dashboard accessibility (%s)', (colorScheme) => {
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
    await page.emulateMedia({ colorScheme });
  });

  it('the sign-in page', async () => {
    await page.goto('/login');
    await page.getByLabel('User name').waitFor();
    expect(await audit(page)).toEqual([]);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(stack.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('every console page', async () => {
    const found: Record<string, string[]> = {};
    for (const { path, ready } of PAGES) {
      await page.goto(path());
      await ready(page);
      const v = await audit(page);
      if (v.length) found[path()] = v;
    }
    expect(found).toEqual({});
  }, 120_000);

  it('the launch wizard, opened and closed from the keyboard', async () => {
    await page.goto('/instances');
    const launch = page.getByRole('button', { name: 'Launch instance' });
    await launch.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // focus moved into the dialog
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    expect(await audit(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await launch.evaluate((b) => b === document.activeElement)).toBe(true);
  });

  it('threw no page errors', () => {
    expect(problems).toEqual({ errors: [], dialogs: [] });
  });
});
