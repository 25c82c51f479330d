import type { Locator, Response } from 'playwright-core';
import { expect } from 'vitest';
import { issueOneTimeToken, withToken, type PagesServer, type Tab } from './browser.js';
import { BUYER, CARD, CARLA, ORDER, inLang, withoutToken, type Lang, type World } from './world.js';

/**
 * Every hosted page in each of its states, for the matrix of pages.test.ts. A state opens its page
 * (through the URL the API hands out whenever there is one) and proves it is in that state (`check`).
 * Work a state does once for all four runs (a reservation, a payment, a transfer) goes through
 * `once`; the runs then open the page it led to, in their own language.
 */

export type Who = 'anon' | 'seller' | 'buyer' | 'fresh';

export interface Env {
  tab: Tab;
  lang: Lang;
  server: PagesServer;
  world: World;
  /** Runs `fn` once per state and key, answering the same value to the state's other runs. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface State {
  /** `<page> · <state>`: also the screenshot's name. */
  name: string;
  /** The page folder under src/web/pages that must be registered (none: the shell's own pages). */
  page?: string;
  /** Whose browser: nobody's, Ana the seller's, Bruno the buyer's (each signed in once), or a new one per run. */
  who: Who;
  /** For `fresh`: sign this fan in first (a one-time token on the tenant's my-tickets page). */
  signInAs?: string;
  /** The page's language when it is not the URL's (the dev mailbox is English only). */
  htmlLang?: string;
  /** The status the state answers with (default: any status below 400). */
  status?: number;
  open(env: Env): Promise<Response>;
  /** What proves the page is in this state (a heading, an alert…). */
  check?(env: Env): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// helpers

/** Picks the state's text in the page's language. */
export const say = (e: Env, es: string, en: string): string => (e.lang === 'es' ? es : en);

export const h1 = (e: Env): Promise<string> => e.tab.page.getByRole('heading', { level: 1 }).innerText();
const heading = async (e: Env, name: RegExp) => expect(await h1(e)).toMatch(name);
const main = (e: Env) => e.tab.page.locator('main').innerText();
const firstStatus = (e: Env) => e.tab.page.getByRole('status').first().innerText();
const firstAlert = (e: Env) => e.tab.page.getByRole('alert').first().innerText();
const label = (e: Env, es: string, en: string): Locator => e.tab.page.getByLabel(say(e, es, en), { exact: true });

/** Clicks a submit button and answers the response of the page the form leads to. */
export async function submit(e: Env, button: string | RegExp): Promise<Response> {
  const target = typeof button === 'string' ? e.tab.page.getByRole('button', { name: button, exact: true }) : e.tab.page.getByRole('button', { name: button });
  const [res] = await Promise.all([e.tab.page.waitForNavigation(), target.first().click()]);
  if (!res) throw new Error(`no response after "${String(button)}"`);
  return res;
}

/** Lets the server judge what the browser's own form checks would stop (the state is the server's answer). */
async function noValidate(e: Env): Promise<void> {
  await e.tab.page.evaluate(() => document.querySelectorAll('form').forEach((f) => f.setAttribute('novalidate', '')));
}

/** Accepts the next confirm() dialog (forms with data-confirm ask before a destructive action). */
function acceptNextDialog(e: Env): void {
  e.tab.page.once('dialog', (d) => void d.accept());
}

/** The page the once-work led to, opened in this run's language. */
const openLanded = (e: Env, landed: string) => e.tab.goto(inLang(landed, e.lang));

/** `url` plus query parameters. */
function plus(url: string, query: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

const signInUrl = (e: Env) => `${e.server.origin}/${e.lang}/signin?tenant=${e.world.tenantId}&next=${encodeURIComponent(`/${e.lang}/marketplace/tenants/${e.world.tenantId}/tickets`)}`;

async function askForCode(e: Env, email: string): Promise<Response> {
  await e.tab.goto(signInUrl(e));
  await label(e, 'Correo electrónico', 'Email address').fill(email);
  return submit(e, say(e, 'Enviar código', 'Send code'));
}

// ---------------------------------------------------------------------------------------------
// the shell, sign-in and the dev mailbox

const SHELL: State[] = [
  {
    name: 'shell · 404',
    who: 'anon',
    status: 404,
    open: (e) => e.tab.goto(`${e.server.origin}/${e.lang}/no/such/page`),
    check: (e) => heading(e, /Página no encontrada|Page not found/),
  },
  {
    name: 'sign-in · email form',
    who: 'anon',
    open: (e) => e.tab.goto(signInUrl(e)),
    check: async (e) => {
      await heading(e, /Inicia sesión|Sign in/);
      expect(await e.tab.page.getByRole('textbox').count()).toBe(1);
    },
  },
  {
    name: 'sign-in · expired link',
    who: 'anon',
    open: (e) => e.tab.goto(`${signInUrl(e)}&oneTimeToken=already-used-or-never-issued`),
    check: async (e) => {
      expect(e.tab.page.url()).not.toContain('oneTimeToken');
      expect(await firstStatus(e)).toMatch(/caducado|expired/);
    },
  },
  {
    name: 'sign-in · invalid email',
    who: 'anon',
    status: 400,
    open: async (e) => {
      await e.tab.goto(signInUrl(e));
      await noValidate(e);
      await label(e, 'Correo electrónico', 'Email address').fill('ana@');
      return submit(e, say(e, 'Enviar código', 'Send code'));
    },
    check: async (e) => expect(await firstAlert(e)).toMatch(/válido|valid/),
  },
  {
    name: 'sign-in · code form',
    who: 'anon',
    open: (e) => askForCode(e, `code-${e.lang}-${e.tab.width}@fans.example`),
    check: (e) => heading(e, /Introduce tu código|Enter your code/),
  },
  {
    name: 'sign-in · wrong code',
    who: 'anon',
    status: 400,
    open: async (e) => {
      await askForCode(e, `wrong-${e.lang}-${e.tab.width}@fans.example`);
      await label(e, 'Código de 6 dígitos', '6-digit code').fill('000000');
      return submit(e, say(e, 'Entrar', 'Sign in'));
    },
    check: async (e) => expect(await firstAlert(e)).toMatch(/no es correcto|not right/),
  },
  {
    name: 'shell · a form without its CSRF token',
    who: 'anon',
    status: 403,
    open: async (e) => {
      await e.tab.goto(signInUrl(e));
      await e.tab.page.evaluate(() => document.querySelectorAll('input[name=_csrf]').forEach((i) => i.remove()));
      await label(e, 'Correo electrónico', 'Email address').fill('ana@fans.example');
      return submit(e, say(e, 'Enviar código', 'Send code'));
    },
    check: (e) => heading(e, /Este formulario ha caducado|This form has expired/),
  },
  {
    name: 'dev mailbox',
    who: 'anon',
    htmlLang: 'en',
    open: (e) => e.tab.goto(`${e.server.origin}/dev/mail`),
    check: (e) => heading(e, /Dev mailbox/),
  },
];

// ---------------------------------------------------------------------------------------------
// buy (SPEC §4.1 item 1)

const notifyButton = (e: Env) => e.tab.page.getByRole('button', { name: say(e, 'Avísame', 'Notify me'), exact: true });

const BUY: State[] = [
  {
    name: 'buy · listings',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang })),
    check: async (e) => {
      await heading(e, /Aurora en vivo/);
      expect(await e.tab.page.getByRole('button', { name: say(e, 'Comprar', 'Buy') }).count()).toBeGreaterThanOrEqual(3);
      // The show's date as Buenos Aires reads it: 21:00, never the UTC midnight.
      expect(await main(e)).toContain('21:00');
    },
  },
  {
    name: 'buy · filtered to one ticket option',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang, ticketOptionId: 'vip' })),
    check: async (e) => expect(await main(e)).toContain('Palco VIP'),
  },
  {
    name: 'buy · second show with a pack',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang, show: 'n2' })),
    check: async (e) => expect(await main(e)).toMatch(/Pack de 2|Pack of 2/),
  },
  {
    name: 'buy · empty, notify me',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang, show: 'n2', ticketOptionId: 'vip' })),
    check: async (e) => expect(await notifyButton(e).count()).toBe(1),
  },
  {
    name: 'buy · notify me open',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(plus(await e.world.buyingFlowUrl({ lang: e.lang }), { notify: '1' })),
    check: async (e) => expect(await notifyButton(e).count()).toBe(1),
  },
  {
    name: 'buy · notified',
    page: 'buy',
    who: 'anon',
    open: async (e) => {
      await e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang, show: 'n2', ticketOptionId: 'vip' }));
      await label(e, 'Correo electrónico', 'Email address').fill(`lead-${e.lang}-${e.tab.width}@fans.example`);
      return submit(e, say(e, 'Avísame', 'Notify me'));
    },
    check: async (e) => expect(await firstStatus(e)).toMatch(/escribiremos|email you/i),
  },
  {
    name: 'buy · notify me with a wrong email',
    page: 'buy',
    who: 'anon',
    status: 400,
    open: async (e) => {
      await e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang, show: 'n2', ticketOptionId: 'vip' }));
      await noValidate(e);
      await label(e, 'Correo electrónico', 'Email address').fill('lead@');
      return submit(e, say(e, 'Avísame', 'Notify me'));
    },
    check: async (e) => expect(await firstAlert(e)).not.toBe(''),
  },
  {
    name: 'buy · the ticket was taken',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(plus(await e.world.buyingFlowUrl({ lang: e.lang }), { notice: 'taken' })),
    check: async (e) => expect(await firstStatus(e)).not.toBe(''),
  },
  {
    name: 'buy · resale not open yet',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang, show: 'w1' })),
    check: async (e) => expect(await notifyButton(e).count()).toBe(1),
  },
  {
    name: 'buy · sale link, on sale',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.salePublicUrl('C1', e.lang)),
    check: async (e) => {
      expect(await e.tab.page.locator('meta[property="og:title"]').count()).toBe(1);
      expect(await e.tab.page.locator('meta[name="robots"]').count()).toBe(0);
    },
  },
  {
    name: 'buy · sale link, no longer on sale',
    page: 'buy',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.salePublicUrl('A1', e.lang)),
    check: async (e) => expect(await firstStatus(e)).not.toBe(''),
  },
  {
    name: 'buy · signed-in buyer',
    page: 'buy',
    who: 'buyer',
    open: async (e) => e.tab.goto(await e.world.buyingFlowUrl({ lang: e.lang })),
    check: async (e) => expect(await e.tab.page.locator('header.top').innerText()).toContain(BUYER),
  },
  {
    name: 'buy · unknown show',
    page: 'buy',
    who: 'anon',
    status: 404,
    open: (e) => e.tab.goto(`${e.server.origin}/${e.lang}/marketplace/shows/shw_nothing_here`),
  },
];

