import { withTx } from '../../src/db/tx.js';
import { createTenantInTx } from '../../src/modules/tenants/index.js';
import { marketplaceClient, purchaseIntentClient, type Client, type Dyn, type Envelope } from '../client.js';
import type { TestContext } from '../harness.js';

/**
 * The world the browser tests open pages in, seeded through the real API (like
 * test/sell-journey.test.ts): a themed tenant with an allowed return origin, an event with two shows
 * in a non-UTC time zone (Buenos Aires, UTC−3: a page that formats in the browser's or the server's
 * zone shows the wrong hour), tickets of a seller fan and a buyer fan, a RESALE rule and a TRANSFER
 * window, active listings (singles and a PACK), an order of several tickets, a sold ticket whose
 * seller has no payout account, a pool of listings for checkouts, and a second event whose policy
 * asks for a named holder.
 *
 * Every URL is handed out by the API, fresh on each call (a one-time token works once): with login
 * trust (`loginTrust[withMethod]=email&loginTrust[user]=…`) when `as` names a fan, without otherwise.
 */

export type Lang = 'es' | 'en';

export const SHOP = 'https://shop.example';
export const RETURN_TO = `${SHOP}/aurora`;
export const TENANT_NAME = 'Sala Aurora';
export const THEME = { background: '#fffaf3', text: '#1f1a14', accent: '#9c2f5a' } as const;
export const EVENT = 'aurora-2027';
export const NAMED_EVENT = 'aurora-named';
export const TIME_ZONE = 'America/Argentina/Buenos_Aires';
/** `days` from today at `hhmm` in Buenos Aires (UTC−3 all year), as the API takes it. */
function buenosAires(days: number, hhmm: string): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${hhmm}:00-03:00`;
}
/**
 * Months ahead, so the world never ages out of its resale windows. 21:00 in Buenos Aires is midnight
 * UTC: the day itself differs between the two zones.
 */
export const SHOWS = { n1: buenosAires(150, '21:00'), n2: buenosAires(151, '21:00'), named: buenosAires(154, '20:30'), later: buenosAires(200, '21:00') } as const;
/** The later event's resale opens this day (in the future): its pages show a closed market. */
export const LATER_OPENS_AT = `${new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10)}T15:00:00.000Z`;
export const LATER_EVENT = 'aurora-later';

/**
 * The seller fan Ana (an order of three tickets, one of them listed; A4 listed; A5 sold to Bruno; A6
 * and A7 listed for the listing page's states; A8 free to give away; L1 of the later event), the
 * buyer fan Bruno (B1), and two more sellers (Carla's singles and pack, Dora's pools).
 */
export const SELLER = 'ana@fans.example';
export const BUYER = 'bruno@fans.example';
export const CARLA = 'carla@fans.example';
export const DORA = 'dora@fans.example';
export const ORDER = 'ORD-ANA';

export const CARD = { ok: '4242424242424242', declined: '4000000000000002', slowFail: '4000000000000259' } as const;

const POOL_SIZE = 16;
const NAMED_POOL_SIZE = 4;

export interface Cta {
  type: string;
  label: string;
  url: string;
}

export interface World {
  tenantId: string;
  apiKey: string;
  mp: Client<Envelope>;
  pi: Client<Dyn>;
  /** Encore's show ids (`shw_…`) by the integrator's show id (`w1`: the later event's, resale not open yet). */
  showPk: Record<'n1' | 'n2' | 'w1', string>;
  /** Listing ids: Ana's A4 and A2 (of her order), Carla's singles C1/C2 (ga), C3 (vip), her PACK C4+C5 (second show). */
  listings: { a4: string; a2: string; a6: string; a7: string; c1: string; c2: string; c3: string; pack: string; soldA5: string };

  buyingFlowUrl(o: { lang: Lang; show?: 'n1' | 'n2' | 'w1'; ticketOptionId?: string; as?: string }): Promise<string>;
  salePublicUrl(ticketId: string, lang: Lang): Promise<string>;
  sellTicketUrl(ticketId: string, lang: Lang, as?: string): Promise<string>;
  sellOrderUrl(orderId: string, lang: Lang, as?: string): Promise<string>;
  sellDetailsUrl(ticketId: string, lang: Lang, as?: string): Promise<string>;
  /** POST /v1/marketplace/checkout/url for the next listing of the pool (named: the policy-MANDATORY event's). */
  checkoutUrl(o: { lang: Lang; as?: string; named?: boolean; listingIds?: string[] }): Promise<string>;
  /** The next unused listing of the checkout pool (Dora's singles at 33 EUR; named: the policy-MANDATORY event's). */
  takeFromPool(named?: boolean): string;
  /** A buy intention for `buyer` on the next pool listing: its paymentUrl, id and secret. */
  buyIntention(buyer: string, listingIds?: string[]): Promise<{ paymentUrl: string; intentionId: string; secret: string }>;
  /** The Smart Access Layer's sell-mode answer for `user`'s tickets (or orders). */
  sellMode(user: string, lang: Lang, items: { tickets: string[] } | { orders: string[] }): Promise<Dyn>;
  /** The URL of one sell-mode CTA (`SELL`, `EDIT`, `DETAILS`, `P2P`, `PENDING_PAYOUT_INFO`, order `MANAGE`…), with its one-time token. */
  ctaUrl(user: string, lang: Lang, item: { ticketId: string } | { orderId: string }, type: string): Promise<string>;
  myTicketsUrl(lang: Lang, as?: string): Promise<string>;
  payoutDetailsUrl(lang: Lang, as?: string): Promise<string>;
  transferUrl(lang: Lang, as?: string): Promise<string>;
  /** A purchase intent (VIP, 90 EUR) and its hosted checkout session's URL (SPEC §7); `deposit` in EUR. */
  purchaseIntentCheckout(o: {
    lang: Lang;
    deposit?: number;
    /** The organiser's decision after the page was handed out (a session is only created for a payable intent). */
    approval?: 'awaiting' | 'rejected';
    cancellation?: 'cancellationAllowed' | 'notAllowed';
  }): Promise<{ url: string; intentId: string; secret: string }>;
  /** A fresh ticket of the first show for `buyer` (its id), when a test needs one of its own. */
  newTicket(buyer: string, o?: { ticketOptionId?: string; orderId?: string }): Promise<string>;
}

function ok<T = Dyn>(res: { status: number; text: string; body: unknown }, what: string, status = 200): T {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 1500)}`);
  return res.body as T;
}

