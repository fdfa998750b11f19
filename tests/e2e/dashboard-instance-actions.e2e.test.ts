import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, screenshot, type PageProblems } from '../helpers/browser';
import { computeClient, type ComputeClient } from '../helpers/compute-client';
import { identityClient, suffix, type Actor } from '../helpers/identity-client';
import { uploadImage, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack, type TestStack } from '../helpers/stack';

/**
 * The rest of an instance's actions in the browser, against the production dashboard build and one test-hypervisor
 * host: rename, resize with confirm and revert, rebuild, metadata; a launch into a server group (and one the group's
 * anti-affinity cannot place); an image one project shares and another accepts, then launches from.
 */
let stack: TestStack;
let browser: Browser;
let nova: ComputeClient;
let alice: Actor;
let bob: Actor;
const images: { id: string; name: string }[] = [];

const imageName = async (id: string, token: string) =>
  (
    (await (await fetch(`${stack.url}/image/v2/images/${id}`, { headers: { 'X-Auth-Token': token } })).json()) as {
      name: string;
    }
  ).name;

beforeAll(async () => {
  ensureDashboardBuilt();
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'e2e-actions-host' }, { dashboard: 'prod' });
  browser = await launchBrowser();
  const keystone = identityClient(stack);
  nova = computeClient(stack);
  ({ alice, bob } = await keystone.twoProjects());
  const admin = await keystone.admin();
  for (let n = 0; n < 2; n++) {
    const { id } = await uploadImage(stack, admin, { visibility: 'public' });
    images.push({ id, name: await imageName(id, admin) });
  }
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

async function boot(token: string, name: string, imageRef: string) {
  const r = await nova.expectCall(202, 'POST', '/servers', {
    token,
    body: { server: { name, imageRef, flavorRef: '42' } },
  });
  const id = (r.body as { server: { id: string } }).server.id;
  await waitForStatus(nova, token, id, 'ACTIVE');
  return id;
}

/** Every status the detail page has shown since, recorded as the DOM changes (so a brief RESIZE is not missed). */
async function recordDetailStatuses(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __statuses: string[] };
    w.__statuses = [];
    const look = () => {
      const s = document.querySelector('[data-testid="detail-status"]')?.textContent;
      if (s && w.__statuses.at(-1) !== s) w.__statuses.push(s);
    };
    look();
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}
const statuses = (page: Page) => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);

/** The facts list's value for `label` on the detail page. */
const fact = (page: Page, label: string) =>
  page.locator('.facts dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');

