import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, issueOneTimeToken, openPage, readCodeFromDevMail, tabTo, useBrowser, usePagesServer, withToken, type Tab } from './browser.js';
import { SELLER, seedWorld, type World } from './world.js';

/**
 * Sign-in in a real browser (SPEC §4.1, 10; issue 12): a one-time-token link signs the fan in once and
 * leaves the clean URL in the address bar; the same link a second time signs no one in and says so;
 * the email-code fallback done with the keyboard alone, the code read from the dev mailbox.
 */

const SESSION = 'encore_session';
const live = (folder: string) => readFileSync(new URL('../../src/web/pages/index.ts', import.meta.url), 'utf8').includes(`./${folder}/`);

describeWithBrowser('signing in from a browser', () => {
  const b = useBrowser();
  const server = usePagesServer();
  let world: World;

  beforeAll(async () => {
    world = await seedWorld(server);
  }, 120_000);

  const signInPage = (lang: 'es' | 'en', next: string) => `${server.origin}/${lang}/signin?tenant=${world.tenantId}&next=${encodeURIComponent(next)}`;
  const sessionOf = async (tab: Tab) => (await tab.context.cookies(server.origin)).find((c) => c.name === SESSION);
  /** The server knows the fan when the sign-in page sends them on instead of asking. */
  const serverSeesFan = async (tab: Tab, lang: 'es' | 'en', next: string) => {
    const res = await tab.context.request.get(signInPage(lang, next), { maxRedirects: 0 });
    return res.status() === 303 && res.headers().location === next;
  };

  it('a one-time-token link signs in once, lands on the clean URL; the same link again signs no one in and shows the expired-link notice', async () => {
    const next = `/en/marketplace/tenants/${world.tenantId}/tickets`;
    const token = await issueOneTimeToken(server, world.apiKey, SELLER);
    const link = withToken(signInPage('en', next), token);

    const first = await openPage(b.browser, null, { width: 390 });
    try {
      await first.goto(link);
      // The token is gone from the address bar (and the history): the hook redirected to the clean URL.
      expect(first.page.url()).not.toContain('oneTimeToken');
      expect(first.page.url()).not.toContain(token);
      const cookie = await sessionOf(first);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
      expect(await serverSeesFan(first, 'en', next)).toBe(true);
    } finally {
      await first.close();
    }

    // A second browser opening the very same link: nobody is signed in, the form says why.
    const second = await openPage(b.browser, null, { width: 390 });
    try {
      await second.goto(link);
      const landed = new URL(second.page.url());
      expect(landed.searchParams.get('oneTimeToken')).toBeNull();
      expect(landed.searchParams.get('signin')).toBe('expired');
      expect(await sessionOf(second)).toBeUndefined();
      expect(await second.page.getByRole('status').innerText()).toMatch(/already been used or has expired/);
      expect(await second.page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in');
    } finally {
      await second.close();
    }
  });

  it('the URL an endpoint hands out with login trust signs the fan in on that page, once', async () => {
    const url = await world.sellTicketUrl('A1', 'es', SELLER);
    expect(url).toContain('oneTimeToken=');
    const tab = await openPage(b.browser, null, { width: 1280 });
    try {
      await tab.goto(url);
      const clean = new URL(url);
      clean.searchParams.delete('oneTimeToken');
      expect(tab.page.url()).toBe(clean.toString());
      expect(await sessionOf(tab)).toBeDefined();
      if (live('sell-ticket')) expect(await tab.page.getByText(`Sesión iniciada como ${SELLER}`).isVisible()).toBe(true);
    } finally {
      await tab.close();
    }
    // The same link in another browser: the page (once it exists) asks for sign-in with the notice.
    const again = await openPage(b.browser, null, { width: 1280 });
    try {
      await again.goto(url);
      expect(again.page.url()).toContain('signin=expired');
      expect(await sessionOf(again)).toBeUndefined();
      if (live('sell-ticket')) expect(await again.page.getByRole('status').first().innerText()).toMatch(/ya se ha usado o ha caducado/);
    } finally {
      await again.close();
    }
  });

  it('email code sign-in with the keyboard alone, the code read from /dev/mail', async () => {
    const next = `/es/marketplace/tenants/${world.tenantId}/tickets`;
    const email = 'teclado@fans.example';
    const tab = await openPage(b.browser, signInPage('es', next), { width: 390 });
    try {
      const { page } = tab;
      await tabTo(page, page.getByLabel('Correo electrónico'));
      await page.keyboard.type(email);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Introduce tu código');

      // The fan reads the mail in another tab of the same browser.
      const mailbox = await tab.context.newPage();
      const code = await readCodeFromDevMail(mailbox, server.origin, email);
      await mailbox.close();
      expect(code).toMatch(/^\d{6}$/);

      await page.bringToFront();
      await tabTo(page, page.getByLabel('Código de 6 dígitos'));
      await page.keyboard.type(code);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(new URL(page.url()).pathname).toBe(next);
      expect(await sessionOf(tab)).toBeDefined();
      expect(await serverSeesFan(tab, 'es', next)).toBe(true);
    } finally {
      await tab.close();
    }
  });
});
