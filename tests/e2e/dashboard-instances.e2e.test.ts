import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, screenshot, type PageProblems } from '../helpers/browser';
import { computeClient } from '../helpers/compute-client';
import { identityClient, suffix, type Actor } from '../helpers/identity-client';
import { uploadImage } from '../helpers/server-fixtures';
import { startTestStack, type TestStack } from '../helpers/stack';

/**
 * The compute pages end to end, in Debian's chromium against the production dashboard build and a control plane
 * with its own test-hypervisor host: a project member launches an instance through the wizard and watches it come
 * up live, drives it from its detail page, manages key pairs; a member of another project sees none of it.
 */
let stack: TestStack;
let browser: Browser;
let alice: Actor;
let bob: Actor;
let imageName: string;
let hugeFlavor: string;

beforeAll(async () => {
  ensureDashboardBuilt();
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'e2e-host' }, { dashboard: 'prod' });
  browser = await launchBrowser();
  const keystone = identityClient(stack);
  const nova = computeClient(stack);
  ({ alice, bob } = await keystone.twoProjects());
  const admin = await keystone.admin();
  const { id } = await uploadImage(stack, admin, { visibility: 'public' });
  const image = await fetch(`${stack.url}/image/v2/images/${id}`, { headers: { 'X-Auth-Token': admin } });
  imageName = ((await image.json()) as { name: string }).name;
  // 4 vCPUs: the wizard must grey out m1.xlarge (8) and say why
  await nova.expectCall(200, 'PUT', `/os-quota-sets/${alice.projectId}`, {
    token: admin,
    body: { quota_set: { cores: 4 } },
  });
  // more RAM than the one host has: within quota, so it launches, and the build fails with "No valid host"
  hugeFlavor = (await nova.createFlavor(admin, { name: `huge-${suffix()}`, ram: 32_768, vcpus: 1, disk: 1 })).name;
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function signIn(page: Page, actor: Actor) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(actor.name);
  await page.getByLabel('Password', { exact: true }).fill(actor.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

/** Every status the named row has shown, recorded in the page as the DOM changes (so a brief BUILD is not missed). */
async function recordStatuses(page: Page, name: string) {
  await page.evaluate((n) => {
    const w = window as unknown as { __statuses: string[] };
    w.__statuses = [];
    const look = () => {
      for (const tr of document.querySelectorAll('tr')) {
        const link = tr.querySelector('a');
        if (link?.textContent !== n) continue;
        const s = tr.querySelector('[data-status]')?.getAttribute('data-status');
        if (s && w.__statuses.at(-1) !== s) w.__statuses.push(s);
      }
    };
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  }, name);
}
const statuses = (page: Page) => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);

