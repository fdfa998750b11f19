import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, screenshot, type PageProblems } from '../helpers/browser';
import { computeClient } from '../helpers/compute-client';
import { identityClient, suffix, type Actor } from '../helpers/identity-client';
import { uploadImage, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack, type TestStack } from '../helpers/stack';
import { trpcHttp } from '../../server/trpc/trpc.harness';

/**
 * The image pages and the compute admin console end to end, in Debian's chromium against the production dashboard
 * build, on a stack with its own simulated compute host: an admin uploads an image from a file (and watches the
 * progress bar), edits and protects it, then runs the hosts; a member sees none of the admin console.
 */
const id = suffix();
const HOST = `e2e-host-${id}`;
const imageName = `e2e-image-${id} <b>bold</b>`;
const serverName = `e2e-vm-${id}`;
const bytes = randomBytes(4 * 1024 * 1024 + 123);
const filePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-e2e-')), `disk-${id}.raw`);

let stack: TestStack;
let browser: Browser;
let member: Actor;

beforeAll(async () => {
  ensureDashboardBuilt();
  fs.writeFileSync(filePath, bytes);
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: HOST }, { dashboard: 'prod' });
  browser = await launchBrowser();
  member = await identityClient(stack).userOnProject('member', 'e2e-member');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(path.dirname(filePath), { recursive: true, force: true });
});