describe('dashboard: instance actions', () => {
  let page: Page;
  let problems: PageProblems;
  let id: string;
  let name = `act-${suffix()}`;
  /** What the page received over socket.io: the live states, however briefly the page showed each one. */
  const frames: string[] = [];
  const received = (status: string) => frames.some((f) => f.includes(id) && f.includes(`"status":"${status}"`));

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    id = await boot(alice.token, name, images[0]!.id);
    await signIn(page, alice);
    await page.goto(`/instances/${id}`);
    await page.getByRole('heading', { name }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  });

  const actions = () => page.getByRole('group', { name: 'Instance actions' });
  const status = () => page.getByTestId('detail-status');

  it('disables what the state forbids, with the reason, for the new actions too', async () => {
    expect(await actions().getByRole('button', { name: 'Confirm resize' }).isDisabled()).toBe(true);
    expect(await actions().getByRole('button', { name: 'Revert resize' }).isDisabled()).toBe(true);
    await actions().getByText('Only when VERIFY_RESIZE.').first().waitFor();
    expect(await actions().getByRole('button', { name: 'Resize…' }).isDisabled()).toBe(false);
    expect(await actions().getByRole('button', { name: 'Rebuild…' }).isDisabled()).toBe(false);
  });

  it('renames the instance, and shows a rename made elsewhere live', async () => {
    await actions().getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: `Rename ${name}` });
    await dialog.getByLabel('Name').fill('   ');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await dialog.getByText('Enter a name.').waitFor();
    name = `renamed-${suffix()}`;
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name }).waitFor();

    // another client renames it: the open page follows without a reload
    const elsewhere = `cli-${suffix()}`;
    await nova.expectCall(200, 'PUT', `/servers/${id}`, { token: alice.token, body: { server: { name: elsewhere } } });
    await page.getByRole('heading', { name: elsewhere }).waitFor();
    name = elsewhere;
    const shown = await nova.expectCall(200, 'GET', `/servers/${id}`, { token: alice.token });
    expect((shown.body as { server: { name: string } }).server.name).toBe(elsewhere);
  });

  it('resizes, waits in VERIFY_RESIZE, and Confirm keeps the new flavor', async () => {
    await actions().getByRole('button', { name: 'Resize…' }).click();
    const dialog = page.getByRole('dialog', { name: `Resize ${name}` });
    const current = dialog.getByRole('radio', { name: /m1\.nano/ });
    expect(await current.isDisabled()).toBe(true);
    await dialog.getByText('The current flavor.').waitFor();
    await dialog.getByRole('button', { name: 'Resize' }).click();
    await dialog.getByText('Choose a flavor.').waitFor();
    await dialog.getByRole('radio', { name: /m1\.micro/ }).check();
    await screenshot(page, 'instance-resize-dialog');
    await recordDetailStatuses(page);
    await dialog.getByRole('button', { name: 'Resize' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('VERIFY_RESIZE');
    // the host may finish within one frame of the API's answer, so RESIZE is checked as received, not as drawn
    expect(received('RESIZE')).toBe(true);
    const confirm = actions().getByRole('button', { name: 'Confirm resize' });
    await expect.poll(() => confirm.isDisabled()).toBe(false);
    expect(await actions().getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(true);
    await page.getByRole('status').filter({ hasText: 'Resized to m1.micro' }).waitFor();
    await screenshot(page, 'instance-verify-resize');
    await confirm.click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('ACTIVE');
    await expect.poll(() => fact(page, 'Flavor').textContent()).toMatch(/^m1\.micro \(/);
    expect((await statuses(page)).slice(-2)).toEqual(['VERIFY_RESIZE', 'ACTIVE']);
    const shown = await nova.expectCall(200, 'GET', `/servers/${id}`, { token: alice.token, version: '2.47' });
    expect((shown.body as { server: { flavor: { original_name: string } } }).server.flavor.original_name).toBe(
      'm1.micro',
    );
  });

  it('resizes again and Revert puts the old flavor back', async () => {
    await actions().getByRole('button', { name: 'Resize…' }).click();
    const dialog = page.getByRole('dialog', { name: `Resize ${name}` });
    await dialog.getByRole('radio', { name: /m1\.tiny/ }).check();
    await dialog.getByRole('button', { name: 'Resize' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('VERIFY_RESIZE');
    await expect.poll(() => fact(page, 'Flavor').textContent()).toMatch(/^m1\.tiny \(/);
    const revert = actions().getByRole('button', { name: 'Revert resize' });
    await expect.poll(() => revert.isDisabled()).toBe(false);
    await revert.click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('ACTIVE');
    await expect.poll(() => fact(page, 'Flavor').textContent()).toMatch(/^m1\.micro \(/);
  });

  it('rebuilds from another image after a confirmation that says the disk is wiped', async () => {
    await expect.poll(() => fact(page, 'Image').textContent()).toBe(images[0]!.name);
    await actions().getByRole('button', { name: 'Rebuild…' }).click();
    const dialog = page.getByRole('dialog', { name: `Rebuild ${name}?` });
    await dialog.getByText(/erased/).waitFor();
    await dialog.getByLabel('Image').selectOption(images[1]!.id);
    await recordDetailStatuses(page);
    await dialog.getByRole('button', { name: 'Rebuild' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => fact(page, 'Image').textContent(), { timeout: 20_000 }).toBe(images[1]!.name);
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('ACTIVE');
    expect(received('REBUILD')).toBe(true);
    expect((await statuses(page)).at(-1)).toBe('ACTIVE');
    const shown = await nova.expectCall(200, 'GET', `/servers/${id}`, { token: alice.token });
    expect((shown.body as { server: { image: { id: string } } }).server.image.id).toBe(images[1]!.id);
  });

  it('adds, edits and deletes metadata, with the limits checked at the field', async () => {
    const metadata = page.getByRole('table', { name: 'Metadata' });
    await page.getByText('No metadata').waitFor();
    await page.getByRole('button', { name: 'Add metadata' }).click();
    const add = page.getByRole('dialog', { name: 'Add metadata' });
    await add.getByLabel('Key').fill('k'.repeat(256));
    await add.getByText('must be at most 255 characters (256 now)').waitFor();
    await add.getByLabel('Key').fill('role');
    await add.getByLabel('Value').fill('web');
    await add.getByRole('button', { name: 'Add' }).click();
    await add.waitFor({ state: 'hidden' });
    await row(page, 'role').filter({ hasText: 'web' }).waitFor();

    await page.getByRole('button', { name: 'Edit metadata role' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit metadata role' });
    expect(await edit.getByLabel('Key').getAttribute('readonly')).not.toBeNull();
    await edit.getByLabel('Value').fill('db');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await metadata.getByRole('cell', { name: 'db', exact: true }).waitFor();
    const api = await nova.expectCall(200, 'GET', `/servers/${id}/metadata`, { token: alice.token });
    expect(api.body).toEqual({ metadata: { role: 'db' } });
    await screenshot(page, 'instance-metadata');

    await page.getByRole('button', { name: 'Delete metadata role' }).click();
    await page.getByRole('dialog', { name: 'Delete metadata role?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No metadata').waitFor();
    expect((await nova.expectCall(200, 'GET', `/servers/${id}/metadata`, { token: alice.token })).body).toEqual({
      metadata: {},
    });
    // the same document all along: every change arrived without a reload
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });

  it('greys every action, and the metadata, while an admin’s lock is on, live', async () => {
    const admin = await identityClient(stack).admin();
    const stop = actions().getByRole('button', { name: 'Stop', exact: true });
    expect(await stop.isDisabled()).toBe(false);
    await nova.expectCall(202, 'POST', `/servers/${id}/action`, { token: admin, body: { lock: null } });
    await expect.poll(() => stop.isDisabled()).toBe(true);
    await actions().getByText('Locked: ask an administrator to unlock it.').first().waitFor();
    expect(await page.getByRole('button', { name: 'Add metadata' }).isDisabled()).toBe(true);
    await nova.expectCall(202, 'POST', `/servers/${id}/action`, { token: admin, body: { unlock: null } });
    await expect.poll(() => stop.isDisabled()).toBe(false);
  });

  it('launches into a server group created in the wizard; a second one its anti-affinity cannot place fails', async () => {
    const group = `grp-${suffix()}`;
    const first = `member-${suffix()}`;
    await page.goto('/instances');
    await page.getByRole('button', { name: 'Launch instance' }).first().click();
    const wizard = page.getByRole('dialog', { name: 'Launch instance' });
    await wizard.getByLabel('Name').fill(first);
    expect(await wizard.getByLabel('Server group', { exact: true }).inputValue()).toBe('');
    await wizard.getByLabel('Or create a server group').fill(group);
    await wizard.getByLabel('Policy').selectOption('anti-affinity');
    await wizard.getByRole('button', { name: 'Create group' }).click();
    const picker = wizard.getByLabel('Server group', { exact: true });
    await expect.poll(() => picker.locator('option:checked').textContent()).toBe(`${group} (anti-affinity)`);
    const groupId = await picker.inputValue();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: new RegExp(images[0]!.name) }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: /m1\.nano/ }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard
      .getByRole('definition')
      .filter({ hasText: `${group} (anti-affinity)` })
      .waitFor();
    await screenshot(page, 'launch-wizard-server-group');
    await wizard.getByRole('button', { name: 'Launch' }).click();
    await wizard.waitFor({ state: 'hidden' });
    await row(page, first).locator('[data-status="ACTIVE"]').waitFor({ timeout: 20_000 });

    const g = await nova.expectCall(200, 'GET', `/os-server-groups/${groupId}`, {
      token: alice.token,
      version: '2.64',
    });
    const servers = await nova.expectCall(200, 'GET', `/servers?name=${first}`, { token: alice.token });
    const firstId = (servers.body as { servers: { id: string }[] }).servers[0]!.id;
    expect((g.body as { server_group: { members: string[]; policy: string } }).server_group).toMatchObject({
      members: [firstId],
      policy: 'anti-affinity',
    });

    // one host: anti-affinity has nowhere to put a second member
    const second = `apart-${suffix()}`;
    await page.getByRole('button', { name: 'Launch instance' }).first().click();
    await wizard.getByLabel('Name').fill(second);
    await wizard.getByLabel('Server group', { exact: true }).selectOption(groupId);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: new RegExp(images[0]!.name) }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: /m1\.nano/ }).check();
    for (let i = 0; i < 3; i++) await wizard.getByRole('button', { name: /^(Next|Launch)$/ }).click();
    await wizard.waitFor({ state: 'hidden' });
    await page
      .getByRole('alert')
      .filter({ hasText: `Instance ${second} failed to build` })
      .filter({ hasText: /No valid host/i })
      .waitFor({ timeout: 20_000 });
    await row(page, second).locator('[data-status="ERROR"]').waitFor();
  });

  it('threw no page errors', () => {
    expect(problems.dialogs).toEqual([]);
    expect(problems.errors).toEqual([]);
  });
});

describe('dashboard: image sharing', () => {
  let alicePage: Page;
  let bobPage: Page;
  let aliceProblems: PageProblems;
  let bobProblems: PageProblems;
  let shared: { id: string; name: string };

  beforeAll(async () => {
    const { id } = await uploadImage(stack, alice.token, { visibility: 'shared' });
    shared = { id, name: await imageName(id, alice.token) };
    ({ page: alicePage, problems: aliceProblems } = await openPage(browser, stack.url));
    ({ page: bobPage, problems: bobProblems } = await openPage(browser, stack.url));
    await signIn(alicePage, alice);
    await signIn(bobPage, bob);
  });

  it('a private image says it must be made shared first', async () => {
    const { id } = await uploadImage(stack, alice.token);
    await alicePage.goto(`/images/${id}`);
    await alicePage.getByText('Only shared images can be shared with other projects').waitFor();
    expect(await alicePage.getByLabel('Share with project').count()).toBe(0);
  });

  it('the owner shares the image with another project by its id; a name it cannot see is refused clearly', async () => {
    await alicePage.goto(`/images/${shared.id}`);
    await alicePage.getByRole('heading', { name: 'Sharing' }).waitFor();
    await alicePage.getByText('Not shared yet').waitFor();
    const input = alicePage.getByLabel('Share with project');
    await input.fill(bob.projectName);
    await alicePage.getByRole('button', { name: 'Share', exact: true }).click();
    await alicePage.getByText(`No project named ${bob.projectName} among the projects you can see`).waitFor();
    await input.fill(bob.projectId);
    await alicePage.getByRole('button', { name: 'Share', exact: true }).click();
    await row(alicePage, bob.projectId).getByText('Pending').waitFor();
    await screenshot(alicePage, 'image-sharing-owner');
  });

  it('the other project sees it pending in its list, accepts it, and then launches from it', async () => {
    await bobPage.goto('/images');
    await row(bobPage, shared.name).locator('[data-member-status="pending"]').waitFor();
    expect(
      await row(bobPage, shared.name)
        .getByRole('link', { name: /Launch/ })
        .count(),
    ).toBe(0);
    await row(bobPage, shared.name).getByRole('link', { name: shared.name }).click();
    await bobPage.getByRole('heading', { name: 'Sharing' }).waitFor();
    await bobPage.getByRole('button', { name: 'Accept' }).click();
    await bobPage.locator('[data-member-status="accepted"]').first().waitFor();
    await screenshot(bobPage, 'image-sharing-member');
    await bobPage.getByRole('link', { name: '← Images' }).click();
    await row(bobPage, shared.name).locator('[data-member-status="accepted"]').waitFor();

    const name = `from-shared-${suffix()}`;
    await bobPage.getByRole('link', { name: 'Instances' }).click();
    await bobPage.getByRole('button', { name: 'Launch instance' }).first().click();
    const wizard = bobPage.getByRole('dialog', { name: 'Launch instance' });
    await wizard.getByLabel('Name').fill(name);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: new RegExp(shared.name) }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: /m1\.nano/ }).check();
    for (let i = 0; i < 3; i++) await wizard.getByRole('button', { name: /^(Next|Launch)$/ }).click();
    await wizard.waitFor({ state: 'hidden' });
    await row(bobPage, name).locator('[data-status="ACTIVE"]').waitFor({ timeout: 20_000 });

    await alicePage.reload();
    await row(alicePage, bob.projectId).getByText('Accepted').waitFor();
  });

  it('the owner removes the member, and the image leaves that project’s list', async () => {
    await alicePage.getByRole('button', { name: `Stop sharing with ${bob.projectId}` }).click();
    await alicePage
      .getByRole('dialog', { name: new RegExp(`^Stop sharing`) })
      .getByRole('button', { name: 'Remove' })
      .click();
    await alicePage.getByText('Not shared yet').waitFor();
    await bobPage.goto('/images');
    // the public images are still listed: the list has loaded, without the one no longer shared
    await row(bobPage, images[0]!.name).waitFor();
    expect(await row(bobPage, shared.name).count()).toBe(0);
  });

  it('threw no page errors', () => {
    expect(aliceProblems.errors).toEqual([]);
    expect(bobProblems.errors).toEqual([]);
  });
});