describe('dashboard: instances', () => {
  let page: Page;
  let problems: PageProblems;
  let bobPage: Page;
  let bobProblems: PageProblems;
  /** What bob's browser received over socket.io: none of it may be about alice's project. */
  const bobFrames: string[] = [];
  const name = `web-${suffix()}`;
  const keyName = `key-${suffix()}`;

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
    ({ page: bobPage, problems: bobProblems } = await openPage(browser, stack.url));
    bobPage.on('websocket', (ws) => ws.on('framereceived', (f) => bobFrames.push(String(f.payload))));
    await signIn(bobPage, bob);
    await bobPage.getByRole('link', { name: 'Instances' }).click();
    await bobPage.getByText('No instances yet').waitFor();
  });

  it('launches an instance through the wizard and watches it go BUILD → ACTIVE without a reload', async () => {
    await signIn(page, alice);
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.waitForURL('**/instances');
    await page.getByText('No instances yet').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    await page.getByRole('button', { name: 'Launch instance' }).first().click();
    const wizard = page.getByRole('dialog', { name: 'Launch instance' });
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByText('Enter a name.').waitFor();
    await wizard.getByLabel('Name').fill(name);
    await wizard.getByRole('button', { name: 'Next' }).click();

    await wizard.getByRole('radio', { name: new RegExp(imageName) }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();

    const xlarge = wizard.getByRole('radio', { name: /m1\.xlarge/ });
    expect(await xlarge.isDisabled()).toBe(true);
    await wizard.getByText('vCPU quota: 4 left, needs 8.').waitFor();
    await wizard.getByRole('radio', { name: /m1\.nano/ }).check();
    await xlarge.scrollIntoViewIfNeeded();
    await screenshot(page, 'launch-wizard');
    await wizard.getByRole('button', { name: 'Next' }).click();

    // a key pair made on the spot: its private key downloads once
    await wizard.getByLabel('Or create a key pair').fill(keyName);
    const download = page.waitForEvent('download');
    await wizard.getByRole('button', { name: 'Create and download' }).click();
    expect((await download).suggestedFilename()).toBe(`${keyName}.pem`);
    await expect.poll(() => wizard.getByLabel('Key pair', { exact: true }).inputValue()).toBe(keyName);
    await wizard.getByLabel('User data').fill('#cloud-config\nruncmd: [echo hello]');
    await wizard.getByRole('button', { name: 'Next' }).click();

    const summary = wizard.getByRole('definition');
    await summary.filter({ hasText: 'm1.nano' }).waitFor();
    await summary.filter({ hasText: keyName }).waitFor();
    await recordStatuses(page, name);
    await wizard.getByRole('button', { name: 'Launch' }).click();
    await wizard.waitFor({ state: 'hidden' });

    await row(page, name).locator('[data-status="ACTIVE"]').waitFor({ timeout: 20_000 });
    const seen = await statuses(page);
    expect(seen[0]).toBe('BUILD');
    expect(seen.at(-1)).toBe('ACTIVE');
    expect(await row(page, name).textContent()).toContain('RUNNING');
    // the same document all along: no reload, no navigation
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await screenshot(page, 'instances');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'instances-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('tells the user at once when a build fails, with the fault', async () => {
    const failName = `toobig-${suffix()}`;
    await page.getByRole('button', { name: 'Launch instance' }).first().click();
    const wizard = page.getByRole('dialog', { name: 'Launch instance' });
    await wizard.getByLabel('Name').fill(failName);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: new RegExp(imageName) }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: new RegExp(hugeFlavor) }).check();
    for (let i = 0; i < 3; i++) await wizard.getByRole('button', { name: /^(Next|Launch)$/ }).click();
    await wizard.waitFor({ state: 'hidden' });
    await page
      .getByRole('alert')
      .filter({ hasText: `Instance ${failName} failed to build` })
      .filter({ hasText: /No valid host/i })
      .waitFor({ timeout: 20_000 });
    await row(page, failName).locator('[data-status="ERROR"]').waitFor();
  });

  it('opens the detail page: console log, disabled actions with reasons, stop → SHUTOFF, start → ACTIVE', async () => {
    await row(page, name).getByRole('link', { name }).click();
    await page.waitForURL('**/instances/*');
    await page.getByRole('heading', { name }).waitFor();
    const status = page.getByTestId('detail-status');
    await expect.poll(() => status.textContent()).toBe('ACTIVE');
    const id = page.url().split('/').pop()!;
    await expect.poll(() => page.getByTestId('console-log').textContent(), { timeout: 10_000 }).toContain(id);

    const actions = page.getByRole('group', { name: 'Instance actions' });
    const start = actions.getByRole('button', { name: 'Start', exact: true });
    expect(await start.isDisabled()).toBe(true);
    await actions.getByText('Only when SHUTOFF.').first().waitFor();
    await page.getByRole('cell', { name: 'create' }).first().waitFor();
    await screenshot(page, 'instance-detail');

    await actions.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('SHUTOFF');
    await expect.poll(() => start.isDisabled()).toBe(false);
    await page.getByRole('cell', { name: 'stop' }).first().waitFor();
    await start.click();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('ACTIVE');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  it('deletes the instance with a confirmation', async () => {
    await page.getByRole('group', { name: 'Instance actions' }).getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${name}?` });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL('**/instances');
    await expect.poll(() => row(page, name).count(), { timeout: 20_000 }).toBe(0);
  });

  it('manages key pairs: the one made in the wizard, an import, a delete with confirmation', async () => {
    await page.getByRole('link', { name: 'Key pairs' }).click();
    await page.waitForURL('**/key-pairs');
    await row(page, keyName).waitFor();
    await page.getByRole('button', { name: 'Import key pair' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Import key pair' });
    await dialog.getByLabel('Name').fill(`${keyName}-imported`);
    await dialog.getByLabel('Public key').fill('not a key');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByRole('alert').waitFor();
    const pub = await computeClient(stack).createKeypair(alice.token);
    await dialog.getByLabel('Public key').fill(pub.public_key);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, `${keyName}-imported`).waitFor();
    await screenshot(page, 'key-pairs');

    await page.getByRole('button', { name: `Delete key pair ${keyName}-imported` }).click();
    await page
      .getByRole('dialog', { name: `Delete key pair ${keyName}-imported?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect.poll(() => row(page, `${keyName}-imported`).count()).toBe(0);
  });

  it('shows quota usage on the overview', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Compute quota' }).waitFor();
    await expect.poll(() => page.getByTestId('quota-cores').textContent()).toMatch(/of 4$/);
  });

  it('launches two at once and stops, then deletes, both with one bulk action each', async () => {
    const batch = `batch-${suffix()}`;
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('button', { name: 'Launch instance' }).first().click();
    const wizard = page.getByRole('dialog', { name: 'Launch instance' });
    await wizard.getByLabel('Name').fill(batch);
    await wizard.getByLabel('Count').fill('2');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: new RegExp(imageName) }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: /m1\.nano/ }).check();
    for (let i = 0; i < 3; i++) await wizard.getByRole('button', { name: /^(Next|Launch)$/ }).click();
    await wizard.waitFor({ state: 'hidden' });
    for (const n of [`${batch}-1`, `${batch}-2`])
      await row(page, n).locator('[data-status="ACTIVE"]').waitFor({ timeout: 20_000 });

    await page.getByLabel('Search by name').fill(batch);
    await expect.poll(() => page.getByRole('row').count()).toBe(3);
    await page.getByLabel('Select all instances on this page').check();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Stop 2 instances?' });
    await confirm.getByRole('button', { name: 'Stop', exact: true }).click();
    for (const n of [`${batch}-1`, `${batch}-2`])
      await row(page, n).locator('[data-status="SHUTOFF"]').waitFor({ timeout: 20_000 });

    await page.getByLabel('Select all instances on this page').check();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete 2 instances?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No instances match').waitFor({ timeout: 20_000 });
    await page.getByLabel('Search by name').fill('');
  });

  it('another project’s member sees neither the instances nor their events', async () => {
    expect(await bobPage.getByText('No instances yet').isVisible()).toBe(true);
    await bobPage.reload();
    await bobPage.getByText('No instances yet').waitFor();
    expect(await row(bobPage, name).count()).toBe(0);
    expect(bobFrames.some((f) => f.includes('instance.update'))).toBe(false);
    expect(bobFrames.join('\n')).not.toContain(alice.projectId);
    expect(bobFrames.join('\n')).not.toContain(name);
  });

  it('ran no injected script and threw no page errors', () => {
    expect(problems.dialogs).toEqual([]);
    expect(problems.errors).toEqual([]);
    expect(bobProblems.errors).toEqual([]);
  });
});