async function signIn(page: Page, name: string, pw: string) {
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(pw);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe('dashboard: images and the compute admin console', () => {
  let page: Page;
  let problems: PageProblems;
  let imageId: string;

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
  });

  it('uploads an image from a file with a moving progress bar, and it becomes active', async () => {
    await page.goto('/images');
    await page.waitForURL('**/login?next=%2Fimages');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL('**/images');
    await page.getByRole('heading', { name: 'Images' }).waitFor();

    await page.getByRole('button', { name: 'Upload image' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Upload image' });
    await dialog.getByLabel('File').setInputFiles(filePath);
    // the name and the disk format come from the file's name
    expect(await dialog.getByLabel('Name').inputValue()).toBe(`disk-${id}`);
    expect(await dialog.getByLabel('Disk format').inputValue()).toBe('raw');
    await dialog.getByLabel('Name').fill(imageName);

    // a slow uplink, so the transfer takes a few seconds and the bar has time to move
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 1024 * 1024,
    });
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const bar = dialog.getByRole('progressbar', { name: 'Upload progress' });
    await bar.waitFor();
    const seen = new Set<number>();
    let shot = false;
    while (await bar.isVisible().catch(() => false)) {
      const percent = Number(await bar.getAttribute('data-percent', { timeout: 1000 }).catch(() => NaN));
      if (Number.isFinite(percent)) seen.add(percent);
      if (!shot && percent >= 20 && percent < 90) {
        await screenshot(page, 'image-upload');
        shot = true;
      }
      await page.waitForTimeout(100);
    }
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const between = [...seen].filter((p) => p > 0 && p < 100);
    expect(between.length, `progress seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(shot).toBe(true);

    await dialog.waitFor({ state: 'hidden' });
    const r = row(page, imageName);
    await r.getByText('Active').waitFor();
    expect(await r.textContent()).toContain('4.0 MiB');
    const href = await r.getByRole('link', { name: imageName, exact: true }).getAttribute('href');
    imageId = href!.split('/').pop()!;
    expect(await r.getByRole('link', { name: `Launch an instance from ${imageName}` }).getAttribute('href')).toBe(
      `/instances?launch=${imageId}`,
    );
    await screenshot(page, 'images');

    // Launch opens the wizard on the instances page with this image already chosen
    await r.getByRole('link', { name: `Launch an instance from ${imageName}` }).click();
    const wizard = page.getByRole('dialog', { name: 'Launch instance' });
    await wizard.waitFor();
    await page.waitForURL((url) => url.pathname === '/instances' && !url.search);
    await wizard.getByLabel('Name').fill('from-image');
    await wizard.getByRole('button', { name: 'Next' }).click();
    expect(await wizard.getByRole('radio', { name: new RegExp(imageName) }).isChecked()).toBe(true);
    await wizard.getByRole('button', { name: 'Cancel' }).click();
    await wizard.waitFor({ state: 'detached' });
    await nav(page).getByRole('link', { name: 'Images' }).click();
    await page.waitForURL('**/images');
  }, 60_000);

  it('serves the same bytes through the Glance API', async () => {
    const token = await identityClient(stack).admin();
    const res = await fetch(`${stack.url}/image/v2/images/${imageId}/file`, { headers: { 'x-auth-token': token } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('edits visibility and a property, shown on the detail page', async () => {
    await page.getByRole('button', { name: `Edit image ${imageName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit image ${imageName}` });
    await dialog.getByLabel('Visibility').selectOption('community');
    await dialog.getByLabel('Properties').fill('os_distro=cirros\nnote=<i>made by e2e</i>');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, imageName).getByText('Community').waitFor();

    await page.getByRole('link', { name: imageName, exact: true }).click();
    await page.waitForURL(`**/images/${imageId}`);
    await page.getByRole('heading', { name: imageName }).waitFor();
    const props = page.getByLabel('Properties');
    await props.getByText('cirros').waitFor();
    await props.getByText('<i>made by e2e</i>').waitFor();
    await screenshot(page, 'image-detail');
    await page.getByRole('link', { name: '← Images' }).click();
    await page.waitForURL('**/images');
  });

  it('refuses to delete a protected image, and deletes it once unprotected', async () => {
    const edit = async (protect: boolean) => {
      await page.getByRole('button', { name: `Edit image ${imageName}` }).click();
      const dialog = page.getByRole('dialog', { name: `Edit image ${imageName}` });
      await dialog.getByLabel(/^Protected/).setChecked(protect);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
    };
    await edit(true);
    await row(page, imageName).getByText('Protected').waitFor();

    await page.getByRole('button', { name: `Delete image ${imageName}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete image ${imageName}?` });
    await confirm.getByRole('button', { name: 'Delete image' }).click();
    await confirm.getByRole('alert').getByText('is protected, so it cannot be deleted').waitFor();
    await screenshot(page, 'image-delete-protected');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });

    await edit(false);
    await page.getByRole('button', { name: `Delete image ${imageName}` }).click();
    await confirm.getByRole('button', { name: 'Delete image' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row(page, imageName).waitFor({ state: 'detached' });
  });

  it('shows the compute host on the hypervisor page with its utilisation bars', async () => {
    // one instance of the member's, so the bars have something to show
    const image = await uploadImage(stack, await identityClient(stack).admin(), { visibility: 'public' });
    const nova = computeClient(stack);
    const boot = await nova.call('POST', '/servers', {
      token: member.token,
      body: { server: { name: serverName, imageRef: image.id, flavorRef: '2' } },
    });
    expect(boot.status).toBe(202);
    await waitForStatus(nova, member.token, boot.body.server.id, 'ACTIVE');

    await nav(page).getByRole('link', { name: 'Hypervisors' }).click();
    await page.waitForURL('**/admin/hypervisors');
    const r = row(page, HOST);
    await r.waitFor();
    await r.getByText('Up', { exact: true }).waitFor();
    for (const what of ['vCPUs', 'RAM', 'Disk']) {
      await r.getByRole('meter', { name: new RegExp(`^${what} of ${HOST}`) }).waitFor();
    }
    // m1.small: 1 vCPU, 2 GiB, 20 GiB
    await r.getByText(/^1 of \d+$/).waitFor();
    await r.getByText(/^2 GiB of /).waitFor();
    await r.getByText(/^20 GiB of /).waitFor();
    await screenshot(page, 'admin-hypervisors');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'admin-hypervisors-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('disables the compute service with a reason and enables it again', async () => {
    await nav(page).getByRole('link', { name: 'Compute services' }).click();
    await page.waitForURL('**/admin/compute-services');
    const r = row(page, HOST);
    await r.getByText('Enabled').waitFor();
    await r.getByRole('button', { name: `Disable the compute service on ${HOST}` }).click();
    const dialog = page.getByRole('dialog', { name: `Disable the compute service on ${HOST}?` });
    await dialog.getByLabel('Reason').fill('disk swap <b>today</b>');
    await dialog.getByRole('button', { name: 'Disable service' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await r.getByText('Disabled').waitFor();
    await r.getByText('disk swap <b>today</b>').waitFor();
    await screenshot(page, 'admin-compute-services');

    await r.getByRole('button', { name: `Enable the compute service on ${HOST}` }).click();
    await r.getByText('Enabled').waitFor();
    expect(await r.getByText('disk swap').count()).toBe(0);
  });

  it('creates and deletes a flavor', async () => {
    await nav(page).getByRole('link', { name: 'Flavors' }).click();
    await page.waitForURL('**/admin/flavors');
    await row(page, 'm1.nano').first().waitFor();
    const name = `e2e.flavor-${id}`;
    await page.getByRole('button', { name: 'Create flavor' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create flavor' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('vCPUs').fill('2');
    await dialog.getByLabel('RAM (MiB)').fill('2048');
    await dialog.getByLabel('Root disk (GiB)').fill('20');
    await dialog.getByRole('button', { name: 'Create flavor' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, name).getByText('2 GiB').waitFor();
    await screenshot(page, 'admin-flavors');

    await page.getByRole('button', { name: `Delete flavor ${name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete flavor ${name}?` });
    await confirm.getByRole('button', { name: 'Delete flavor' }).click();
    await row(page, name).waitFor({ state: 'detached' });
  });

  it("edits a project's quotas", async () => {
    await nav(page).getByRole('link', { name: 'Quotas' }).click();
    await page.waitForURL('**/admin/quotas');
    // the empty state (the select's placeholder option says the same, but an option is never visible)
    await page.getByText('Its compute limits and what it uses now appear here.').waitFor();
    await page.getByLabel('Project', { exact: true }).last().selectOption({ label: member.projectName });
    const form = page.getByRole('form', { name: 'Compute quotas' });
    await form.getByLabel('Instances').fill('7');
    await form.getByLabel('vCPUs').fill('-1');
    await form.getByRole('button', { name: 'Save quotas' }).click();
    await page.getByRole('status').filter({ hasText: 'Quotas saved.' }).waitFor();
    await screenshot(page, 'admin-quotas');

    const api = trpcHttp(stack.url);
    const admin = await api.login('admin', stack.adminPassword);
    const quotas = await api.query('computeAdmin.quotas.get', { projectId: member.projectId }, admin);
    const limit = (r: string) => quotas.data.find((q: { resource: string }) => q.resource === r).limit;
    expect([limit('instances'), limit('cores')]).toEqual([7, -1]);

    await form.getByLabel('Instances').fill('-5');
    await form.getByRole('button', { name: 'Save quotas' }).click();
    await form.getByText('must be -1 (unlimited) or more').waitFor();
  });

  it('lists every project’s instances', async () => {
    await nav(page).getByRole('link', { name: 'All instances' }).click();
    await page.waitForURL('**/admin/instances');
    const r = row(page, serverName);
    await r.getByText(member.projectName).waitFor();
    await r.getByText(HOST).waitFor();
    await r.getByText('ACTIVE').waitFor();
    await screenshot(page, 'admin-instances');
  });

  it('a member sees no admin links, is told "Not authorized", and the server refuses them', async () => {
    await page.getByRole('button', { name: 'Account: admin' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await signIn(page, member.name, member.password);
    await page.waitForURL((url) => url.pathname === '/');
    await nav(page).getByRole('link', { name: 'Images' }).waitFor();
    for (const link of ['Hypervisors', 'Compute services', 'All instances', 'Flavors', 'Quotas']) {
      expect(await nav(page).getByRole('link', { name: link }).count(), link).toBe(0);
    }
    await page.goto('/admin/hypervisors');
    await page.getByRole('heading', { name: 'Not authorized' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await screenshot(page, 'member-admin-hypervisors');

    const api = trpcHttp(stack.url);
    const session = await api.login(member.name, member.password);
    for (const procedure of [
      'computeAdmin.hypervisors.list',
      'computeAdmin.services.list',
      'computeAdmin.flavors.list',
    ]) {
      const r = await api.query(procedure, undefined, session);
      expect([procedure, r.error?.data?.code]).toEqual([procedure, 'FORBIDDEN']);
    }
    const toggle = await api.mutate('computeAdmin.services.setEnabled', { host: HOST, enabled: false }, session);
    expect(toggle.error.data.code).toBe('FORBIDDEN');
  });

  it('ran no injected script and threw no page errors', () => {
    expect(problems.dialogs).toEqual([]);
    expect(problems.errors).toEqual([]);
  });
});
