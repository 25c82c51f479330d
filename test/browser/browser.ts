import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContext, type ContextOptions, type TestContext } from '../harness.js';

/**
 * The browser side of the page tests (issue 12): Debian's Chromium driven by playwright-core, one
 * browser per test file, the real app listening on a loopback port, axe-core injected into pages.
 * Never downloads a browser: without /usr/bin/chromium the tests are skipped with a warning, or fail
 * when ENCORE_REQUIRE_BROWSER=1 (CI installs the `chromium` package).
 */

export const CHROMIUM_PATH = process.env.ENCORE_CHROMIUM ?? '/usr/bin/chromium';
export const HAS_BROWSER = existsSync(CHROMIUM_PATH);
const REQUIRED = process.env.ENCORE_REQUIRE_BROWSER === '1';
const INSTALL_HINT = `Chromium is missing at ${CHROMIUM_PATH}: install Debian's package with \`apt-get install -y chromium\` (never a downloaded browser).`;

const HERE = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = join(HERE, 'screenshots');

/**
 * `describe` for tests that need Chromium: runs them when the browser exists; otherwise one failing
 * test naming the package (ENCORE_REQUIRE_BROWSER=1, as in CI) or a loud skip (a newcomer's machine).
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (HAS_BROWSER) {
    describe(name, body);
    return;
  }
  if (REQUIRED) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${INSTALL_HINT} ENCORE_REQUIRE_BROWSER=1 makes this a failure.`);
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPED browser tests "${name}": ${INSTALL_HINT}\n`);
  describe.skip(name, body);
}

/** One headless Chromium for the test file: `const b = useBrowser()` then `b.browser` inside tests. */
export function useBrowser(): { browser: Browser } {
  const holder = {} as { browser: Browser };
  beforeAll(async () => {
    holder.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await holder.browser?.close();
  });
  return holder;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PagesServer extends TestContext {
  /** `http://127.0.0.1:<port>`: PUBLIC_URL, so every URL the API hands out opens in the browser. */
  origin: string;
  close(): Promise<void>;
}

/**
 * The test harness's context (own database, job workers running) listening on a real loopback port,
 * with PUBLIC_URL set to that origin. The port is chosen before the configuration is loaded (the
 * config is fixed once built); a port taken in between is retried with another.
 */
export async function startPagesServer(opts: ContextOptions = {}): Promise<PagesServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const ctx = await startContext({ workers: true, ...opts, env: { ...opts.env, PUBLIC_URL: origin } });
    try {
      await ctx.app.listen({ host: '127.0.0.1', port });
      return { ...ctx, origin };
    } catch (err) {
      await ctx.close();
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw err;
    }
  }
}

/** `const server = usePagesServer()` at the top of a describe: started before its tests, closed after. */
export function usePagesServer(opts: ContextOptions = {}): PagesServer {
  const holder = {} as PagesServer;
  beforeAll(async () => {
    Object.assign(holder, await startPagesServer(opts));
  }, 120_000);
  afterAll(async () => {
    await holder.close?.();
  });
  return holder;
}

export type Width = 390 | 1280;

export interface OpenOptions {
  width: Width;
  /** false: the page as a browser without JavaScript sees it (every action is a form or a link). */
  javaScript?: boolean;
  /** Hosts the page may request besides the one of `url` (none by default). */
  allowHosts?: string[];
}

/**
 * One browser tab with what it saw recorded: console errors, CSP violations, uncaught page errors
 * and every host it requested. `goto` clears the record, so `problems()` is about the last page.
 */