// ---------------------------------------------------------------------------------------------
// checkout (SPEC §4.1 item 2)

const co = {
  email: (e: Env) => label(e, 'Correo electrónico', 'Email address'),
  card: (e: Env) => label(e, 'Número de tarjeta', 'Card number'),
  expiry: (e: Env) => label(e, 'Caducidad (MM/AA)', 'Expiry (MM/YY)'),
  cvc: (e: Env) => label(e, 'CVC', 'CVC'),
  first: (e: Env) => label(e, 'Nombre', 'First name'),
  last: (e: Env) => label(e, 'Apellidos', 'Last name'),
};
const PAY = /^(Pagar|Pay)\b/;

/** Fills the checkout form (the email when the page asks for it) and presses Pay. */
async function payCheckout(e: Env, card: string, o: { email?: string; holder?: [string, string]; expiry?: string; cvc?: string } = {}): Promise<Response> {
  if ((await co.email(e).count()) > 0) await co.email(e).fill(o.email ?? `buyer-${e.lang}-${e.tab.width}@fans.example`);
  if (o.holder) {
    await co.first(e).fill(o.holder[0]);
    await co.last(e).fill(o.holder[1]);
  }
  await co.card(e).fill(card);
  await co.expiry(e).fill(o.expiry ?? '12/34');
  await co.cvc(e).fill(o.cvc ?? '123');
  return submit(e, PAY);
}

