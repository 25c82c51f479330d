import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { sweepMarketplace } from '../../src/flows/marketplace-jobs.js';
import { ManualClock } from '../../src/lib/clock.js';
import { describeWithBrowser, openPage, readCodeFromDevMail, tabTo, useBrowser, usePagesServer } from './browser.js';
import { BUYER, CARD, CARLA, SELLER, SHOWS, seedWorld, type World } from './world.js';

/**
 * Issue 12's journeys, clicked end to end in Chromium through the real UI (labels and roles), signed
 * in through the URL endpoints' one-time tokens: a fan lists a ticket, another buys it (a declined
 * card, then a good one), the seller sees it SOLD, gives payout details and is paid after the show; a
 * purchase intent paid in two steps; a ticket transferred and its old code refused at the gate; the
 * same purchase without JavaScript; and a purchase with the keyboard alone.
 */

const nav = async (page: Page, act: () => Promise<unknown>) => {
  const [res] = await Promise.all([page.waitForNavigation(), act()]);
  return res;
};
const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

describeWithBrowser('journeys through the hosted pages', () => {
  const b = useBrowser();
  const server = usePagesServer({ clock: 'manual' });
  let world: World;
  const host = () => new URL(server.origin).host;
  const tab = (width: 390 | 1280, javaScript = true) => openPage(b.browser, null, { width, javaScript, allowHosts: [host()] });

  beforeAll(async () => {
    server.clock!.set(new Date());
    world = await seedWorld(server);
  }, 120_000);

  /** Fills the checkout's card fields and presses Pay (the email is the signed-in fan's, prefilled). */
  async function payCard(page: Page, card: string): Promise<number> {
    await page.getByLabel('Número de tarjeta', { exact: true }).fill(card);
    await page.getByLabel('Caducidad (MM/AA)', { exact: true }).fill('12/34');
    await page.getByLabel('CVC', { exact: true }).fill('123');
    const res = await nav(page, () => page.getByRole('button', { name: /^Pagar / }).click());
    return res?.status() ?? 0;
  }

  it('a fan lists a ticket, another buys it (declined, then paid), the seller sees it SOLD, adds payout details and is paid after the show', async () => {
    const ana = await tab(390);
    const bruno = await tab(1280);
    try {
      // 1. Ana opens the SELL link of the Smart Access Layer (signed in by its token) and lists A1 at 50 €.
      await ana.goto(await world.ctaUrl(SELLER, 'es', { ticketId: 'A1' }, 'SELL'));
      expect(ana.page.url()).not.toContain('oneTimeToken');
      expect(await h1(ana.page)).toBe('Vende tu entrada');
      await ana.page.getByLabel('Tu precio por entrada (EUR)').fill('50');
      await nav(ana.page, () => ana.page.getByRole('button', { name: 'Poner a la venta' }).click());
      expect(await h1(ana.page)).toBe('Tu anuncio');
      expect(await ana.page.getByRole('status').first().innerText()).toMatch(/ya está a la venta/);
      const listingId = /\/marketplace\/listings\/([^/?]+)/.exec(ana.page.url())![1]!;

      // 2. Bruno opens the buying flow (login trust) and buys the 55,00 € ticket (50 € + 10 % buyer fee).
      await bruno.goto(await world.buyingFlowUrl({ lang: 'es', as: BUYER }));
      expect(await bruno.page.locator('header.top').innerText()).toContain(BUYER);
      await nav(bruno.page, () => bruno.page.getByRole('button', { name: /por 55,00 €/ }).click());
      expect(await h1(bruno.page)).toBe('Completa tu compra');
      expect(await bruno.page.getByLabel('Correo electrónico', { exact: true }).inputValue()).toBe(BUYER);

      // 3. A declined card: the tickets stay held and the form says so; then a good card.
      expect(await payCard(bruno.page, CARD.declined)).toBe(402);
      expect(await bruno.page.getByRole('alert').first().innerText()).toMatch(/rechazada/);
      expect(await payCard(bruno.page, CARD.ok)).toBe(200);
      expect(await h1(bruno.page)).toBe('¡Compra completada!');
      const listing = await world.mp.get(`/v1/marketplace/listings/ticket/A1`);
      expect(listing.body.data).toMatchObject({ listingId, status: 'SOLD' });

      // 4. Ana sees it SOLD in her tickets (the header's link), and is asked for her payout details.
      await nav(ana.page, () => ana.page.getByRole('link', { name: 'Mis entradas' }).first().click());
      const a1 = ana.page.locator('li, article, section').filter({ hasText: 'Entrada A1' }).last();
      expect(await a1.innerText()).toContain('Vendida');
      await nav(ana.page, () => ana.page.getByRole('link', { name: 'Añadir datos de cobro' }).first().click());
      await ana.page.getByLabel('Nombre del titular de la cuenta').fill('Ana García');
      await ana.page.getByLabel('IBAN', { exact: true }).fill('ES91 2100 0418 4502 0005 1332');
      await nav(ana.page, () => ana.page.getByRole('button', { name: 'Guardar datos de cobro' }).click());
      expect(await ana.page.getByRole('status').first().innerText()).toMatch(/Hemos guardado/);

      // 5. After the show the payout is released, and the listing page says so.
      const afterShow = new ManualClock(new Date(Date.parse(SHOWS.n1) + 2 * 86_400_000));
      await sweepMarketplace({ ...server.deps, clock: afterShow });
      const payout = await server.deps.db.selectFrom('payouts').select(['status', 'seller_email']).where('tenant_id', '=', world.tenantId).where('seller_email', '=', SELLER).execute();
      expect(payout.map((p) => p.status)).toContain('RELEASED');
      await ana.goto(`${server.origin}/es/marketplace/listings/${listingId}`);
      expect(await ana.page.locator('main').innerText()).toMatch(/Cobrado el/);
      expect([...ana.problems(), ...bruno.problems()]).toEqual([]);
    } finally {
      await ana.close();
      await bruno.close();
    }
  });

  it('a purchase intent with a deposit is paid on its page in two steps', async () => {
    const { url, intentId } = await world.purchaseIntentCheckout({ lang: 'en', deposit: 20 });
    const fan = await tab(390);
    try {
      const pay = async (button: RegExp) => {
        await fan.page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
        await fan.page.getByLabel('Expiry (MM/YY)', { exact: true }).fill('12/34');
        await fan.page.getByLabel('Security code', { exact: true }).fill('123');
        await nav(fan.page, () => fan.page.getByRole('button', { name: button }).click());
      };
      await fan.goto(url);
      expect(await h1(fan.page)).toBe('Complete your booking');
      await pay(/^Pay deposit €20\.00$/);
      expect(await h1(fan.page)).toBe('Deposit paid');
      expect((await world.pi.get(`/api/purchaseintents/${intentId}`)).body).toMatchObject({ status: 'new', deposit: { amount: 20 } });
      await pay(/^Pay remaining €70\.00$/);
      expect(await h1(fan.page)).toBe('Payment complete');
      expect((await world.pi.get(`/api/purchaseintents/${intentId}`)).body).toMatchObject({ status: 'complete' });
      expect(fan.problems()).toEqual([]);
    } finally {
      await fan.close();
    }
  });

  it('a ticket is transferred from the P2P link: the receiver owns it and is mailed, the old code is refused at admission', async () => {
    const ana = await tab(390);
    try {
      await ana.goto(await world.ctaUrl(SELLER, 'en', { ticketId: 'A8' }, 'P2P'));
      expect(await h1(ana.page)).toBe('Transfer your ticket');
      await ana.page.getByLabel('Their email address', { exact: true }).fill('regalo@fans.example');
      await ana.page.getByRole('checkbox').check();
      await nav(ana.page, () => ana.page.getByRole('button', { name: 'Transfer ticket' }).click());
      expect(await h1(ana.page)).toBe('Ticket transferred');

      const ticket = await world.mp.get('/v1/tickets/A8');
      expect(JSON.stringify(ticket.body.data.buyer)).toContain('regalo@fans.example');
      const refused = await world.mp.post('/v1/tickets/A8/eventAdmission', { locator: 'code-A8' });
      expect(refused.status, refused.text).toBe(409);
      expect(refused.body.errors?.[0]?.code).toMatch(/^ACCESS_CODE_(SUPERSEDED|MISMATCH)$/);

      await ana.goto(`${server.origin}/dev/mail`);
      expect(await ana.page.locator('ol.mails').innerText()).toContain('regalo@fans.example');
    } finally {
      await ana.close();
    }
  });

  it('the same purchase works with JavaScript disabled', async () => {
    const carla = await tab(390, false);
    try {
      await carla.goto(await world.buyingFlowUrl({ lang: 'es', as: CARLA }));
      await nav(carla.page, () => carla.page.getByRole('button', { name: /por 36,30 €/ }).first().click());
      expect(await h1(carla.page)).toBe('Completa tu compra');
      // Without JavaScript the countdown is the server's text, the form a plain POST.
      expect(await carla.page.locator('[data-countdown]').innerText()).toMatch(/^\d+:\d\d$/);
      expect(await payCard(carla.page, CARD.declined)).toBe(402);
      expect(await payCard(carla.page, CARD.ok)).toBe(200);
      expect(await h1(carla.page)).toBe('¡Compra completada!');
      expect(carla.problems()).toEqual([]);
    } finally {
      await carla.close();
    }
  });

  it('a purchase completed with the keyboard alone (Tab, Enter, Space)', async () => {
    const fan = await tab(1280);
    const email = 'teclado@fans.example';
    try {
      const { page } = fan;
      await fan.goto(await world.buyingFlowUrl({ lang: 'en' }));
      await page.bringToFront();
      await tabTo(page, page.getByRole('button', { name: /for €36\.30/ }).first());
      await nav(page, () => page.keyboard.press('Enter'));
      expect(await h1(page)).toBe('Complete your purchase');

      await tabTo(page, page.getByLabel('Email address', { exact: true }));
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await tabTo(page, page.getByLabel('Card number', { exact: true }));
      await page.keyboard.type('4242 4242 4242 4242');
      await tabTo(page, page.getByLabel('Expiry (MM/YY)', { exact: true }));
      await page.keyboard.type('12/34');
      await tabTo(page, page.getByLabel('CVC', { exact: true }));
      await page.keyboard.type('123');
      await tabTo(page, page.getByRole('button', { name: /^Pay / }));
      await nav(page, () => page.keyboard.press('Space'));
      expect(await h1(page)).toBe('Purchase complete');
      expect(await page.locator('main').innerText()).toContain(email);
      expect(fan.problems()).toEqual([]);
    } finally {
      await fan.close();
    }
  });

  it('the email-code sign-in and the page it leads to, by keyboard, then signing out', async () => {
    const fan = await tab(390);
    try {
      const { page } = fan;
      await fan.goto(await world.myTicketsUrl('en'));
      expect(await h1(page)).toBe('Sign in');
      await tabTo(page, page.getByLabel('Email address', { exact: true }));
      await page.keyboard.type(SELLER);
      await nav(page, () => page.keyboard.press('Enter'));
      const mail = await fan.context.newPage();
      const code = await readCodeFromDevMail(mail, server.origin, SELLER);
      await mail.close();
      await tabTo(page, page.getByLabel('6-digit code', { exact: true }));
      await page.keyboard.type(code);
      await nav(page, () => page.keyboard.press('Enter'));
      expect(await h1(page)).toBe('My tickets');
      await tabTo(page, page.getByRole('button', { name: 'Sign out' }));
      await nav(page, () => page.keyboard.press('Enter'));
      await fan.goto(await world.myTicketsUrl('en'));
      expect(await h1(page)).toBe('Sign in');
    } finally {
      await fan.close();
    }
  });
});