export class Tab {
  consoleErrors: string[] = [];
  cspViolations: string[] = [];
  pageErrors: string[] = [];
  foreignRequests: string[] = [];
  readonly allowedHosts: Set<string>;

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly width: Width,
    host: string,
    allowHosts: string[],
  ) {
    this.allowedHosts = new Set([host, ...allowHosts]);
    page.on('console', (m: ConsoleMessage) => this.onConsole(m));
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol === 'data:' || u.protocol === 'about:' || u.protocol === 'blob:') return;
      if (!this.allowedHosts.has(u.host)) this.foreignRequests.push(r.url());
    });
  }

  private onConsole(m: ConsoleMessage): void {
    // The browser's own favicon request (no page asked for it) is not the page's fault.
    if (m.location().url.endsWith('/favicon.ico')) return;
    const text = m.text();
    if (text.includes('Content Security Policy')) this.cspViolations.push(text);
    else if (m.type() === 'error' && !this.isDocumentStatus(m)) this.consoleErrors.push(`${text} (${m.location().url})`);
  }

  /** Chromium logs a 4xx page's own status as an error; that is the page under test, not a fault. */
  private isDocumentStatus(m: ConsoleMessage): boolean {
    return /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && m.location().url === this.page.url();
  }

  reset(): void {
    this.consoleErrors = [];
    this.cspViolations = [];
    this.pageErrors = [];
    this.foreignRequests = [];
  }

  /** Opens `url` (a fresh record), answering the main document's response. */
  async goto(url: string): Promise<Response> {
    this.reset();
    const res = await this.page.goto(url, { waitUntil: 'load' });
    if (!res) throw new Error(`no response for ${url}`);
    return res;
  }

  /** Everything the page did that it must not: empty when the page is clean. */
  problems(): string[] {
    return [
      ...this.consoleErrors.map((t) => `console error: ${t}`),
      ...this.cspViolations.map((t) => `CSP violation: ${t}`),
      ...this.pageErrors.map((t) => `page error: ${t}`),
      ...this.foreignRequests.map((u) => `request to another host: ${u}`),
    ];
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * A new browser context (its own cookies) and tab at a phone (390 × 844) or desktop (1280 × 800)
 * width, opened at `url` when given. The phone context is touch- and mobile-emulated.
 */
export async function openPage(browser: Browser, url: string | null, opts: OpenOptions): Promise<Tab> {
  const phone = opts.width === 390;
  const context = await browser.newContext({
    viewport: { width: opts.width, height: phone ? 844 : 800 },
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    javaScriptEnabled: opts.javaScript ?? true,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const host = url === null ? '' : new URL(url).host;
  const tab = new Tab(context, page, opts.width, host, opts.allowHosts ?? []);
  if (url !== null) await tab.goto(url);
  return tab;
}

let axeSource: string | undefined;
function axe(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page and answers its serious and critical violations as readable lines
 * (rule id, help, the elements). axe is evaluated through the DevTools protocol, which the page's
 * CSP does not govern (an injected inline <script> would itself be a CSP violation).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axe());
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Fails with the list of serious/critical axe violations when there is any. */
export async function checkAxe(page: Page, label = page.url()): Promise<void> {
  const found = await axeViolations(page);
  expect(found, `axe on ${label}:\n${found.join('\n')}`).toEqual([]);
}

/** A full-page PNG in test/browser/screenshots/<name>.png (git-ignored), answering its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** True when the page scrolls sideways (something wider than the viewport). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/** The `lang` attribute of <html>. */
export async function htmlLang(page: Page): Promise<string | null> {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

/** A one-time token for `email`, issued through the real API with the tenant's key. */
export async function issueOneTimeToken(server: Pick<TestContext, 'app'>, apiKey: string, email: string): Promise<string> {
  const res = await server.app.inject({
    method: 'GET',
    url: `/v1/auth/oneTimeToken?user=${encodeURIComponent(email)}&method=email`,
    headers: { authorization: apiKey, 'content-type': 'application/json' },
  });
  if (res.statusCode !== 200) throw new Error(`oneTimeToken answered ${res.statusCode}: ${res.body}`);
  return res.json<{ data: string }>().data;
}

/** `url` with `oneTimeToken=<token>` added to its query. */
export function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set('oneTimeToken', token);
  return u.toString();
}

/**
 * Signs the tab in as `email` the way an integrator's link does: a one-time token from the API on
 * `url` (a page of this server; the tenant's), followed to the clean URL. Answers the final URL.
 */
export async function signIn(tab: Tab, server: Pick<TestContext, 'app'>, apiKey: string, email: string, url: string): Promise<string> {
  const token = await issueOneTimeToken(server, apiKey, email);
  await tab.goto(withToken(url, token));
  const landed = tab.page.url();
  if (landed.includes('oneTimeToken') || landed.includes('signin=expired')) throw new Error(`the one-time token did not sign ${email} in: landed on ${landed}`);
  return landed;
}

/**
 * The newest 6-digit sign-in code mailed to `email` (the newest of all when not given), read from
 * the dev mailbox at /dev/mail in this tab (which then shows the mailbox).
 */
export async function readCodeFromDevMail(page: Page, origin: string, email?: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await page.goto(`${origin}/dev/mail`);
    const mails = page.locator('ol.mails > li');
    const n = await mails.count();
    for (let i = 0; i < n; i++) {
      const text = await mails.nth(i).innerText();
      if (email !== undefined && !text.toLowerCase().includes(email.toLowerCase())) continue;
      const code = /\b(\d{6})\b/.exec(text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, ''))?.[1];
      if (code !== undefined) return code;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no sign-in code${email === undefined ? '' : ` for ${email}`} in /dev/mail`);
}

/**
 * Moves the keyboard focus with Tab (Shift+Tab when `back`) until `target` has it, as a keyboard
 * user would; fails after `max` presses.
 */
export async function tabTo(page: Page, target: Locator, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  const max = opts.max ?? 40;
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  if (await target.evaluate((el) => el === document.activeElement)) return;
  throw new Error(`Tab never reached ${target.toString()} in ${max} presses`);
}