const CHECKOUT: State[] = [
  {
    name: 'checkout · pay form',
    page: 'checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await e.once('url', () => e.world.checkoutUrl({ lang: 'es' })), e.lang)),
    check: async (e) => {
      await heading(e, /Completa tu compra|Complete your purchase/);
      expect(await co.email(e).count()).toBe(1);
      expect(await e.tab.page.locator('[data-countdown]').count()).toBe(1);
    },
  },
  {
    name: 'checkout · buyer known (login trust)',
    page: 'checkout',
    who: 'fresh',
    open: async (e) => {
      let first = false;
      const url = await e.once('url', async () => {
        first = true;
        return e.world.checkoutUrl({ lang: 'es', as: BUYER });
      });
      // The URL the API handed out signs the buyer in once; the other runs get a token of their own.
      if (first) return e.tab.goto(url);
      return e.tab.goto(withToken(inLang(withoutToken(url), e.lang), await issueOneTimeToken(e.server, e.world.apiKey, BUYER)));
    },
    check: async (e) => {
      expect(e.tab.page.url()).not.toContain('oneTimeToken');
      expect(await co.email(e).count()).toBe(0);
      expect(await main(e)).toContain(BUYER);
    },
  },
  {
    name: 'checkout · named holder',
    page: 'checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await e.once('url', () => e.world.checkoutUrl({ lang: 'es', named: true })), e.lang)),
    check: async (e) => {
      expect(await co.first(e).count()).toBe(1);
      expect(await co.last(e).count()).toBe(1);
    },
  },
  {
    name: 'checkout · form errors',
    page: 'checkout',
    who: 'anon',
    status: 400,
    open: async (e) => {
      await e.tab.goto(inLang(await e.once('url', () => e.world.checkoutUrl({ lang: 'es', named: true })), e.lang));
      await noValidate(e);
      return payCheckout(e, '1234', { email: 'bruno@', expiry: '13/99', cvc: '1' });
    },
    check: async (e) => expect(await e.tab.page.getByRole('alert').count()).toBeGreaterThanOrEqual(3),
  },
  {
    name: 'checkout · card declined',
    page: 'checkout',
    who: 'anon',
    status: 402,
    open: async (e) => {
      await e.tab.goto(inLang(await e.once('url', () => e.world.checkoutUrl({ lang: 'es' })), e.lang));
      return payCheckout(e, CARD.declined);
    },
    check: async (e) => expect(await firstAlert(e)).toMatch(/rechazada|declined/),
  },
  {
    name: 'checkout · paid',
    page: 'checkout',
    who: 'anon',
    open: async (e) => {
      const landed = await e.once('paid', async () => {
        await e.tab.goto(inLang(await e.world.checkoutUrl({ lang: 'es' }), e.lang));
        await payCheckout(e, CARD.ok);
        return e.tab.page.url();
      });
      return openLanded(e, landed);
    },
    check: (e) => heading(e, /Compra completada|Purchase complete/),
  },
  {
    name: 'checkout · more time given',
    page: 'checkout',
    who: 'anon',
    open: async (e) => {
      const landed = await e.once('extended', async () => {
        await e.tab.goto(inLang(await e.world.checkoutUrl({ lang: 'es' }), e.lang));
        await submit(e, say(e, 'Necesito más tiempo', 'I need more time'));
        return e.tab.page.url();
      });
      return openLanded(e, landed);
    },
    check: async (e) => expect(await firstStatus(e)).not.toBe(''),
  },
  {
    name: 'checkout · reservation expired',
    page: 'checkout',
    who: 'anon',
    open: async (e) => {
      const url = await e.once('url', async () => {
        const u = await e.world.checkoutUrl({ lang: 'es' });
        e.server.clock!.advance(11 * 60_000); // past the 10-minute hold
        return u;
      });
      return e.tab.goto(inLang(url, e.lang));
    },
    check: (e) => heading(e, /Tu reserva ha caducado|Your reservation expired/),
  },
  {
    name: 'checkout · tickets gone to another fan',
    page: 'checkout',
    who: 'anon',
    open: async (e) => {
      const url = await e.once('url', async () => {
        const listingId = e.world.takeFromPool();
        const u = await e.world.checkoutUrl({ lang: 'es', listingIds: [listingId] });
        e.server.clock!.advance(11 * 60_000);
        await e.world.buyIntention(CARLA, [listingId]);
        return u;
      });
      return e.tab.goto(inLang(url, e.lang));
    },
    check: (e) => heading(e, /Otra persona se ha llevado|Someone else took/),
  },
  {
    name: 'checkout · wrong secret',
    page: 'checkout',
    who: 'anon',
    status: 404,
    open: async (e) => {
      const url = new URL(await e.once('url', () => e.world.checkoutUrl({ lang: 'es' })));
      url.searchParams.set('secret', 'not-the-secret');
      return e.tab.goto(inLang(url.toString(), e.lang));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// sell a ticket (SPEC §4.1 item 3)

const price = (e: Env) => label(e, 'Tu precio por entrada (EUR)', 'Your price per ticket (EUR)');

const SELL_TICKET: State[] = [
  {
    name: 'sell ticket · sign in first',
    page: 'sell-ticket',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.sellTicketUrl('A1', e.lang)),
    check: (e) => heading(e, /Inicia sesión|Sign in/),
  },
  {
    name: 'sell ticket · price form',
    page: 'sell-ticket',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellTicketUrl('A1', e.lang)),
    check: async (e) => {
      await heading(e, /Vende tu entrada|Sell your ticket/);
      expect(await price(e).count()).toBe(1);
    },
  },
  {
    name: 'sell ticket · preview without JavaScript',
    page: 'sell-ticket',
    who: 'seller',
    open: async (e) => {
      await e.tab.goto(await e.world.sellTicketUrl('A1', e.lang));
      await price(e).fill('55');
      return submit(e, say(e, 'Actualizar cálculo', 'Update preview'));
    },
    check: async (e) => expect(await price(e).inputValue()).toBe('55'),
  },
  {
    name: 'sell ticket · price above the rule',
    page: 'sell-ticket',
    who: 'seller',
    status: 422,
    open: async (e) => {
      await e.tab.goto(await e.world.sellTicketUrl('A1', e.lang));
      await price(e).fill('500');
      return submit(e, say(e, 'Poner a la venta', 'List for sale'));
    },
    check: async (e) => expect(await firstAlert(e)).toMatch(/120/),
  },
  {
    name: 'sell ticket · not a price',
    page: 'sell-ticket',
    who: 'seller',
    status: 400,
    open: async (e) => {
      await e.tab.goto(await e.world.sellTicketUrl('A1', e.lang));
      await noValidate(e);
      await price(e).fill('mucho');
      return submit(e, say(e, 'Poner a la venta', 'List for sale'));
    },
    check: async (e) => expect(await firstAlert(e)).not.toBe(''),
  },
  {
    name: 'sell ticket · already on sale',
    page: 'sell-ticket',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellTicketUrl('A4', e.lang)),
    check: async (e) => expect(await firstStatus(e)).toMatch(/ya está a la venta|already on sale/),
  },
  {
    name: 'sell ticket · sold',
    page: 'sell-ticket',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellTicketUrl('A5', e.lang)),
    check: async (e) => expect(await firstStatus(e)).toMatch(/Has vendido|You sold/),
  },
  {
    name: 'sell ticket · resale not open, transfer instead',
    page: 'sell-ticket',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellTicketUrl('L1', e.lang)),
    check: async (e) => expect(await e.tab.page.getByRole('link', { name: say(e, 'Transferirla a otra persona', 'Transfer it to someone instead') }).count()).toBe(1),
  },
  {
    name: 'sell ticket · somebody else’s ticket',
    page: 'sell-ticket',
    who: 'seller',
    status: 404,
    open: async (e) => e.tab.goto(await e.world.sellTicketUrl('B1', e.lang)),
  },
];