/** `url` without its one-time token (the same page, as a fan arriving unsigned sees it). */
export function withoutToken(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('oneTimeToken');
  return u.toString();
}

/** The same page in the other language (`/es/…` ↔ `/en/…`). */
export function inLang(url: string, lang: Lang): string {
  const u = new URL(url);
  u.pathname = u.pathname.replace(/^\/(es|en)(?=\/)/, `/${lang}`);
  return u.toString();
}

const trustQuery = (as: string | undefined): string => (as === undefined ? '' : `&loginTrust[withMethod]=email&loginTrust[user]=${encodeURIComponent(as)}`);

function ticket(ticketId: string, buyer: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalReferenceEventId: EVENT,
    showId: 'n1',
    buyer,
    ticketId,
    ticketAccess: { type: 'API', locator: `code-${ticketId}` },
    ticketOptionId: 'ga',
    priceTypeId: 'adult',
    price: { amount: 30, currency: 'EUR' },
    ...extra,
  };
}

export async function seedWorld(ctx: Pick<TestContext, 'app' | 'deps'>): Promise<World> {
  const t = await withTx(ctx.deps.db, (tx) =>
    createTenantInTx(tx, ctx.deps, { name: TENANT_NAME, returnOrigins: [SHOP], defaultLanguage: 'es', theme: { ...THEME } }),
  );
  const mp = marketplaceClient(ctx, t.apiKey);
  const pi = purchaseIntentClient(ctx, t.apiKey);

  const options = [
    { ticketId: 'ga', title: 'Pista', price: 30 },
    { ticketId: 'vip', title: 'Palco VIP', price: 90 },
  ];
  const priceTypes = [{ priceTypeId: 'adult', title: 'General' }];
  const location = { venueName: 'Teatro Aurora', city: 'Buenos Aires', country: 'AR', timeZone: TIME_ZONE };
  const event = ok<Envelope>(
    await mp.post('/v1/events', {
      externalReferenceId: EVENT,
      title: 'Aurora en vivo',
      description: 'Dos noches de Aurora en el Teatro Aurora.',
      location,
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [
        { showId: 'n1', date: SHOWS.n1, ticketOptions: options, priceTypes },
        { showId: 'n2', date: SHOWS.n2, ticketOptions: options, priceTypes },
      ],
    }),
    'POST /v1/events',
  ).data as { shows: { id: string; showId: string }[] };
  const showPk = Object.fromEntries(event.shows.map((s) => [s.showId, s.id])) as Record<'n1' | 'n2' | 'w1', string>;
  ok(
    await mp.post('/v1/events', {
      externalReferenceId: NAMED_EVENT,
      title: 'Aurora: función nominal',
      description: 'Entradas nominativas.',
      location,
      configuration: { policy: 'MANDATORY', currency: 'EUR' },
      shows: [{ showId: 'm1', date: SHOWS.named, ticketOptions: options, priceTypes }],
    }),
    'POST /v1/events (named)',
  );
  const later = ok<Envelope>(
    await mp.post('/v1/events', {
      externalReferenceId: LATER_EVENT,
      title: 'Aurora: gira de invierno',
      description: 'La reventa abre más adelante.',
      location,
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [{ showId: 'w1', date: SHOWS.later, ticketOptions: options, priceTypes }],
    }),
    'POST /v1/events (later)',
  ).data as { shows: { id: string }[] };

  showPk.w1 = later.shows[0]!.id;

  const pool = Array.from({ length: POOL_SIZE }, (_, i) => `P${i + 1}`);
  const namedPool = Array.from({ length: NAMED_POOL_SIZE }, (_, i) => `N${i + 1}`);
  const synced = ok<Envelope>(
    await mp.post('/v1/sync/tickets', [
      ticket('A1', SELLER, { orderId: ORDER }),
      ticket('A2', SELLER, { orderId: ORDER }),
      ticket('A3', SELLER, { orderId: ORDER, ticketOptionId: 'vip', price: { amount: 90, currency: 'EUR' }, props: { seating: { section: 'Palco 2', row: 'B', seat: '7' } } }),
      ticket('A4', SELLER, { props: { seating: { section: 'Pista', row: '12', seat: '3' } } }),
      ticket('A5', SELLER),
      ticket('A6', SELLER),
      ticket('A7', SELLER),
      ticket('A8', SELLER, { props: { seating: { section: 'Pista', row: '2', seat: '8' } } }),
      ticket('B1', BUYER),
      ticket('C1', CARLA, { props: { seating: { section: 'Pista', row: '4', seat: '10' } } }),
      ticket('C2', CARLA),
      ticket('C3', CARLA, { ticketOptionId: 'vip', price: { amount: 90, currency: 'EUR' } }),
      ticket('C4', CARLA, { showId: 'n2', orderId: 'ORD-CARLA' }),
      ticket('C5', CARLA, { showId: 'n2', orderId: 'ORD-CARLA' }),
      ...pool.map((id) => ticket(id, DORA)),
      ...namedPool.map((id) => ticket(id, DORA, { externalReferenceEventId: NAMED_EVENT, showId: 'm1' })),
      ticket('L1', SELLER, { externalReferenceEventId: LATER_EVENT, showId: 'w1' }),
    ]),
    'POST /v1/sync/tickets',
  ).data as { ticketId: string; status: string; errors?: unknown }[];
  const failed = synced.filter((r) => r.status === 'ERROR');
  if (failed.length > 0) throw new Error(`sync refused: ${JSON.stringify(failed)}`);

  ok(
    await mp.post('/v1/events/rules', [
      { externalReferenceEventId: EVENT, ruleType: 'RESALE', rules: { enabled: true, minPrice: 10, maxPrice: 120, closesHoursBeforeShow: 2 } },
      { externalReferenceEventId: EVENT, ruleType: 'TRANSFER', rules: { enabled: true, closesHoursBeforeShow: 2 } },
      { externalReferenceEventId: NAMED_EVENT, ruleType: 'RESALE', rules: { enabled: true } },
      { externalReferenceEventId: LATER_EVENT, ruleType: 'RESALE', rules: { enabled: true, opensAt: LATER_OPENS_AT } },
      { externalReferenceEventId: LATER_EVENT, ruleType: 'TRANSFER', rules: { enabled: true } },
    ]),
    'POST /v1/events/rules',
  );

  const list = async (ticketIds: string[], price: number, sellerEmail: string): Promise<string> =>
    (ok<Envelope>(await mp.post('/v1/marketplace/listings', { ticketIds, price, sellerEmail }), `list ${ticketIds.join('+')}`).data as { listingId: string }).listingId;
  const listings = {
    a4: await list(['A4'], 40, SELLER),
    // One ticket of Ana's order on sale: the order's sell-mode answer then has MANAGE (my tickets).
    a2: await list(['A2'], 48, SELLER),
    c1: await list(['C1'], 35, CARLA),
    c2: await list(['C2'], 42, CARLA),
    c3: await list(['C3'], 95, CARLA),
    pack: await list(['C4', 'C5'], 38, CARLA),
    soldA5: await list(['A5'], 45, SELLER),
    // For the pages' states that change a listing: delisted (A6), being bought (A7).
    a6: await list(['A6'], 41, SELLER),
    a7: await list(['A7'], 43, SELLER),
  };
  const poolListings: string[] = [];
  for (const id of pool) poolListings.push(await list([id], 33, DORA));
  const namedListings: string[] = [];
  for (const id of namedPool) namedListings.push(await list([id], 50, DORA));

  const buyIntention = async (buyer: string, listingIds?: string[]) => {
    const items = listingIds ?? [next(poolListings, 'checkout pool')];
    const data = ok<Envelope>(await mp.post('/v1/marketplace/buyingflow/buyIntention', { items, user: buyer }), 'buyIntention').data as { intentionId: string; paymentUrl: string };
    return { paymentUrl: data.paymentUrl, intentionId: data.intentionId, secret: new URL(data.paymentUrl).searchParams.get('secret')! };
  };

  // Ana's A5 is sold to Bruno (a declined card, then a good one): SOLD, payout waiting for her details.
  const sale = await buyIntention(BUYER, [listings.soldA5]);
  const pay = (cardNumber: string) => mp.post(`/v1/checkout/${sale.intentionId}/pay`, { secret: sale.secret, cardNumber });
  ok(await pay(CARD.declined), 'pay (declined)');
  ok(await pay(CARD.ok), 'pay');

  const urlOf = async (path: string, what: string): Promise<string> => ok<Envelope>(await mp.get(path), what).data as string;
  const sellMode = async (user: string, lang: Lang, items: { tickets: string[] } | { orders: string[] }): Promise<Dyn> => {
    const body = 'tickets' in items ? { user, tickets: items.tickets.map((ticketId) => ({ ticketId })) } : { user, orders: items.orders.map((orderId) => ({ orderId })) };
    return ok<Envelope>(await mp.post(`/v1/wrapper/accesslayer?lang=${lang}`, body), 'sell mode').data;
  };
  const ctaUrl = async (user: string, lang: Lang, item: { ticketId: string } | { orderId: string }, type: string): Promise<string> => {
    const data = await sellMode(user, lang, 'ticketId' in item ? { tickets: [item.ticketId] } : { orders: [item.orderId] });
    const row = ('ticketId' in item ? data.tickets[0] : data.orders[0]) as { ctas: Cta[] };
    const cta = row.ctas.find((c) => c.type === type);
    if (!cta) throw new Error(`no ${type} CTA for ${user} ${JSON.stringify(item)}: ${JSON.stringify(row)}`);
    return cta.url;
  };
  const maybeToken = (url: string, as: string | undefined) => (as === undefined ? withoutToken(url) : url);
  let fresh = 0;

  return {
    tenantId: t.tenantId,
    apiKey: t.apiKey,
    mp,
    pi,
    showPk,
    listings,
    buyingFlowUrl: (o) =>
      urlOf(
        `/v1/marketplace/buyingflow/url/entrypoint?externalReferenceEventId=${o.show === 'w1' ? LATER_EVENT : EVENT}&showId=${o.show ?? 'n1'}&lang=${o.lang}&returnTo=${encodeURIComponent(RETURN_TO)}` +
          (o.ticketOptionId === undefined ? '' : `&ticketOptionId=${o.ticketOptionId}`) +
          trustQuery(o.as),
        'buying flow URL',
      ),
    salePublicUrl: (ticketId, lang) => urlOf(`/v1/events/tickets/salePublicUrl?ticketId=${encodeURIComponent(ticketId)}&lang=${lang}`, 'sale public URL'),
    sellTicketUrl: (ticketId, lang, as) =>
      urlOf(`/v1/marketplace/sellingflow/url/entrypoint?ticketId=${encodeURIComponent(ticketId)}&lang=${lang}&returnTo=${encodeURIComponent(RETURN_TO)}${trustQuery(as)}`, 'sell ticket URL'),
    sellOrderUrl: (orderId, lang, as) =>
      urlOf(`/v1/marketplace/sellingflow/url/order/entrypoint?orderId=${encodeURIComponent(orderId)}&lang=${lang}&returnTo=${encodeURIComponent(RETURN_TO)}${trustQuery(as)}`, 'sell order URL'),
    sellDetailsUrl: (ticketId, lang, as) =>
      urlOf(`/v1/marketplace/sellingflow/details/url?ticketId=${encodeURIComponent(ticketId)}&lang=${lang}&returnTo=${encodeURIComponent(RETURN_TO)}${trustQuery(as)}`, 'sell details URL'),
    checkoutUrl: async (o) => {
      const listingIds = o.listingIds ?? [next(o.named ? namedListings : poolListings, o.named ? 'named pool' : 'checkout pool')];
      return ok<Envelope>(await mp.post(`/v1/marketplace/checkout/url?lang=${o.lang}${trustQuery(o.as)}`, { listingIds }), 'checkout URL').data as string;
    },
    takeFromPool: (named) => next(named ? namedListings : poolListings, named ? 'named pool' : 'checkout pool'),
    buyIntention,
    sellMode,
    ctaUrl,
    myTicketsUrl: async (lang, as) => maybeToken(await ctaUrl(SELLER, lang, { orderId: ORDER }, 'MANAGE'), as),
    payoutDetailsUrl: async (lang, as) => maybeToken(await ctaUrl(SELLER, lang, { ticketId: 'A5' }, 'PENDING_PAYOUT_INFO'), as),
    transferUrl: async (lang, as) => maybeToken(await ctaUrl(SELLER, lang, { ticketId: 'A1' }, 'P2P'), as),
    purchaseIntentCheckout: async (o) => {
      const strategy = ok<{ _id: string }>(
        await pi.post('/api/purchaseintents/strategies', {
          name: `browser-${++fresh}`,
          availabilityStrategy: { createTickets: false, checkAvailability: false, withoutSeats: false, createValidTickets: false },
          expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 48, expiresAt: null },
          needsApproval: o.approval !== undefined,
          cancellationStrategy: o.cancellation ?? 'cancellationAllowed',
          ...(o.deposit === undefined ? {} : { deposit: { method: 'fixed', value: o.deposit } }),
        }),
        'POST strategy',
        201,
      );
      const intent = ok<{ _id: string; secret: string }>(
        await pi.post('/api/purchaseintents', { eventId: showPk.n1, strategyId: strategy._id, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }] }),
        'POST purchase intent',
        201,
      );
      const approval = (approvalStatus: string) => pi.post(`/api/purchaseintents/${intent._id}/approval`, { approvalStatus, ...(approvalStatus === 'rejected' ? { rejectionReason: 'Aforo completo' } : {}) });
      if (o.approval !== undefined) ok(await approval('approved'), 'approve');
      const session = ok<{ url: string }>(
        await pi.post(`/api/public/purchaseintents/${intent._id}/checkout?lang=${o.lang}`, { secret: intent.secret }),
        'POST purchase intent checkout',
      );
      if (o.approval !== undefined) ok(await approval(o.approval), `approval ${o.approval}`);
      return { url: session.url, intentId: intent._id, secret: intent.secret };
    },
    newTicket: async (buyer, o = {}) => {
      const id = `X${++fresh}`;
      const res = ok<Envelope>(
        await mp.post('/v1/sync/tickets', [ticket(id, buyer, { ...(o.ticketOptionId ? { ticketOptionId: o.ticketOptionId } : {}), ...(o.orderId ? { orderId: o.orderId } : {}) })]),
        'sync one ticket',
      );
      if ((res.data as { status: string }[])[0]?.status === 'ERROR') throw new Error(JSON.stringify(res.data));
      return id;
    },
  };
}

function next(pool: string[], what: string): string {
  const id = pool.shift();
  if (id === undefined) throw new Error(`the ${what} is empty: raise its size in test/browser/world.ts`);
  return id;
}
