import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { QueryCounter } from '../../../test/query-counter.js';
import { sellMode } from '../../flows/access-layer-sell.js';
import { consumeOneTimeToken } from '../../modules/auth-tokens/index.js';
import { listOk, listTickets, setRules } from '../../modules/listings/listings.fixtures.js';
import { call, newSeller, priced, syncTickets } from '../../modules/orders/orders.fixtures.js';

const ANA = 'ana@fans.example';
interface Cta {
  type: string;
  label: string;
  url: string;
}
interface Row {
  ticketId: string;
  status: string;
  listing?: { listingId: string };
  ctas: Cta[];
}
interface OrderRow {
  orderId: string;
  ctas: Cta[];
  tickets: Row[];
}
const tokenOf = (url: string) => new URL(url).searchParams.get('oneTimeToken');
const pathOf = (url: string) => {
  const u = new URL(url);
  u.searchParams.delete('oneTimeToken');
  return `${u.pathname}${u.search}`;
};

/** Smart Access Layer, sell mode (issue 11, item 2; SPEC §6): POST /v1/wrapper/accesslayer with tickets or orders. */
describe('POST /v1/wrapper/accesslayer (sell mode)', () => {
  const ctx = useContext({ clock: 'manual' });
  const sell = (key: string | undefined, body: unknown, query = 'lang=en') => call(ctx, key, 'POST', `/v1/wrapper/accesslayer?${query}`, body);
  const byId = (rows: Row[]) => new Map<string, Row>(rows.map((r) => [r.ticketId, r]));

  it('answers each ticket of the fan on stored state: SELLABLE, FOR_SALE, TICKET_USED, TICKET_CANCELLED, NOT_OWNER; every CTA URL signs the fan in once', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sell-a');
    await syncTickets(ctx, s.key, [
      priced('A1', 30, { buyer: 'Ana@Fans.example' }),
      priced('A2', 30, { buyer: ANA }),
      priced('A3', 30, { buyer: ANA }),
      priced('A4', 30, { buyer: ANA }),
      priced('B1', 30, { buyer: 'bob@fans.example' }),
    ]);
    const listing = await listOk(ctx, s.key, ['A2'], 40, ANA);
    await listOk(ctx, s.key, ['B1'], 55, 'bob@fans.example');
    expect((await call(ctx, s.key, 'POST', '/v1/tickets/A3/eventAdmission', {})).status).toBe(200);
    expect((await call(ctx, s.key, 'DELETE', '/v1/tickets/A4')).status).toBe(200);

    const res = await sell(s.key, { user: 'ANA@fans.example', tickets: ['A1', 'A2', 'A3', 'A4', 'B1', 'nope'].map((ticketId) => ({ ticketId })) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = res.body.data.tickets as Row[];
    expect(rows.map((r) => r.ticketId)).toEqual(['A1', 'A2', 'A3', 'A4', 'B1', 'nope']);
    const t = byId(rows);
    expect(t.get('A1')).toMatchObject({ status: 'SELLABLE', availableUntil: '2027-06-01T19:00:00.000Z' });
    expect(t.get('A1')!.ctas.map((c: Cta) => [c.type, c.label])).toEqual([['SELL', 'Sell']]);
    expect(t.get('A2')).toMatchObject({ status: 'FOR_SALE', listing: { listingId: listing.listingId, price: 40, currency: 'EUR', status: 'ACTIVE' } });
    expect(t.get('A2')!.ctas.map((c: Cta) => c.type)).toEqual(['EDIT', 'DETAILS']);
    expect(t.get('A3')).toEqual({ ticketId: 'A3', status: 'NOT_SELLABLE', reason: 'TICKET_USED', ctas: [] });
    expect(t.get('A4')).toEqual({ ticketId: 'A4', status: 'NOT_SELLABLE', reason: 'TICKET_CANCELLED', ctas: [] });
    // Bob's ticket and an unknown one read the same: nothing of Bob's listing or price.
    expect(t.get('B1')).toEqual({ ticketId: 'B1', status: 'NOT_SELLABLE', reason: 'NOT_OWNER', ctas: [] });
    expect(t.get('nope')).toEqual({ ticketId: 'nope', status: 'NOT_SELLABLE', reason: 'NOT_OWNER', ctas: [] });

    // URLs: the one URL builder's pages, each with its own single-use token for Ana.
    const urls: string[] = rows.flatMap((r) => r.ctas.map((c: Cta) => c.url));
    const [sellUrl, editUrl, detailsUrl] = urls;
    const showPk = pathOf(sellUrl!).split('/')[4];
    expect(pathOf(sellUrl!)).toBe(`/en/marketplace/shows/${showPk}/sell?ticketId=A1`);
    expect(pathOf(editUrl!)).toBe(`/en/marketplace/listings/${listing.listingId}/edit`);
    expect(pathOf(detailsUrl!)).toBe(`/en/marketplace/listings/${listing.listingId}`);
    const tokens = urls.map(tokenOf);
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) expect(await consumeOneTimeToken(ctx.deps, token!)).toEqual({ tenantId: s.tenantId, user: ANA, method: 'email' });
    expect(await consumeOneTimeToken(ctx.deps, tokens[0]!)).toBeNull();

    // Spanish texts.
    const es = await sell(s.key, { user: ANA, tickets: [{ ticketId: 'A1' }, { ticketId: 'A2' }] }, 'lang=es');
    expect((es.body.data.tickets as Row[]).flatMap((r: Row) => r.ctas.map((c: Cta) => c.label))).toEqual(['Vender', 'Editar precio', 'Ver detalles']);
    expect((es.body.data.tickets as Row[])[0]!.ctas[0]!.url).toContain('/es/marketplace/');
  });

  it('dates decide: WINDOW_NOT_OPEN with availableFrom, WINDOW_CLOSED with availableUntil, RESALE_DISABLED; P2P whenever the TRANSFER rule allows it', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sell-dates');
    await syncTickets(ctx, s.key, [priced('W1', 30, { buyer: ANA }), priced('W2', 30, { buyer: ANA, ticketOptionId: 'vip', price: 90 })]);
    await setRules(ctx, s.key, [
      { externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, opensAt: '2027-05-10T10:00:00Z', closesHoursBeforeShow: 24 } },
      { externalReferenceEventId: 'solo', ticketOptionId: 'vip', ruleType: 'RESALE', rules: { enabled: false } },
      { externalReferenceEventId: 'solo', ruleType: 'TRANSFER', rules: { enabled: true, closesHoursBeforeShow: 2 } },
    ]);
    const body = { user: ANA, tickets: [{ ticketId: 'W1' }, { ticketId: 'W2' }] };
    let t = byId((await sell(s.key, body)).body.data.tickets);
    expect(t.get('W1')).toMatchObject({ status: 'NOT_SELLABLE', reason: 'WINDOW_NOT_OPEN', availableFrom: '2027-05-10T10:00:00.000Z' });
    expect(t.get('W1')!.ctas.map((c: Cta) => c.type)).toEqual(['P2P']);
    expect(pathOf(t.get('W1')!.ctas[0]!.url)).toMatch(/^\/en\/marketplace\/shows\/shw_[^/]+\/transfer\?ticketId=W1$/);
    expect(t.get('W2')).toMatchObject({ status: 'NOT_SELLABLE', reason: 'RESALE_DISABLED' });

    ctx.clock!.set('2027-05-20T10:00:00Z');
    t = byId((await sell(s.key, body)).body.data.tickets);
    expect(t.get('W1')).toMatchObject({ status: 'SELLABLE', availableUntil: '2027-05-31T19:00:00.000Z' });
    expect(t.get('W1')!.ctas.map((c: Cta) => c.type)).toEqual(['SELL', 'P2P']);

    ctx.clock!.set('2027-06-01T10:00:00Z'); // inside the last 24 hours: resale closed, transfer still open
    t = byId((await sell(s.key, body)).body.data.tickets);
    expect(t.get('W1')).toMatchObject({ status: 'NOT_SELLABLE', reason: 'WINDOW_CLOSED', availableUntil: '2027-05-31T19:00:00.000Z' });
    expect(t.get('W1')!.ctas.map((c: Cta) => c.type)).toEqual(['P2P']);

    ctx.clock!.set('2027-06-01T18:00:00Z'); // one hour before the show: transfer closed too
    t = byId((await sell(s.key, body)).body.data.tickets);
    expect(t.get('W1')).toMatchObject({ reason: 'WINDOW_CLOSED', ctas: [] });
  });

  it('LISTING_LIMIT: the RESALE rule caps the tickets one seller has on sale per show, in sell mode and when listing', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sell-limit');
    await syncTickets(ctx, s.key, [priced('L1', 30, { buyer: ANA }), priced('L2', 30, { buyer: ANA }), priced('L3', 30, { buyer: 'bob@fans.example' })]);
    await setRules(ctx, s.key, [{ externalReferenceEventId: 'solo', ruleType: 'RESALE', rules: { enabled: true, maxListedTicketsPerSeller: 1 } }]);
    await listOk(ctx, s.key, ['L1'], 35, ANA);
    const t = byId((await sell(s.key, { user: ANA, tickets: [{ ticketId: 'L1' }, { ticketId: 'L2' }] })).body.data.tickets);
    expect(t.get('L1')).toMatchObject({ status: 'FOR_SALE' });
    expect(t.get('L2')).toEqual({ ticketId: 'L2', status: 'NOT_SELLABLE', reason: 'LISTING_LIMIT', ctas: [] });
    const refused = await listTickets(ctx, s.key, ['L2'], 35, ANA);
    expect(refused.status).toBe(422);
    expect(errorOf(refused)).toMatchObject({ code: 'LISTING_LIMIT', field: 'ticketIds', details: { setting: 'maxListedTicketsPerSeller', limit: 1, listed: 1 } });
    // Another seller is not affected.
    await listOk(ctx, s.key, ['L3'], 35, 'bob@fans.example');
    const delisted = await call(ctx, s.key, 'DELETE', '/v1/marketplace/items/ticket/L1');
    expect(delisted.status).toBe(200);
    const after = byId((await sell(s.key, { user: ANA, tickets: [{ ticketId: 'L2' }] })).body.data.tickets);
    expect(after.get('L2')).toMatchObject({ status: 'SELLABLE' });
  });

  it('orders: aggregates the fan’s tickets of each order with counts, SELL and MANAGE; an order the fan holds nothing of is NOT_OWNER', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sell-orders');
    await syncTickets(ctx, s.key, [
      priced('O1', 30, { buyer: ANA, orderId: 'ORD-1' }),
      priced('O2', 30, { buyer: ANA, orderId: 'ORD-1' }),
      priced('O3', 30, { buyer: 'friend@fans.example', orderId: 'ORD-1' }),
      priced('P1', 30, { buyer: ANA, orderId: 'ORD-2' }),
      priced('Q1', 30, { buyer: 'bob@fans.example', orderId: 'ORD-3' }),
    ]);
    const listing = await listOk(ctx, s.key, ['O2'], 45, ANA);
    await listOk(ctx, s.key, ['P1'], 45, ANA);
    const res = await sell(s.key, { user: ANA, orders: [{ orderId: 'ORD-1' }, { orderId: 'ORD-2' }, { orderId: 'ORD-3' }, { orderId: 'ORD-404' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [o1, o2, o3, o404] = res.body.data.orders as [OrderRow, OrderRow, OrderRow, OrderRow];
    expect(o1).toMatchObject({ orderId: 'ORD-1', status: 'SELLABLE', counts: { sellable: 1, forSale: 1, sold: 0, notSellable: 0 } });
    expect(o1.ctas.map((c: Cta) => [c.type, pathOf(c.url)])).toEqual([
      ['SELL', `/en/marketplace/tenants/${s.tenantId}/sell?orderId=ORD-1`],
      ['MANAGE', `/en/marketplace/tenants/${s.tenantId}/tickets?orderId=ORD-1`],
    ]);
    // The friend's ticket of the order is not Ana's to see.
    expect(o1.tickets.map((t: Row) => [t.ticketId, t.status])).toEqual([
      ['O1', 'SELLABLE'],
      ['O2', 'FOR_SALE'],
    ]);
    expect(o1.tickets[1]!.listing!.listingId).toBe(listing.listingId);
    expect(o2).toMatchObject({ orderId: 'ORD-2', status: 'FOR_SALE', counts: { sellable: 0, forSale: 1, sold: 0, notSellable: 0 } });
    expect(o2.ctas.map((c: Cta) => c.type)).toEqual(['MANAGE']);
    for (const o of [o3, o404]) expect(o).toEqual({ orderId: o.orderId, status: 'NOT_SELLABLE', reason: 'NOT_OWNER', counts: { sellable: 0, forSale: 0, sold: 0, notSellable: 0 }, ctas: [], tickets: [] });
    // Every URL carries its own token.
    const urls: string[] = (res.body.data.orders as OrderRow[]).flatMap((o) => [...o.ctas, ...o.tickets.flatMap((t: Row) => t.ctas)].map((c: Cta) => c.url));
    expect(new Set(urls.map(tokenOf)).size).toBe(urls.length);
  });

  it('bad input names the field; no key is 401; another tenant’s tickets and orders are NOT_OWNER, never their data', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sell-bad');
    await syncTickets(ctx, s.key, [priced('X1', 30, { buyer: ANA, orderId: 'ORD-X' })]);
    await listOk(ctx, s.key, ['X1'], 44, ANA);
    const bad = async (body: unknown, field: string) => {
      const res = await sell(s.key, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(errorOf(res)?.field).toBe(field);
    };
    await bad({ tickets: [{ ticketId: 'X1' }] }, 'user');
    await bad({ user: 'not-an-email', tickets: [{ ticketId: 'X1' }] }, 'user');
    await bad({ user: ANA }, 'tickets');
    await bad({ user: ANA, tickets: [{ ticketId: 'X1' }], orders: [{ orderId: 'ORD-X' }] }, 'orders');
    await bad({ user: ANA, tickets: [] }, 'tickets');
    await bad({ user: ANA, tickets: [{}] }, 'tickets[0].ticketId');
    await bad({ user: ANA, tickets: Array.from({ length: 201 }, (_, i) => ({ ticketId: `T${i}` })) }, 'tickets');
    // A field the client adds is ignored; a NUL in an id names nothing.
    const extra = await sell(s.key, { user: ANA, tickets: [{ ticketId: 'X1', note: 'x' }, { ticketId: 'a\u0000b' }], source: 'app' });
    expect(extra.status).toBe(200);
    expect((extra.body.data.tickets as Row[]).map((t: Row) => t.status)).toEqual(['FOR_SALE', 'NOT_SELLABLE']);

    expect((await sell(undefined, { user: ANA, tickets: [{ ticketId: 'X1' }] })).status).toBe(401);
    const other = await newSeller(ctx, 'sell-other');
    const seen = await sell(other.key, { user: ANA, tickets: [{ ticketId: 'X1' }] });
    expect(seen.body.data.tickets).toEqual([{ ticketId: 'X1', status: 'NOT_SELLABLE', reason: 'NOT_OWNER', ctas: [] }]);
    const seenOrder = await sell(other.key, { user: ANA, orders: [{ orderId: 'ORD-X' }] });
    expect(seenOrder.body.data.orders[0]).toMatchObject({ status: 'NOT_SELLABLE', reason: 'NOT_OWNER', tickets: [] });
  });

  it('reads with a fixed number of queries whatever the number of tickets (1 and 100)', async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    const s = await newSeller(ctx, 'sell-count');
    const ids = Array.from({ length: 100 }, (_, i) => `C${String(i).padStart(3, '0')}`);
    await syncTickets(ctx, s.key, ids.map((id, i) => priced(id, 30, { buyer: ANA, ...(i % 2 ? { ticketOptionId: 'vip', price: 90 } : {}) })));
    await listOk(ctx, s.key, ['C001'], 95, ANA);
    const counts: number[] = [];
    for (const n of [1, 100]) {
      const counter = new QueryCounter();
      const answer = await sellMode({ ...ctx.deps, db: ctx.deps.db.withPlugin(counter) }, { tenantId: s.tenantId, label: 'test' }, { user: ANA, tickets: ids.slice(0, n).map((ticketId) => ({ ticketId })) });
      expect('tickets' in answer && answer.tickets).toHaveLength(n);
      counts.push(counter.count);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