// ---------------------------------------------------------------------------------------------
// sell an order (SPEC §4.1 item 4)

const SELL_ORDER: State[] = [
  {
    name: 'sell order · sign in first',
    page: 'sell-order',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.sellOrderUrl(ORDER, e.lang)),
    check: (e) => heading(e, /Inicia sesión|Sign in/),
  },
  {
    name: 'sell order · the order’s tickets',
    page: 'sell-order',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellOrderUrl(ORDER, e.lang)),
    check: async (e) => {
      await heading(e, /Vende entradas de tu pedido|Sell tickets from your order/);
      expect(await e.tab.page.getByRole('checkbox').count()).toBeGreaterThanOrEqual(2);
    },
  },
  {
    name: 'sell order · nothing chosen',
    page: 'sell-order',
    who: 'seller',
    status: 400,
    open: async (e) => {
      await e.tab.goto(await e.world.sellOrderUrl(ORDER, e.lang));
      for (const box of await e.tab.page.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
      return submit(e, say(e, 'Poner a la venta', 'List for sale'));
    },
    check: async (e) => expect(await firstAlert(e)).toMatch(/al menos una|at least one/),
  },
  {
    name: 'sell order · unknown order',
    page: 'sell-order',
    who: 'seller',
    status: 404,
    open: async (e) => e.tab.goto(`${e.server.origin}/${e.lang}/marketplace/tenants/${e.world.tenantId}/sell?orderId=ORD-NOPE`),
  },
];

