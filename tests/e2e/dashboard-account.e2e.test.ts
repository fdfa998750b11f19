import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, launchBrowser, openPage, screenshot, type PageProblems } from '../helpers/browser';
import { computeClient } from '../helpers/compute-client';
import { identityClient, suffix } from '../helpers/identity-client';
import { uploadImage, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack, type TestStack } from '../helpers/stack';

/**
 * The user's own API access end to end, in Debian's chromium against the production dashboard build: the openrc and
 * clouds.yaml from the user menu (sourced in bash and used by the real CLI), application credentials created,
 * used for a token and deleted, and the overview's usage chart before and after an instance ran.
 */
let stack: TestStack;
let browser: Browser;
let imageId: string;
// quotes, a dollar sign, spaces and an emoji: the files must carry the name exactly, and run none of it
const projectName = `It's "$HOME" 🚀 ${suffix()}`;
const user = { name: `carol-${suffix()}`, password: `pw ${suffix()} $x'` };
let projectId: string;
let userToken: string;

beforeAll(async () => {
  ensureDashboardBuilt();
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'account-host' }, { dashboard: 'prod' });
  browser = await launchBrowser();
  const ks = identityClient(stack);
  const project = await ks.createProject(projectName);
  projectId = project.id;
  const created = await ks.createUser(user.name, user.password);
  await ks.grant('member', { user: created.id }, { project: project.id });
  userToken = await ks.issueToken({ id: created.id }, user.password, { project: { id: project.id } });
  imageId = (await uploadImage(stack, await ks.admin(), { visibility: 'public' })).id;
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

/** Runs `script` in a clean bash (no OS_* inherited) with `stdin` typed in; resolves with its stdout. */
function bash(script: string, stdin: string): Promise<string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_') && v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'bash',
      ['--noprofile', '--norc', '-c', script],
      { env, timeout: 60_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout)),
    );
    child.stdin?.end(stdin);
  });
}

const saved = async (d: Download) => {
  const path = await d.path();
  return { name: d.suggestedFilename(), path, text: fs.readFileSync(path, 'utf8') };
};

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

/** The user menu's credential actions, opening the menu unless it is open already. */
async function accountMenu(page: Page) {
  const menu = page.getByRole('group', { name: 'API access' });
  if (!(await menu.isVisible())) await page.getByRole('button', { name: `Account: ${user.name}` }).click();
  return menu;
}

