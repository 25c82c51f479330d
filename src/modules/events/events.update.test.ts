import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { addWebhookEndpoint, auditOf, call, deliveriesOf, fullEvent, type Dyn } from './events.fixtures.js';

describe('PUT /v1/events', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string };
  let key: string;

  const showRows = (eventId: string) =>
    ctx.deps.db.selectFrom('shows').selectAll().where('tenant_id', '=', tenant.tenantId).where('event_id', '=', eventId).orderBy('position').execute();

  beforeAll(async () => {
    tenant = await ctx.createTenant('updater');
    key = tenant.apiKey;
    await addWebhookEndpoint(ctx, key);
  });

  it('keeps show ids stable, adds new shows, deletes dropped ones, and upserts options and price types', async () => {
    const created = (await call(ctx, key, 'POST', '/v1/events', fullEvent('evt-put'))).body.data;
    const [night1, night2] = created.shows;

    const body = fullEvent('evt-put');
    body.title = 'Festival (updated)';
    const first = body.shows[0] as Record<string, Dyn>;
    first.ticketOptions = [{ ticketId: 'ga', title: 'General (new)', price: 47, zoneId: 'z1' }, { ticketId: 'balcony', title: 'Balcony', price: 30 }];
    first.priceTypes = [{ priceTypeId: 'adult', title: 'Adult' }];
    first.combinations = [{ ticketOptionId: 'balcony', priceTypeId: 'adult', price: 25 }];
    body.shows = [{ showId: 'night-3', date: '2027-07-03T20:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 40 }] }, first];

    const res = await call(ctx, key, 'PUT', '/v1/events', body);
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data.id).toBe(created.id);
    expect(data.title).toBe('Festival (updated)');
    expect(data.shows.map((s: { showId: string }) => s.showId)).toEqual(['night-3', 'night-1']);
    expect(data.shows[1].id).toBe(night1.id);
    expect(data.shows[0].id).toMatch(/^shw_/);
    expect(data.shows[0].id).not.toBe(night2.id);
    expect(data.shows[1].ticketOptions).toEqual([
      { ticketId: 'ga', title: 'General (new)', description: null, price: 47, currency: 'EUR', capacity: null, zoneId: 'z1' },
      { ticketId: 'balcony', title: 'Balcony', description: null, price: 30, currency: 'EUR', capacity: null, zoneId: null },
    ]);
    expect(data.shows[1].priceTypes).toEqual([{ priceTypeId: 'adult', title: 'Adult', price: null }]);
    expect(data.shows[1].combinations).toEqual([{ ticketOptionId: 'balcony', priceTypeId: 'adult', price: 25 }]);
    expect(data.createdAt).toBe(created.createdAt);

    // Stored state: night-2 and its children are gone, night-1 kept its primary key.
    const shows = await showRows(created.id);
    expect(shows.map((s) => [s.show_id, s.id])).toEqual([
      ['night-3', data.shows[0].id],
      ['night-1', night1.id],
    ]);
    const options = await ctx.deps.db.selectFrom('ticket_options').select(['show_pk', 'ticket_option_id', 'price_minor']).where('tenant_id', '=', tenant.tenantId).where('show_pk', '=', night2.id).execute();
    expect(options).toEqual([]);
    const vip = await ctx.deps.db.selectFrom('ticket_options').select('ticket_option_id').where('tenant_id', '=', tenant.tenantId).where('show_pk', '=', night1.id).orderBy('position').execute();
    expect(vip.map((o) => o.ticket_option_id)).toEqual(['ga', 'balcony']);

    expect((await call(ctx, key, 'GET', '/v1/events/evt-put')).body.data).toEqual(data);
  });

  it('emits event.updated and audits before and after', async () => {
    const hooks = (await deliveriesOf(ctx, tenant.tenantId, 'event.updated')).filter((h) => h.message.data.externalReferenceId === 'evt-put');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message).toMatchObject({ family: 'event', action: 'event.updated', data: { title: 'Festival (updated)' } });
    const audit = (await auditOf(ctx, tenant.tenantId, 'event.updated')).filter((a) => (a.after as { externalReferenceId: string }).externalReferenceId === 'evt-put');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toMatchObject({ title: 'Festival', shows: [{ showId: 'night-1' }, { showId: 'night-2' }] });
    expect(audit[0]!.after).toMatchObject({ title: 'Festival (updated)' });
  });

  it('replaces only the top-level members it carries: each as a whole, the omitted ones kept (SPEC §2)', async () => {
    const before = (await call(ctx, key, 'GET', '/v1/events/evt-put')).body.data;

    // Only the id and a title: everything else stays as it was.
    const titled = await call(ctx, key, 'PUT', '/v1/events', { externalReferenceId: 'evt-put', title: 'Only the title' });
    expect(titled.status).toBe(200);
    expect(titled.body.data).toEqual({ ...before, title: 'Only the title', updatedAt: titled.body.data.updatedAt });

    // `location` and `configuration` replace the stored objects whole (no merge inside them); the
    // currency, fixed at creation, is kept when the configuration leaves it out.
    const located = await call(ctx, key, 'PUT', '/v1/events', {
      externalReferenceId: 'evt-put',
      location: { city: 'Girona' },
      configuration: { hoursBeforeShow: 3 },
    });
    expect(located.status).toBe(200);
    expect(located.body.data.location).toEqual({ city: 'Girona' });
    expect(located.body.data.configuration).toEqual({ policy: 'NONE', hoursBeforeShow: 3, currency: 'EUR' });
    expect(located.body.data).toMatchObject({ title: 'Only the title', producers: before.producers, seating: before.seating, shows: before.shows });

    // `shows` replaces the whole list; `null` clears producers and seating.
    const cleared = await call(ctx, key, 'PUT', '/v1/events', {
      externalReferenceId: 'evt-put',
      producers: null,
      seating: null,
      shows: [{ showId: 'night-1', date: '2027-07-01T20:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 47 }, { ticketId: 'balcony', title: 'Balcony', price: 30 }] }],
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ producers: [], seating: null, location: { city: 'Girona' }, title: 'Only the title' });
    expect(cleared.body.data.shows.map((s: { showId: string; id: string }) => [s.showId, s.id])).toEqual([['night-1', before.shows[1].id]]);
    expect((await call(ctx, key, 'GET', '/v1/events/evt-put')).body.data).toEqual(cleared.body.data);
  });

  it('checks a member sent alone against the ones kept', async () => {
    // New seating naming a ticket option no stored show has.
    const res = await call(ctx, key, 'PUT', '/v1/events', {
      externalReferenceId: 'evt-put',
      seating: { zones: [{ zoneId: 'z9', name: 'Ghost zone', ticketOptionIds: ['ghost'] }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'seating.zones[0].ticketOptionIds[0]' });
    // A ticket option in another currency than the stored event's, named.
    const other = await call(ctx, key, 'PUT', '/v1/events', {
      externalReferenceId: 'evt-put',
      shows: [{ showId: 'night-1', date: '2027-07-01T20:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 47, currency: 'EUR' }, { ticketId: 'balcony', title: 'Balcony', price: 30, currency: 'USD' }] }],
    });
    expect(other.status).toBe(400);
    expect(other.body.errors![0]).toMatchObject({ code: 'INVALID_CURRENCY', field: 'shows[0].ticketOptions[1].currency' });
  });

  it('refuses to change the currency', async () => {
    const body = fullEvent('evt-put');
    (body.configuration as Record<string, unknown>).currency = 'USD';
    delete (body.shows[0]!.ticketOptions as Record<string, unknown>[])[0]!.currency;
    const res = await call(ctx, key, 'PUT', '/v1/events', body);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'INVALID_CURRENCY', field: 'configuration.currency' });
  });

  it('404s for an unknown event and for another tenant’s event', async () => {
    const unknown = await call(ctx, key, 'PUT', '/v1/events', fullEvent('nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors![0]!.code).toBe('EVENT_NOT_FOUND');
    const other = await ctx.createTenant('intruder');
    const res = await call(ctx, other.apiKey, 'PUT', '/v1/events', fullEvent('evt-put'));
    expect(res.status).toBe(404);
    expect(res.body.errors![0]!.code).toBe('EVENT_NOT_FOUND');
  });

  it('401s without a key and with a wrong key', async () => {
    expect((await call(ctx, undefined, 'PUT', '/v1/events', fullEvent('evt-put'))).status).toBe(401);
    expect((await call(ctx, 'wrong', 'PUT', '/v1/events', fullEvent('evt-put'))).status).toBe(401);
  });

  it('409s SHOW_HAS_TICKETS when a PUT drops a ticket option or a show that has tickets, and changes nothing', async () => {
    const created = (await call(ctx, key, 'POST', '/v1/events', fullEvent('evt-sold'))).body.data;
    const sold = await call(ctx, key, 'POST', '/v1/sync/tickets', [
      { externalReferenceEventId: 'evt-sold', showId: 'night-2', ticketId: 'sold-1', ticketOptionId: 'ga', buyer: 'fan@example.com', ticketAccess: { type: 'API', locator: 'QR-1' } },
    ]);
    expect(sold.body.data).toEqual([{ ticketId: 'sold-1', status: 'CREATED' }]);

    const dropOption = fullEvent('evt-sold');
    dropOption.title = 'changed';
    dropOption.shows[1]!.ticketOptions = [{ ticketId: 'other', title: 'Other', price: 1 }];
    const r1 = await call(ctx, key, 'PUT', '/v1/events', dropOption);
    expect(r1.status).toBe(409);
    expect(r1.body.errors![0]).toMatchObject({ code: 'SHOW_HAS_TICKETS', details: { ticketOptions: [{ showId: 'night-2', ticketOptionId: 'ga' }] } });

    const dropShow = fullEvent('evt-sold');
    dropShow.shows = [dropShow.shows[0]!];
    const r2 = await call(ctx, key, 'PUT', '/v1/events', dropShow);
    expect(r2.status).toBe(409);
    expect(r2.body.errors![0]).toMatchObject({ code: 'SHOW_HAS_TICKETS', details: { showIds: ['night-2'] } });

    const after = (await call(ctx, key, 'GET', '/v1/events/evt-sold')).body.data;
    expect(after).toEqual(created);

    // Keeping the sold option (even with new details) is fine.
    const keep = fullEvent('evt-sold');
    (keep.shows[1]!.ticketOptions as Record<string, unknown>[])[0]!.price = 55;
    expect((await call(ctx, key, 'PUT', '/v1/events', keep)).status).toBe(200);
  });

  it('keeps a cancelled show cancelled, refuses LIVE for it and CANCELLED for a live one', async () => {
    await call(ctx, key, 'POST', '/v1/events', fullEvent('evt-status'));
    expect((await call(ctx, key, 'POST', '/v1/events/evt-status/cancellation?showId=night-1')).status).toBe(200);

    const omitted = await call(ctx, key, 'PUT', '/v1/events', fullEvent('evt-status'));
    expect(omitted.status).toBe(200);
    expect(omitted.body.data.shows.map((s: { status: string }) => s.status)).toEqual(['CANCELLED', 'LIVE']);

    const same = fullEvent('evt-status');
    same.shows[0]!.status = 'CANCELLED';
    same.shows[1]!.status = 'LIVE';
    expect((await call(ctx, key, 'PUT', '/v1/events', same)).status).toBe(200);

    const revive = fullEvent('evt-status');
    revive.shows[0]!.status = 'LIVE';
    const r1 = await call(ctx, key, 'PUT', '/v1/events', revive);
    expect(r1.status).toBe(409);
    expect(r1.body.errors![0]).toMatchObject({ code: 'SHOW_CANCELLED', field: 'shows[0].status' });

    const cancel = fullEvent('evt-status');
    cancel.shows[1]!.status = 'CANCELLED';
    const r2 = await call(ctx, key, 'PUT', '/v1/events', cancel);
    expect(r2.status).toBe(400);
    expect(r2.body.errors![0]).toMatchObject({ code: 'INVALID_STATE_TRANSITION', field: 'shows[1].status' });
    expect(r2.body.errors![0]!.message).toContain('/cancellation');
  });

  it('cancels the event when a PUT leaves only cancelled shows', async () => {
    const body = fullEvent('evt-status');
    body.shows = [body.shows[0]!];
    const res = await call(ctx, key, 'PUT', '/v1/events', body);
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('CANCELLED');
    const again = await call(ctx, key, 'PUT', '/v1/events', body);
    expect(again.status).toBe(409);
    expect(again.body.errors![0]!.code).toBe('EVENT_CANCELLED');
  });

  it('removes rules whose show or ticket option the PUT drops, keeps the others', async () => {
    await call(ctx, key, 'POST', '/v1/events', fullEvent('evt-rules'));
    const rules = await call(ctx, key, 'POST', '/v1/events/rules', [
      { externalReferenceEventId: 'evt-rules', ruleType: 'TRANSFER', rules: { enabled: true } },
      { externalReferenceEventId: 'evt-rules', showId: 'night-2', ruleType: 'TRANSFER', rules: { enabled: false } },
      { externalReferenceEventId: 'evt-rules', ticketOptionId: 'vip', ruleType: 'RESALE', rules: { enabled: true } },
    ]);
    expect(rules.status).toBe(200);
    const body = fullEvent('evt-rules');
    body.shows = [body.shows[0]!];
    body.shows[0]!.ticketOptions = [{ ticketId: 'ga', title: 'General', price: 45 }];
    body.shows[0]!.combinations = [];
    const res = await call(ctx, key, 'PUT', '/v1/events', body);
    expect(res.status).toBe(200);
    expect(res.body.data.rules).toHaveLength(1);
    expect(res.body.data.rules[0]).toMatchObject({ showId: null, ticketOptionId: null, ruleType: 'TRANSFER' });
  });

  it('serialises concurrent PUTs of one event', async () => {
    await call(ctx, key, 'POST', '/v1/events', fullEvent('evt-race'));
    const titles = Array.from({ length: 6 }, (_, i) => `title ${i}`);
    const results = await Promise.all(
      titles.map((title, i) => {
        const body = fullEvent('evt-race');
        body.title = title;
        body.shows[1]!.ticketOptions = [{ ticketId: `opt-${i}`, title: 'x', price: i }];
        return call(ctx, key, 'PUT', '/v1/events', body);
      }),
    );
    expect(results.map((r) => r.status)).toEqual(titles.map(() => 200));
    const final = (await call(ctx, key, 'GET', '/v1/events/evt-race')).body.data;
    const winner = titles.indexOf(final.title);
    expect(winner).toBeGreaterThanOrEqual(0);
    // The last writer's whole tree won: no mix of two requests.
    expect(final.shows[1].ticketOptions.map((o: { ticketId: string }) => o.ticketId)).toEqual([`opt-${winner}`]);
  });
});