// ---------------------------------------------------------------------------------------------
// listing details (SPEC §4.1 item 5)

const editUrl = (url: string) => {
  const u = new URL(url);
  u.pathname += '/edit';
  return u.toString();
};

const LISTING: State[] = [
  {
    name: 'listing · sign in first',
    page: 'listing',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.sellDetailsUrl('A4', e.lang)),
    check: (e) => heading(e, /Inicia sesión|Sign in/),
  },
  {
    name: 'listing · on sale',
    page: 'listing',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellDetailsUrl('A4', e.lang)),
    check: (e) => heading(e, /Tu anuncio|Your listing/),
  },
  {
    name: 'listing · just listed',
    page: 'listing',
    who: 'seller',
    open: async (e) => e.tab.goto(plus(await e.world.sellDetailsUrl('A4', e.lang), { done: 'listed' })),
    check: async (e) => expect(await firstStatus(e)).toMatch(/ya está a la venta|is on sale/),
  },
  {
    name: 'listing · change the price',
    page: 'listing',
    who: 'seller',
    open: async (e) => e.tab.goto(editUrl(await e.world.sellDetailsUrl('A4', e.lang))),
    check: async (e) => expect(await price(e).count()).toBe(1),
  },
  {
    name: 'listing · price preview without JavaScript',
    page: 'listing',
    who: 'seller',
    open: async (e) => {
      await e.tab.goto(editUrl(await e.world.sellDetailsUrl('A4', e.lang)));
      await price(e).fill('50');
      return submit(e, say(e, 'Actualizar cálculo', 'Update preview'));
    },
    check: async (e) => expect(await price(e).inputValue()).toBe('50'),
  },
  {
    name: 'listing · price refused',
    page: 'listing',
    who: 'seller',
    status: 422,
    open: async (e) => {
      await e.tab.goto(editUrl(await e.world.sellDetailsUrl('A4', e.lang)));
      await price(e).fill('500');
      return submit(e, say(e, 'Guardar el nuevo precio', 'Save the new price'));
    },
    check: async (e) => expect(await firstAlert(e)).toMatch(/120/),
  },
  {
    name: 'listing · price saved',
    page: 'listing',
    who: 'seller',
    open: async (e) => {
      const landed = await e.once('saved', async () => {
        await e.tab.goto(editUrl(await e.world.sellDetailsUrl('A4', e.lang)));
        await price(e).fill('44');
        await submit(e, say(e, 'Guardar el nuevo precio', 'Save the new price'));
        return e.tab.page.url();
      });
      return openLanded(e, landed);
    },
    check: async (e) => expect(await firstStatus(e)).toMatch(/nuevo precio|new price/),
  },
  {
    name: 'listing · being bought',
    page: 'listing',
    who: 'seller',
    open: async (e) => {
      await e.once('reserved', () => e.world.buyIntention(BUYER, [e.world.listings.a7]));
      return e.tab.goto(await e.world.sellDetailsUrl('A7', e.lang));
    },
    check: async (e) => expect(await main(e)).toMatch(/En proceso de compra|Being bought/),
  },
  {
    name: 'listing · removed from sale',
    page: 'listing',
    who: 'seller',
    open: async (e) => {
      const landed = await e.once('delisted', async () => {
        await e.tab.goto(await e.world.sellDetailsUrl('A6', e.lang));
        acceptNextDialog(e);
        await submit(e, say(e, 'Retirar de la venta', 'Remove from sale'));
        return e.tab.page.url();
      });
      return openLanded(e, landed);
    },
    check: async (e) => expect(await firstStatus(e)).toMatch(/retirado|removed/),
  },
  {
    name: 'listing · sold, payout waiting for details',
    page: 'listing',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.sellDetailsUrl('A5', e.lang)),
    check: async (e) => expect(await main(e)).toMatch(/Vendida|Sold/),
  },
  {
    name: 'listing · somebody else’s listing',
    page: 'listing',
    who: 'seller',
    status: 404,
    open: (e) => e.tab.goto(`${e.server.origin}/${e.lang}/marketplace/listings/${e.world.listings.c1}`),
  },
];

