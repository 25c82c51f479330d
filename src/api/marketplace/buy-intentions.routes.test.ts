import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ignoredFieldsOf, STRICT, type Dyn } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { sweepMarketplace } from '../../flows/marketplace-jobs.js';
import { consumeOneTimeToken } from '../../modules/auth-tokens/index.js';
import { listOk, ticket } from '../../modules/listings/listings.fixtures.js';
import {
  BUY,
  buy,
  buyOk,
  call,
  CARD,
  errorOf,
  intentionRow,
  listingRow,
  listSingles,
  MINUTE,
  newSeller,
  pay,
  priced,
  secretOf,
  setHoldMinutes,
  syncTickets,
  webhookData,
  webhooksOf,
} from '../../modules/orders/orders.fixtures.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('POST /v1/marketplace/buyingflow/buyIntention', () => {
  const ctx = useContext({ clock: 'manual' });

  it('reserves a listing for 10 minutes and answers the intention with its money and paymentUrl', async () => {
    const s = await newSeller(ctx, 'happy');
    const [lst] = await listSingles(ctx, s, ['H-1']);
    const now = ctx.clock!.now();
    const res = await buy(ctx, s.key, [lst!], 'Buyer@X.example');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data: Dyn = res.body.data;
    const expiresAt = new Date(now.getTime() + 10 * MINUTE);
    expect(data).toMatchObject({
      status: 'RESERVED',
      expiresAt: expiresAt.toISOString(),
      items: [{ listingId: lst, type: 'SINGLE', quantity: 1, ticketIds: ['H-1'], price: 30, fees: 3, total: 33 }],
      subtotal: 30,
      fees: 3,
      total: 33,
      currency: 'EUR',
      user: 'buyer@x.example',
      orderId: null,
    });
    const id = data.intentionId as string;
    expect(id).toMatch(/^bi_/);
    const url = new URL(data.paymentUrl as string);
    expect(`${url.origin}${url.pathname}`).toBe(`http://encore.test/es/checkout/${id}`);
    const secret = url.searchParams.get('secret')!;
    expect(secret.length).toBeGreaterThan(20);

    const row = (await intentionRow(ctx, id))!;
    expect(row).toMatchObject({ tenant_id: s.tenantId, status: 'RESERVED', source: 'BUY_INTENTION', buyer_email: 'buyer@x.example', subtotal_minor: 3000, buyer_fee_minor: 300, total_minor: 3300, currency: 'EUR' });
    expect(row.expires_at.toISOString()).toBe(expiresAt.toISOString());
    expect(row.secret_hash).toBe(sha256(secret));
    expect(row.secret_hash).not.toContain(secret);
    const items = await ctx.deps.db.selectFrom('buy_intention_items').selectAll().where('intention_id', '=', id).execute();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ listing_id: lst, quantity: 1, ticket_ids: ['H-1'], price_minor: 3000, buyer_fee_minor: 300, seller_email: 'h-1@fans.example' });

    const listing = (await listingRow(ctx, s.tenantId, lst!))!;
    expect(listing).toMatchObject({ status: 'RESERVED', hold_intention_id: id });
    expect(listing.hold_expires_at!.toISOString()).toBe(expiresAt.toISOString());
  });

  it('reserves two listings of one show together', async () => {
    const s = await newSeller(ctx, 'two');
    const [a, b] = await listSingles(ctx, s, ['TW-1', 'TW-2']);
    const res = await buy(ctx, s.key, [a!, b!]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ subtotal: 60, fees: 6, total: 66 });
    expect(res.body.data.items).toMatchObject([{ listingId: a }, { listingId: b }]);
    for (const l of [a!, b!]) expect((await listingRow(ctx, s.tenantId, l))!.hold_intention_id).toBe(res.body.data.intentionId);
  });

  it('refuses listings of two shows (400 LISTINGS_NOT_COMPATIBLE) and reserves nothing', async () => {
    const s = await newSeller(ctx, 'shows');
    await syncTickets(ctx, s.key, [ticket('S-1', { showId: 'd1', price: 30 }, 'duo'), ticket('S-2', { showId: 'd2', price: 30 }, 'duo')]);
    const a = (await listOk(ctx, s.key, ['S-1'], 30)).listingId as string;
    const b = (await listOk(ctx, s.key, ['S-2'], 30)).listingId as string;
    const res = await buy(ctx, s.key, [a, b]);
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'LISTINGS_NOT_COMPATIBLE', field: 'items' });
    expect((await listingRow(ctx, s.tenantId, a))!.status).toBe('ACTIVE');
    expect((await listingRow(ctx, s.tenantId, b))!.status).toBe('ACTIVE');
  });

  it('refuses a repeated listing (400 on items[1])', async () => {
    const s = await newSeller(ctx, 'dup');
    const [a] = await listSingles(ctx, s, ['DU-1']);
    const res = await buy(ctx, s.key, [a!, a!]);
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'items[1]' });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('ACTIVE');
  });

  it('an unknown listing is 409 LISTING_UNAVAILABLE naming it, and nothing is reserved', async () => {
    const s = await newSeller(ctx, 'unknown');
    const [a] = await listSingles(ctx, s, ['UN-1']);
    const before = await ctx.deps.db.selectFrom('buy_intentions').select('id').where('tenant_id', '=', s.tenantId).execute();
    const res = await buy(ctx, s.key, [a!, 'lst_nope']);
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: ['lst_nope'] } });
    expect((await listingRow(ctx, s.tenantId, a!))).toMatchObject({ status: 'ACTIVE', hold_intention_id: null });
    expect(await ctx.deps.db.selectFrom('buy_intentions').select('id').where('tenant_id', '=', s.tenantId).execute()).toEqual(before);
    expect(await webhooksOf(ctx, s.tenantId, 'listing.updated')).toEqual([]);
  });

  it('a buyer cannot buy their own listing (409 OWN_LISTING)', async () => {
    const s = await newSeller(ctx, 'own');
    const [a] = await listSingles(ctx, s, ['OW-1']);
    const res = await buy(ctx, s.key, [a!], 'OW-1@Fans.example');
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'OWN_LISTING' });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('ACTIVE');
  });

  it.each([
    ['empty items', { items: [], user: 'b@x.example' }, 'items'],
    ['bad email', { items: ['lst_x'], user: 'not-an-email' }, 'user'],
    ['missing user', { items: ['lst_x'] }, 'user'],
  ])('bad body: %s → 400 naming the field', async (_name, body, field) => {
    const s = await newSeller(ctx, `bad-${field}-${Math.random()}`);
    const res = await call(ctx, s.key, 'POST', BUY, body);
    expect(res.status).toBe(400);
    expect(errorOf(res)!.code).toBe('VALIDATION_ERROR');
    expect(errorOf(res)!.field).toContain(field);
  });

  it('an unknown field is ignored and named in Encore-Ignored-Fields; with Encore-Strict it is 400 UNKNOWN_FIELD and nothing is reserved', async () => {
    const s = await newSeller(ctx, 'extra-field');
    const [a] = await listSingles(ctx, s, ['XF-1']);
    const body = { items: [a], user: 'b@x.example', extra: 1 };
    const strict = await call(ctx, s.key, 'POST', BUY, body, STRICT);
    expect(strict.status, JSON.stringify(strict.body)).toBe(400);
    expect(errorOf(strict)).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'extra' });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('ACTIVE');

    const lenient = await call(ctx, s.key, 'POST', BUY, body);
    expect(lenient.status, JSON.stringify(lenient.body)).toBe(200);
    expect(ignoredFieldsOf(lenient)).toEqual(['extra']);
    expect(lenient.body.data).toMatchObject({ status: 'RESERVED', items: [{ listingId: a }] });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('RESERVED');
  });

  it('no key is 401; another tenant’s listing is invisible (409 LISTING_UNAVAILABLE)', async () => {
    const s = await newSeller(ctx, 'sec');
    const other = await newSeller(ctx, 'sec-other');
    const [a] = await listSingles(ctx, s, ['SE-1']);
    const none = await buy(ctx, undefined, [a!]);
    expect(none.status).toBe(401);
    const res = await buy(ctx, other.key, [a!]);
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [a] } });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('ACTIVE');
  });

  it('a hold expires after 10 minutes without any sweeper; the sweep then marks it EXPIRED and says the listing is ACTIVE again', async () => {
    const s = await newSeller(ctx, 'expiry');
    const [a, b] = await listSingles(ctx, s, ['EX-1', 'EX-2']);
    const first = await buyOk(ctx, s.key, [a!], 'first@x.example');
    const stillHeld = await buy(ctx, s.key, [a!], 'second@x.example');
    expect(stillHeld.status).toBe(409);

    ctx.clock!.advance(10 * MINUTE - 1000);
    expect((await buy(ctx, s.key, [a!], 'second@x.example')).status).toBe(409);
    ctx.clock!.advance(1000);
    const second = await buyOk(ctx, s.key, [a!], 'second@x.example');
    expect((await listingRow(ctx, s.tenantId, a!))!.hold_intention_id).toBe(second.intention.intentionId);

    // b: expires with nobody taking it over; the sweep gives it back with a webhook.
    const third = await buyOk(ctx, s.key, [b!], 'third@x.example');
    ctx.clock!.advance(10 * MINUTE);
    const before = (await webhooksOf(ctx, s.tenantId, 'listing.updated')).length;
    const swept = await sweepMarketplace(ctx.deps);
    expect(swept.intentions).toBeGreaterThanOrEqual(2);
    expect((await intentionRow(ctx, first.intention.intentionId))!.status).toBe('EXPIRED');
    expect((await intentionRow(ctx, second.intention.intentionId))!.status).toBe('EXPIRED');
    expect((await intentionRow(ctx, third.intention.intentionId))!.status).toBe('EXPIRED');
    for (const l of [a!, b!]) expect(await listingRow(ctx, s.tenantId, l)).toMatchObject({ status: 'ACTIVE', hold_intention_id: null, hold_expires_at: null });
    const sent = (await webhookData(ctx, s.tenantId, 'listing.updated')).slice(before);
    expect(sent.map((d) => `${d.listingId as string}:${d.status as string}`).sort()).toEqual([`${a}:ACTIVE`, `${b}:ACTIVE`].sort());
    // A second sweep has nothing left to do.
    expect(await sweepMarketplace(ctx.deps)).toMatchObject({ intentions: 0, holds: 0 });
  });

  it('an Idempotency-Key replays the same intention and reserves once', async () => {
    const s = await newSeller(ctx, 'idem');
    const [a] = await listSingles(ctx, s, ['ID-1']);
    const send = () => ctx.app.inject({ method: 'POST', url: BUY, headers: { authorization: s.key, 'idempotency-key': 'buy-1' }, payload: { items: [a], user: 'b@x.example' } });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await ctx.deps.db.selectFrom('buy_intentions').select('id').where('tenant_id', '=', s.tenantId).execute()).toHaveLength(1);
  });

  it('uses the tenant’s hold minutes', async () => {
    const s = await newSeller(ctx, 'hold3');
    await setHoldMinutes(ctx, s.tenantId, 3);
    const [a] = await listSingles(ctx, s, ['HM-1']);
    const now = ctx.clock!.now();
    const { intention } = await buyOk(ctx, s.key, [a!]);
    expect(intention.expiresAt).toBe(new Date(now.getTime() + 3 * MINUTE).toISOString());
    ctx.clock!.advance(3 * MINUTE);
    expect((await buy(ctx, s.key, [a!], 'late@x.example')).status).toBe(200);
  });
});