describe('dashboard: API access and usage', () => {
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ({ page, problems } = await openPage(browser, stack.url));
    await page.goto('/login');
    await page.getByLabel('User name').fill(user.name);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('shows an empty usage chart before anything ran', async () => {
    await page.getByRole('heading', { name: 'Usage' }).waitFor();
    await page.getByText('No usage in the last 14 days').waitFor();
  });

  it('downloads an openrc from the user menu that signs the real CLI in after asking for the password', async () => {
    const menu = await accountMenu(page);
    const download = page.waitForEvent('download');
    await menu.getByRole('button', { name: 'Download openrc' }).click();
    const rc = await saved(await download);
    expect(rc.name).toMatch(/-openrc\.sh$/);
    expect(rc.text).toContain('read -sr OS_PASSWORD');
    expect(rc.text).not.toContain(user.password);
    expect(rc.text).toContain(`export OS_AUTH_URL='${stack.identityUrl}'`);

    // sourced as a user would, the password typed at the prompt: the variables hold the names exactly
    const env = await bash(`. "${rc.path}" >/dev/null 2>&1; env | grep '^OS_' | sort`, `${user.password}\n`);
    expect(env).toContain(`OS_PROJECT_NAME=${projectName}\n`);
    expect(env).toContain(`OS_PROJECT_ID=${projectId}\n`);
    expect(env).toContain(`OS_USERNAME=${user.name}\n`);
    expect(env).toContain('OS_PROJECT_DOMAIN_ID=default\n');
    expect(env).toContain('OS_USER_DOMAIN_NAME=Default\n');
    expect(env).toContain('OS_REGION_NAME=RegionOne\n');
    expect(env).toContain('OS_INTERFACE=public\n');
    expect(env).toContain('OS_IDENTITY_API_VERSION=3\n');
    const issued = JSON.parse(
      await bash(`. "${rc.path}" 2>/dev/null; openstack token issue -f json`, `${user.password}\n`),
    );
    expect(issued.project_id).toBe(projectId);

    // the menu stays open after a download
    const yamlDownload = page.waitForEvent('download');
    await menu.getByRole('button', { name: 'Download clouds.yaml' }).click();
    const clouds = await saved(await yamlDownload);
    expect(clouds.name).toBe('clouds.yaml');
    const parsed = JSON.parse(
      await bash(
        `python3 -c 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' "${clouds.path}"`,
        '',
      ),
    );
    expect(parsed.clouds.cumulo.auth).toMatchObject({
      auth_url: stack.identityUrl,
      project_name: projectName,
      username: user.name,
    });
    expect(clouds.text).not.toContain(user.password);
  });

  it('creates an application credential whose id and secret, shown once, get a token; deletes it with confirmation', async () => {
    await (await accountMenu(page)).getByRole('link', { name: 'Application credentials' }).click();
    await page.waitForURL('**/api-access');
    // the menu closes as the page changes
    await page.getByRole('group', { name: 'API access' }).waitFor({ state: 'hidden' });
    await page.getByTestId('identity-endpoint').filter({ hasText: stack.identityUrl }).waitFor();
    await page.getByText('No application credentials yet').waitFor();

    const name = `ci-${suffix()}`;
    await page.getByRole('button', { name: 'Create application credential' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create application credential' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Description').fill('for the nightly job');
    await dialog.getByLabel('Expires').fill('2020-01-01T00:00');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('must be in the future').waitFor();
    await dialog.getByLabel('Expires').fill('');
    // a reader's credential only
    await dialog.getByLabel('member').uncheck();
    await dialog.getByRole('button', { name: 'Create' }).click();

    const shown = page.getByRole('dialog', { name: `Application credential ${name} created` });
    const id = (await shown.getByTestId('app-credential-id').textContent())!;
    const secret = (await shown.getByTestId('app-credential-secret').textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    const download = page.waitForEvent('download');
    await shown.getByRole('button', { name: 'Download openrc' }).click();
    const rc = await saved(await download);
    expect(rc.text).toContain("export OS_AUTH_TYPE='v3applicationcredential'");
    expect(rc.text).toContain(`export OS_APPLICATION_CREDENTIAL_ID='${id}'`);
    expect(rc.text).toContain(`export OS_APPLICATION_CREDENTIAL_SECRET='${secret}'`);
    await screenshot(page, 'application-credential-secret');
    await shown.getByRole('button', { name: 'Done' }).click();

    const tokenFor = () =>
      fetch(`${stack.identityUrl}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } },
        }),
      });
    const token = await tokenFor();
    expect(token.status).toBe(201);
    const body = (await token.json()) as { token: { roles: { name: string }[]; project: { id: string } } };
    expect(body.token.project.id).toBe(projectId);
    expect(body.token.roles.map((r) => r.name)).toEqual(['reader']);
    // the file works with the real CLI too
    const issued = JSON.parse(await bash(`. "${rc.path}"; openstack token issue -f json`, ''));
    expect(issued.project_id).toBe(projectId);

    const r = row(page, name);
    await r.getByText('for the nightly job').waitFor();
    await r.getByRole('cell', { name: 'reader', exact: true }).waitFor();
    await screenshot(page, 'api-access');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'api-access-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: `Delete application credential ${name}` }).click();
    await page
      .getByRole('dialog', { name: `Delete application credential ${name}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText('No application credentials yet').waitFor();
    expect((await tokenFor()).status).toBe(401);
  });

  it('charts the usage on the overview once an instance ran, over 14 or 30 days', async () => {
    const nova = computeClient(stack);
    const boot = await nova.expectCall(202, 'POST', '/servers', {
      token: userToken,
      body: { server: { name: `used-${suffix()}`, imageRef: imageId, flavorRef: '2' } },
    });
    await waitForStatus(nova, userToken, boot.body.server.id, 'ACTIVE');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const chart = page.getByRole('img', { name: /Instance-hours per day, last 14 days/ });
    // the query is fresh on this visit; a reload if it was cached from before the boot
    await page.reload();
    await chart.waitFor();
    expect(await chart.getAttribute('aria-describedby')).toBeTruthy();
    await expect.poll(() => page.locator('svg desc').textContent()).toMatch(/instance-hours in total/);
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = page.locator('table.sr-only tr').filter({ has: page.getByRole('rowheader', { name: today }) });
    const hours = Number((await todayRow.locator('td').first().textContent())!.replace(/,/g, ''));
    expect(hours).toBeGreaterThan(0);
    expect(await page.locator('table.sr-only tbody tr').count()).toBe(14);
    expect(Number(await page.locator('.usage__bar').last().getAttribute('data-value'))).toBeGreaterThan(0);
    await screenshot(page, 'overview-usage');

    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await page.getByRole('img', { name: /last 30 days/ }).waitFor();
    expect(await page.locator('table.sr-only tbody tr').count()).toBe(30);
    await page.getByLabel('Show').selectOption('vcpuHours');
    await page.getByRole('img', { name: /vCPU-hours per day, last 30 days/ }).waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'overview-usage-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('threw no page errors and ran no injected script', () => {
    expect(problems.dialogs).toEqual([]);
    expect(problems.errors).toEqual([]);
  });
});