// ---------------------------------------------------------------------------------------------
// my tickets (SPEC §4.1 item 6)

const MY_TICKETS: State[] = [
  {
    name: 'my tickets · sign in first',
    page: 'my-tickets',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.myTicketsUrl(e.lang)),
    check: (e) => heading(e, /Inicia sesión|Sign in/),
  },
  {
    name: 'my tickets · all of the seller’s',
    page: 'my-tickets',
    who: 'seller',
    open: (e) => e.tab.goto(`${e.server.origin}/${e.lang}/marketplace/tenants/${e.world.tenantId}/tickets`),
    check: (e) => heading(e, /Mis entradas|My tickets/),
  },
  {
    name: 'my tickets · one order (MANAGE)',
    page: 'my-tickets',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.myTicketsUrl(e.lang)),
    check: async (e) => expect(await main(e)).toContain(ORDER),
  },
  {
    name: 'my tickets · just listed',
    page: 'my-tickets',
    who: 'seller',
    open: async (e) => e.tab.goto(plus(await e.world.myTicketsUrl(e.lang), { done: 'listed' })),
    check: async (e) => expect(await firstStatus(e)).not.toBe(''),
  },
  {
    name: 'my tickets · the buyer’s',
    page: 'my-tickets',
    who: 'buyer',
    open: (e) => e.tab.goto(`${e.server.origin}/${e.lang}/marketplace/tenants/${e.world.tenantId}/tickets`),
    check: async (e) => expect(await main(e)).toContain('B1'),
  },
  {
    name: 'my tickets · none yet',
    page: 'my-tickets',
    who: 'fresh',
    signInAs: 'nadie@fans.example',
    open: (e) => e.tab.goto(`${e.server.origin}/${e.lang}/marketplace/tenants/${e.world.tenantId}/tickets`),
    check: async (e) => expect(await main(e)).toMatch(/Todavía no hay entradas|No tickets here yet/),
  },
];

// ---------------------------------------------------------------------------------------------
// payout details (SPEC §4.1 item 7)

const holderName = (e: Env) => label(e, 'Nombre del titular de la cuenta', 'Account holder’s name');

/** Ana's payout details, saved once through the form (shared by the states after it). */
let saved: Promise<string> | undefined;
function savedPayoutDetails(e: Env): Promise<string> {
  saved ??= (async () => {
    await e.tab.goto(await e.world.payoutDetailsUrl(e.lang));
    await holderName(e).fill('Ana García');
    await label(e, 'IBAN', 'IBAN').fill('ES91 2100 0418 4502 0005 1332');
    await submit(e, say(e, 'Guardar datos de cobro', 'Save payout details'));
    return e.tab.page.url();
  })();
  return saved;
}

