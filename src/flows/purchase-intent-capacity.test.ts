import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceClient } from '../../test/client.js';
import { useContext } from '../../test/harness.js';
import { createStrategy, pi, SHOW_DATE } from '../modules/purchase-intents/intents.fixtures.js';
import { expireDueIntents } from '../modules/purchase-intents/intents.service.js';

/**
 * The capacity counters (issue 13, item 3; migration 0029): many concurrent creates against a small
 * capacity hold exactly the capacity, never more; releases (cancel, expiry, the sweep, ticket
 * invalidation) make room again; and the counter always equals a recount of what it summarises,
 * whichever path wrote (intents, ticket ingestion, ticket deletes, event edits).
 */
describe('purchase-intent capacity counters', () => {
  const ctx = useContext({ clock: 'manual' });
  let key: string;
  let tenantId: string;
  let showPk: string;
  let holding: string;
  let issuing: string;
  let expiring: string;

  const event = (capacity: number) => ({
    externalReferenceId: 'cap',
    title: 'Capacity',
    description: 'Live',
    location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
    shows: [{ showId: 'main', date: SHOW_DATE, ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30, capacity }, { ticketId: 'vip', title: 'VIP', price: 90, capacity: 3 }] }],
  });

  const create = (strategyId: string, amount = 1, ticketTypeId = 'ga') => pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: showPk, strategyId, tickets: [{ ticketTypeId, amount, price: 30 }] });

  /** The counter, and a recount of the places it summarises (lines that hold, live tickets). */
  async function counted(option = 'ga'): Promise<{ counter: number; recount: number; heldUnexpired: number }> {
    const { rows } = await sql<{ counter: number; lines: string; tickets: string; unexpired: string }>`
      SELECT c.held + c.tickets AS counter,
        (SELECT coalesce(sum(amount), 0) FROM purchase_intent_lines l WHERE l.tenant_id = c.tenant_id AND l.show_pk = c.show_pk AND l.ticket_option_id = c.ticket_option_id AND l.holding) AS lines,
        (SELECT count(*) FROM tickets t WHERE t.tenant_id = c.tenant_id AND t.show_pk = c.show_pk AND t.ticket_option_id = c.ticket_option_id AND t.status NOT IN ('CANCELLED', 'DELETED', 'INVALID')) AS tickets,
        (SELECT coalesce(sum(amount), 0) FROM purchase_intent_lines l WHERE l.tenant_id = c.tenant_id AND l.show_pk = c.show_pk AND l.ticket_option_id = c.ticket_option_id AND l.holding
           AND (l.expires_at IS NULL OR l.expires_at > ${ctx.clock!.now()})) AS unexpired
      FROM purchase_intent_capacity c WHERE c.tenant_id = ${tenantId} AND c.show_pk = ${showPk} AND c.ticket_option_id = ${option}`.execute(ctx.deps.db);
    const r = rows[0]!;
    return { counter: Number(r.counter), recount: Number(r.lines) + Number(r.tickets), heldUnexpired: Number(r.unexpired) + Number(r.tickets) };
  }

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    ({ apiKey: key, tenantId } = await ctx.createTenant('capacity'));
    const res = await marketplaceClient(ctx, key).call('POST', '/v1/events', event(6));
    expect(res.status).toBe(200);
    showPk = (res.body as { data: { shows: { id: string }[] } }).data.shows[0]!.id;
    holding = await createStrategy(ctx, key, { name: 'holding' });
    issuing = await createStrategy(ctx, key, { name: 'issuing', availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: false } });
    expiring = await createStrategy(ctx, key, { name: 'expiring', expirationStrategy: { hoursAfterCreation: 1, hoursBeforeEvent: null, expiresAt: null } });
  });

  it('holds exactly the capacity under many concurrent creates, and releases make room again', async () => {
    // 60 creates at once for 6 places, half holding places, half issuing RESERVED tickets.
    const first = await Promise.all(Array.from({ length: 60 }, (_, i) => create(i % 2 === 0 ? holding : issuing)));
    expect(first.filter((r) => r.status !== 201 && r.status !== 400).map((r) => JSON.stringify(r.body))).toEqual([]);
    const won = first.filter((r) => r.status === 201);
    expect(won).toHaveLength(6);
    for (const r of first.filter((x) => x.status === 400)) expect(r.body.message).toMatch(/only 0 of ticket type ga left; the cart asks for 1/);
    expect(await counted()).toEqual({ counter: 6, recount: 6, heldUnexpired: 6 });

    // Cancelling two frees two places (their lines, or their tickets): 30 more creates take exactly those.
    for (const r of won.slice(0, 2)) expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${r.body._id as string}/cancel`)).status).toBe(200);
    expect(await counted()).toMatchObject({ counter: 4, recount: 4 });
    const second = await Promise.all(Array.from({ length: 30 }, (_, i) => create(i % 2 === 0 ? expiring : issuing)));
    expect(second.filter((r) => r.status === 201)).toHaveLength(2);
    expect(await counted()).toMatchObject({ counter: 6, recount: 6 });
  });

  it('an expired hold stops counting before any sweep, and the sweep keeps the counter exact', async () => {
    // Free the option, then let expiring intents take all of it.
    const open = await ctx.deps.db.selectFrom('purchase_intents').select('id').where('tenant_id', '=', tenantId).where('show_pk', '=', showPk).where('status', '=', 'new').execute();
    for (const { id } of open) expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${id}/cancel`)).status).toBe(200);
    expect(await counted()).toMatchObject({ counter: 0, recount: 0 });
    const holds = await Promise.all(Array.from({ length: 20 }, () => create(expiring)));
    expect(holds.filter((r) => r.status === 201)).toHaveLength(6);
    expect((await create(holding)).status).toBe(400);

    // An hour later the holds are expired but not swept: concurrent creates take exactly those places.
    ctx.clock!.advance(61 * 60_000);
    const raced = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i % 2 === 0 ? issuing : holding)));
    expect(raced.filter((r) => r.status !== 201 && r.status !== 400).map((r) => JSON.stringify(r.body))).toEqual([]);
    expect(raced.filter((r) => r.status === 201)).toHaveLength(6);
    expect(await counted()).toEqual({ counter: 6, recount: 6, heldUnexpired: 6 });
    await expireDueIntents(ctx.deps);
    expect(await counted()).toEqual({ counter: 6, recount: 6, heldUnexpired: 6 });
  });

  it('follows tickets written by other paths and capacity edits of the event', async () => {
    const market = marketplaceClient(ctx, key);
    // Ingested tickets of another option take its places; a delete gives one back.
    const ingest = await market.call('POST', '/v1/sync/tickets', [1, 2].map((n) => ({ externalReferenceEventId: 'cap', buyer: `f${n}@fans.example`, ticketId: `ext-${n}`, ticketAccess: { type: 'URL', locator: `https://t.example/${n}` }, ticketOptionId: 'vip' })));
    expect(ingest.status).toBeLessThan(300);
    expect(await counted('vip')).toEqual({ counter: 2, recount: 2, heldUnexpired: 2 });
    expect((await create(holding, 2, 'vip')).body.message).toMatch(/only 1 of ticket type vip left; the cart asks for 2/);
    expect((await market.call('DELETE', '/v1/tickets/ext-1')).status).toBeLessThan(300);
    expect(await counted('vip')).toMatchObject({ counter: 1, recount: 1 });
    expect((await create(holding, 2, 'vip')).status).toBe(201);

    // The event PUT raises the capacity of `ga` from 6 to 8: two more places, no more.
    expect((await market.call('PUT', '/v1/events', event(8))).status).toBe(200);
    const more = await Promise.all(Array.from({ length: 10 }, () => create(holding)));
    expect(more.filter((r) => r.status === 201)).toHaveLength(2);
    expect(await counted()).toMatchObject({ counter: 8, recount: 8 });
  });
});