describe('GET /v1/marketplace/buyingflow/buyIntention/:id', () => {
  const ctx = useContext({ clock: 'manual' });

  it('answers the intention (and its order once paid); unknown and another tenant’s are 404', async () => {
    const s = await newSeller(ctx, 'get');
    const other = await newSeller(ctx, 'get-other');
    const [a] = await listSingles(ctx, s, ['G-1']);
    const { intention, secret } = await buyOk(ctx, s.key, [a!]);
    const got = await call(ctx, s.key, 'GET', `${BUY}/${intention.intentionId}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ intention: { intentionId: intention.intentionId, status: 'RESERVED', total: 33, paymentUrl: null }, order: null });

    const paid = await pay(ctx, intention.intentionId, secret);
    expect(paid.status).toBe(200);
    const after = await call(ctx, s.key, 'GET', `${BUY}/${intention.intentionId}`);
    expect(after.body.data).toMatchObject({ intention: { status: 'COMPLETED', orderId: paid.body.data.order.orderId }, order: { status: 'COMPLETED', ticketIds: ['G-1'] } });

    const unknown = await call(ctx, s.key, 'GET', `${BUY}/bi_nope`);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)!.code).toBe('INTENTION_NOT_FOUND');
    const foreign = await call(ctx, other.key, 'GET', `${BUY}/${intention.intentionId}`);
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign)!.code).toBe('INTENTION_NOT_FOUND');
    expect((await call(ctx, undefined, 'GET', `${BUY}/${intention.intentionId}`)).status).toBe(401);
  });
});

describe('POST /v1/marketplace/checkout/url', () => {
  const ctx = useContext({ clock: 'manual' });
  const URL_PATH = '/v1/marketplace/checkout/url';

  it('answers the checkout URL and holds the listings like a buy intention', async () => {
    const s = await newSeller(ctx, 'url');
    const [a, b] = await listSingles(ctx, s, ['U-1', 'U-2']);
    const res = await call(ctx, s.key, 'POST', URL_PATH, { listingIds: [a, b] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const url = new URL(res.body.data as string);
    const id = url.pathname.split('/').at(-1)!;
    expect(`${url.origin}${url.pathname}`).toBe(`http://encore.test/es/checkout/${id}`);
    expect(url.searchParams.get('oneTimeToken')).toBeNull();
    const row = (await intentionRow(ctx, id))!;
    expect(row).toMatchObject({ tenant_id: s.tenantId, status: 'RESERVED', source: 'CHECKOUT_URL', buyer_email: null, total_minor: 6600 });
    expect(row.secret_hash).toBe(sha256(url.searchParams.get('secret')!));
    for (const l of [a!, b!]) expect((await listingRow(ctx, s.tenantId, l))!).toMatchObject({ status: 'RESERVED', hold_intention_id: id });

    // Without a known buyer the page must send buyerEmail.
    const secret = url.searchParams.get('secret')!;
    const missing = await pay(ctx, id, secret);
    expect(missing.status).toBe(400);
    expect(errorOf(missing)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'buyerEmail' });
    expect((await intentionRow(ctx, id))!.status).toBe('RESERVED');
    const paid = await pay(ctx, id, secret, CARD.ok, 'Page@Buyer.example');
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.data).toMatchObject({ intention: { status: 'COMPLETED', user: 'page@buyer.example' }, order: { status: 'COMPLETED', buyerEmail: 'page@buyer.example', ticketIds: ['U-1', 'U-2'] } });
  });

  it('?lang=en; another language is the tenant default (es); a lang past 35 characters is 400', async () => {
    const s = await newSeller(ctx, 'url-en');
    const [a] = await listSingles(ctx, s, ['UE-1']);
    const res = await call(ctx, s.key, 'POST', `${URL_PATH}?lang=en`, { listingIds: [a] });
    expect(res.status).toBe(200);
    expect(new URL(res.body.data as string).pathname).toMatch(/^\/en\/checkout\/bi_/);
    const [b] = await listSingles(ctx, s, ['UE-2']);
    // Another language falls back to the tenant's default (es), SPEC §1.1.
    const fr = await call(ctx, s.key, 'POST', `${URL_PATH}?lang=fr`, { listingIds: [b] });
    expect(fr.status, JSON.stringify(fr.body)).toBe(200);
    expect(new URL(fr.body.data as string).pathname).toMatch(/^\/es\/checkout\/bi_/);
    const [c] = await listSingles(ctx, s, ['UE-3']);
    const tooLong = await call(ctx, s.key, 'POST', `${URL_PATH}?lang=${'x'.repeat(36)}`, { listingIds: [c] });
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'lang' });
    expect((await listingRow(ctx, s.tenantId, c!))!.status).toBe('ACTIVE');
  });

  it('refuses listings of different ticket options (400 LISTINGS_NOT_COMPATIBLE) and unavailable ones (409)', async () => {
    const s = await newSeller(ctx, 'url-opt');
    await syncTickets(ctx, s.key, [priced('UO-1'), ticket('UO-2', { ticketOptionId: 'vip', price: 90, priceTypeId: 'adult' })]);
    const ga = (await listOk(ctx, s.key, ['UO-1'], 30)).listingId as string;
    const vip = (await listOk(ctx, s.key, ['UO-2'], 90)).listingId as string;
    const mixed = await call(ctx, s.key, 'POST', URL_PATH, { listingIds: [ga, vip] });
    expect(mixed.status).toBe(400);
    expect(errorOf(mixed)).toMatchObject({ code: 'LISTINGS_NOT_COMPATIBLE', field: 'listingIds' });
    expect((await listingRow(ctx, s.tenantId, ga))!.status).toBe('ACTIVE');

    await buyOk(ctx, s.key, [ga]);
    const taken = await call(ctx, s.key, 'POST', URL_PATH, { listingIds: [ga] });
    expect(taken.status).toBe(409);
    expect(errorOf(taken)).toMatchObject({ code: 'LISTING_UNAVAILABLE', details: { listingIds: [ga] } });
    // (Mixed buy intentions, by contrast, may combine ticket options of one show.)
    expect((await buy(ctx, s.key, [vip])).status).toBe(200);
  });

  it('login trust appends a one-time token for that user, who is the intention’s buyer', async () => {
    const s = await newSeller(ctx, 'url-trust');
    const [a] = await listSingles(ctx, s, ['UT-1']);
    const res = await call(ctx, s.key, 'POST', `${URL_PATH}?loginTrust[withMethod]=email&loginTrust[user]=Trusted@Y.example`, { listingIds: [a] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const url = new URL(res.body.data as string);
    const token = url.searchParams.get('oneTimeToken')!;
    expect(token).toBeTruthy();
    expect([...url.searchParams.keys()].at(-1)).toBe('oneTimeToken');
    const id = url.pathname.split('/').at(-1)!;
    expect((await intentionRow(ctx, id))!.buyer_email).toBe('trusted@y.example');
    const consumed = await consumeOneTimeToken(ctx.deps, token);
    expect(consumed).toMatchObject({ tenantId: s.tenantId, user: 'trusted@y.example', method: 'email' });
    expect(await consumeOneTimeToken(ctx.deps, token)).toBeNull();
    // The buyer is known: no buyerEmail needed to pay.
    const paid = await pay(ctx, id, secretOf(url.href));
    expect(paid.body.data).toMatchObject({ intention: { status: 'COMPLETED' }, order: { buyerEmail: 'trusted@y.example' } });
  });

  it.each([
    ['withMethod only', '?loginTrust[withMethod]=email', 'loginTrust[user]'],
    ['user only', '?loginTrust[user]=a@y.example', 'loginTrust[withMethod]'],
  ])('login trust with %s is 400 and reserves nothing', async (_name, query, field) => {
    const s = await newSeller(ctx, `url-half-${field}`);
    const [a] = await listSingles(ctx, s, [`UH-${field.length}`]);
    const res = await call(ctx, s.key, 'POST', `${URL_PATH}${query}`, { listingIds: [a] });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('ACTIVE');
  });

  it('bad bodies and no key; an unknown field is ignored (named in Encore-Ignored-Fields), or 400 UNKNOWN_FIELD with Encore-Strict', async () => {
    const s = await newSeller(ctx, 'url-bad');
    expect((await call(ctx, s.key, 'POST', URL_PATH, { listingIds: [] })).status).toBe(400);
    expect((await call(ctx, undefined, 'POST', URL_PATH, { listingIds: ['x'] })).status).toBe(401);

    const [a] = await listSingles(ctx, s, ['UB-1']);
    const strict = await call(ctx, s.key, 'POST', URL_PATH, { listingIds: [a], more: true }, STRICT);
    expect(strict.status, JSON.stringify(strict.body)).toBe(400);
    expect(errorOf(strict)).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'more' });
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('ACTIVE');

    const lenient = await call(ctx, s.key, 'POST', URL_PATH, { listingIds: [a], more: true });
    expect(lenient.status, JSON.stringify(lenient.body)).toBe(200);
    expect(ignoredFieldsOf(lenient)).toEqual(['more']);
    expect(new URL(lenient.body.data as string).pathname).toMatch(/^\/es\/checkout\/bi_/);
    expect((await listingRow(ctx, s.tenantId, a!))!.status).toBe('RESERVED');
  });
});