const PAYOUT_DETAILS: State[] = [
  {
    name: 'payout details · sign in first',
    page: 'payout-details',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.payoutDetailsUrl(e.lang)),
    check: (e) => heading(e, /Inicia sesión|Sign in/),
  },
  {
    name: 'payout details · the form',
    page: 'payout-details',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.payoutDetailsUrl(e.lang)),
    check: async (e) => expect(await e.tab.page.getByRole('textbox').count()).toBeGreaterThanOrEqual(2),
  },
  {
    name: 'payout details · a wrong IBAN',
    page: 'payout-details',
    who: 'seller',
    status: 400,
    open: async (e) => {
      await e.tab.goto(await e.world.payoutDetailsUrl(e.lang));
      await noValidate(e);
      await holderName(e).fill('Ana García');
      await label(e, 'IBAN', 'IBAN').fill('ES00 1234');
      return submit(e, say(e, 'Guardar datos de cobro', 'Save payout details'));
    },
    check: async (e) => expect(await firstAlert(e)).not.toBe(''),
  },
  // Saving ends Ana's PENDING_PAYOUT_INFO: the states after it open the page the save led to.
  {
    name: 'payout details · saved',
    page: 'payout-details',
    who: 'seller',
    open: async (e) => openLanded(e, await savedPayoutDetails(e)),
    check: async (e) => expect(await firstStatus(e)).toMatch(/guardado|saved/),
  },
  {
    name: 'payout details · the account, masked',
    page: 'payout-details',
    who: 'seller',
    open: async (e) => {
      const landed = new URL(await savedPayoutDetails(e));
      landed.searchParams.delete('done');
      return openLanded(e, landed.toString());
    },
    check: async (e) => {
      expect(await main(e)).toContain('1332');
      expect(await main(e)).not.toContain('0005 1332');
    },
  },
  {
    name: 'payout details · change them',
    page: 'payout-details',
    who: 'seller',
    open: async (e) => {
      const landed = new URL(await savedPayoutDetails(e));
      landed.searchParams.delete('done');
      landed.searchParams.set('edit', '1');
      return openLanded(e, landed.toString());
    },
    check: async (e) => expect(await holderName(e).count()).toBe(1),
  },
];

// ---------------------------------------------------------------------------------------------
// transfer (SPEC §4.1 item 8)

const transferOf = (e: Env, ticketId: string, show: string = e.world.showPk.n1) => `${e.server.origin}/${e.lang}/marketplace/shows/${show}/transfer?ticketId=${ticketId}`;

const TRANSFER: State[] = [
  {
    name: 'transfer · sign in first',
    page: 'transfer',
    who: 'anon',
    open: async (e) => e.tab.goto(await e.world.transferUrl(e.lang)),
    check: (e) => heading(e, /Inicia sesión|Sign in/),
  },
  {
    name: 'transfer · the form',
    page: 'transfer',
    who: 'seller',
    open: async (e) => e.tab.goto(await e.world.transferUrl(e.lang)),
    check: (e) => heading(e, /Transfiere tu entrada|Transfer your ticket/),
  },
  {
    name: 'transfer · form errors',
    page: 'transfer',
    who: 'seller',
    status: 400,
    open: async (e) => {
      await e.tab.goto(await e.world.transferUrl(e.lang));
      await noValidate(e);
      await label(e, 'Su correo electrónico', 'Their email address').fill('regalo@');
      return submit(e, say(e, 'Transferir entrada', 'Transfer ticket'));
    },
    check: async (e) => expect(await e.tab.page.getByRole('alert').count()).toBeGreaterThanOrEqual(1),
  },
  {
    name: 'transfer · a listed ticket',
    page: 'transfer',
    who: 'seller',
    open: (e) => e.tab.goto(transferOf(e, 'A4')),
    check: (e) => heading(e, /no se puede transferir|can’t be transferred/),
  },
  {
    name: 'transfer · done',
    page: 'transfer',
    who: 'seller',
    open: async (e) => {
      const landed = await e.once('done', async () => {
        await e.tab.goto(transferOf(e, 'A8'));
        await label(e, 'Su correo electrónico', 'Their email address').fill('regalo@fans.example');
        await e.tab.page.getByRole('checkbox').check();
        await submit(e, say(e, 'Transferir entrada', 'Transfer ticket'));
        return e.tab.page.url();
      });
      return openLanded(e, landed);
    },
    check: (e) => heading(e, /Entrada transferida|Ticket transferred/),
  },
  {
    name: 'transfer · somebody else’s ticket',
    page: 'transfer',
    who: 'seller',
    status: 404,
    open: (e) => e.tab.goto(transferOf(e, 'B1')),
  },
];

// ---------------------------------------------------------------------------------------------
// purchase-intent checkout (SPEC §4.1 item 9, §7)

const pi = {
  card: (e: Env) => label(e, 'Número de tarjeta', 'Card number'),
  expiry: (e: Env) => label(e, 'Caducidad (MM/AA)', 'Expiry (MM/YY)'),
  cvc: (e: Env) => label(e, 'Código CVC', 'Security code'),
};

async function payIntent(e: Env, card: string, o: { expiry?: string; cvc?: string } = {}): Promise<Response> {
  await pi.card(e).fill(card);
  await pi.expiry(e).fill(o.expiry ?? '12/34');
  await pi.cvc(e).fill(o.cvc ?? '123');
  return submit(e, PAY);
}

