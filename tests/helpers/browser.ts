import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isDashboardBuilt } from '../../server/http/dashboard';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

/** Debian's chromium, headless, with nothing running in the background that could slow or disturb a test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

/**
 * `npx next build web`, only when no build exists: `npm test` builds it beforehand (scripts/ensure-ready.mjs), so
 * this costs time only when a browser test runs on its own in a fresh tree.
 */
export function ensureDashboardBuilt(): void {
  if (isDashboardBuilt()) return;
  const r = spawnSync('npx', ['next', 'build', 'web'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build web failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** What went wrong in the page while a test drove it: uncaught errors, and any alert() (an XSS that ran). */
export type PageProblems = { errors: string[]; dialogs: string[] };

/** A page in a fresh context (its own cookies) on `baseURL`, recording problems instead of hiding them. */
export async function openPage(browser: Browser, baseURL: string): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: PageProblems = { errors: [], dialogs: [] };
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, problems };
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