type IntentOptions = Parameters<World['purchaseIntentCheckout']>[0];
const intentUrl = (e: Env, o: Omit<IntentOptions, 'lang'> = {}) => e.once('intent', async () => (await e.world.purchaseIntentCheckout({ lang: 'es', ...o })).url);

/** Pays on the intent's page once (deposit or full), answering where the page went. */
const paidOnce = (e: Env, key: string, o: Omit<IntentOptions, 'lang'>, card: string = CARD.ok) =>
  e.once(key, async () => {
    await e.tab.goto(inLang(await intentUrl(e, o), e.lang));
    await payIntent(e, card);
    return e.tab.page.url();
  });

const PI_CHECKOUT: State[] = [
  {
    name: 'pi checkout · pay in full',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await intentUrl(e), e.lang)),
    check: async (e) => {
      await heading(e, /Completa tu reserva|Complete your booking/);
      expect(await pi.card(e).count()).toBe(1);
    },
  },
  {
    name: 'pi checkout · deposit first',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await intentUrl(e, { deposit: 20 }), e.lang)),
    check: async (e) => expect(await e.tab.page.getByRole('button', { name: /^(Pagar señal|Pay deposit)/ }).count()).toBe(1),
  },
  {
    name: 'pi checkout · deposit paid, the rest due',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => openLanded(e, await paidOnce(e, 'paid', { deposit: 20 })),
    check: async (e) => expect(await e.tab.page.getByRole('button', { name: /^(Pagar el resto|Pay remaining)/ }).count()).toBe(1),
  },
  {
    name: 'pi checkout · paid in full',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => openLanded(e, await paidOnce(e, 'paid', {})),
    check: (e) => heading(e, /Pago completado|Payment complete/),
  },
  {
    name: 'pi checkout · card declined',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => openLanded(e, await paidOnce(e, 'declined', {}, CARD.declined)),
    check: async (e) => expect(await main(e)).toMatch(/rechaz|declined/i),
  },
  {
    name: 'pi checkout · card errors',
    page: 'pi-checkout',
    who: 'anon',
    status: 400,
    open: async (e) => {
      await e.tab.goto(inLang(await intentUrl(e), e.lang));
      await noValidate(e);
      return payIntent(e, '1234', { expiry: '13/99', cvc: '1' });
    },
    check: async (e) => expect(await e.tab.page.getByRole('alert').count()).toBeGreaterThanOrEqual(3),
  },
  {
    name: 'pi checkout · awaiting approval',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await intentUrl(e, { approval: 'awaiting' }), e.lang)),
    check: (e) => heading(e, /aprobación|approval/),
  },
  {
    name: 'pi checkout · rejected by the organiser',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await intentUrl(e, { approval: 'rejected' }), e.lang)),
    check: async (e) => expect(await main(e)).toContain('Aforo completo'),
  },
  {
    name: 'pi checkout · canceled by the fan',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => {
      const landed = await e.once('canceled', async () => {
        await e.tab.goto(inLang(await intentUrl(e), e.lang));
        acceptNextDialog(e);
        await submit(e, say(e, 'Cancelar reserva', 'Cancel booking'));
        return e.tab.page.url();
      });
      return openLanded(e, landed);
    },
    check: (e) => heading(e, /se ha cancelado|has been canceled/),
  },
  {
    name: 'pi checkout · cancel not allowed',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => e.tab.goto(inLang(await intentUrl(e, { cancellation: 'notAllowed' }), e.lang)),
    check: async (e) => expect(await e.tab.page.getByRole('button', { name: say(e, 'Cancelar reserva', 'Cancel booking') }).count()).toBe(0),
  },
  {
    name: 'pi checkout · wrong secret',
    page: 'pi-checkout',
    who: 'anon',
    status: 404,
    open: async (e) => {
      const url = new URL(await intentUrl(e));
      url.searchParams.set('secret', 'not-the-secret');
      return e.tab.goto(inLang(url.toString(), e.lang));
    },
  },
  // Last: it moves the server's clock two days on.
  {
    name: 'pi checkout · expired',
    page: 'pi-checkout',
    who: 'anon',
    open: async (e) => {
      const url = await e.once('expired', async () => {
        const u = await intentUrl(e);
        e.server.clock!.advance(49 * 3_600_000); // the strategy's 48 hours after creation
        return u;
      });
      return e.tab.goto(inLang(url, e.lang));
    },
    check: (e) => heading(e, /ha caducado|has expired/),
  },
];

/** In the order they run: states that move the clock come after those that need a live hold. */
export const STATES: State[] = [...SHELL, ...BUY, ...SELL_TICKET, ...SELL_ORDER, ...LISTING, ...MY_TICKETS, ...PAYOUT_DETAILS, ...TRANSFER, ...CHECKOUT, ...PI_CHECKOUT];
