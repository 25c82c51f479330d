import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { call, fullEvent, type Dyn } from './events.fixtures.js';

type Body = Record<string, Dyn>;

/**
 * Members the reference requires on POST. A PUT may leave any of them out: it keeps the stored one
 * (see events.update.test.ts).
 */
const requiredOnPost: [name: string, mutate: (b: Body) => void, field: string][] = [
  ['missing title', (b) => delete b.title, 'title'],
  ['missing description', (b) => delete b.description, 'description'],
  ['missing shows', (b) => delete b.shows, 'shows'],
  ['missing location', (b) => delete b.location, 'location'],
  ['missing configuration', (b) => delete b.configuration, 'configuration'],
];

/** Unknown fields: 400 UNKNOWN_FIELD under `Encore-Strict: true`, otherwise ignored and named (SPEC §1.1). */
const unknownFields: [name: string, mutate: (b: Body) => void, field: string][] = [
  ['unknown field in location.map', (b) => (b.location.map.zoom = 3), 'location.map.zoom'],
  ['unknown field in a ticket option', (b) => (b.shows[0].ticketOptions[0].colour = 'red'), 'shows[0].ticketOptions[0].colour'],
  ['unknown top-level field', (b) => (b.venue = 'Palau'), 'venue'],
  ['unknown field in a show', (b) => (b.shows[1].doorsOpen = '19:00'), 'shows[1].doorsOpen'],
];

/** Each case breaks one thing in an otherwise valid two-show event with seating. */
const cases: [name: string, mutate: (b: Body) => void, status: number, code: string, field: string][] = [
  ['empty title', (b) => (b.title = ''), 400, 'VALIDATION_ERROR', 'title'],
  ['title too long', (b) => (b.title = 'x'.repeat(501)), 400, 'VALIDATION_ERROR', 'title'],
  ['description too long', (b) => (b.description = 'x'.repeat(10001)), 400, 'VALIDATION_ERROR', 'description'],
  ['missing externalReferenceId', (b) => delete b.externalReferenceId, 400, 'VALIDATION_ERROR', 'externalReferenceId'],
  ['externalReferenceId too long', (b) => (b.externalReferenceId = 'x'.repeat(201)), 400, 'VALIDATION_ERROR', 'externalReferenceId'],
  ['externalReferenceId with a control character', (b) => (b.externalReferenceId = 'a\nb'), 400, 'VALIDATION_ERROR', 'externalReferenceId'],
  ['no shows', (b) => (b.shows = []), 400, 'VALIDATION_ERROR', 'shows'],
  ['shows is a string', (b) => (b.shows = 'night-1'), 400, 'VALIDATION_ERROR', 'shows'],
  ['unknown time zone', (b) => (b.location.timeZone = 'Mars/Olympus'), 400, 'VALIDATION_ERROR', 'location.timeZone'],
  ['venueName empty', (b) => (b.location.venueName = ''), 400, 'VALIDATION_ERROR', 'location.venueName'],
  ['unknown policy', (b) => (b.configuration.policy = 'SOMETIMES'), 400, 'VALIDATION_ERROR', 'configuration.policy'],
  ['negative hoursBeforeShow', (b) => (b.configuration.hoursBeforeShow = -1), 400, 'VALIDATION_ERROR', 'configuration.hoursBeforeShow'],
  ['not an ISO currency', (b) => (b.configuration.currency = 'XYZ'), 400, 'INVALID_CURRENCY', 'configuration.currency'],
  ['lower-case currency', (b) => (b.configuration.currency = 'eur'), 400, 'INVALID_CURRENCY', 'configuration.currency'],
  ['producer without a name', (b) => delete b.producers[0].name, 400, 'VALIDATION_ERROR', 'producers[0].name'],
  ['producer email malformed', (b) => (b.producers[0].email = 'not-an-email'), 400, 'VALIDATION_ERROR', 'producers[0].email'],
  ['missing shows[0].date', (b) => delete b.shows[0].date, 400, 'VALIDATION_ERROR', 'shows[0].date'],
  ['missing shows[1].showId', (b) => delete b.shows[1].showId, 400, 'VALIDATION_ERROR', 'shows[1].showId'],
  ['date only', (b) => (b.shows[1].date = '2027-07-01'), 400, 'INVALID_DATE', 'shows[1].date'],
  ['unparseable date', (b) => (b.shows[0].date = 'next friday'), 400, 'INVALID_DATE', 'shows[0].date'],
  ['impossible date', (b) => (b.shows[0].date = '2027-02-30T20:00:00+01:00'), 400, 'INVALID_DATE', 'shows[0].date'],
  ['endDate before date', (b) => (b.shows[0].endDate = '2027-07-01T19:00:00+02:00'), 400, 'INVALID_DATE', 'shows[0].endDate'],
  ['date only as endDate', (b) => (b.shows[0].endDate = '2027-07-02'), 400, 'INVALID_DATE', 'shows[0].endDate'],
  ['date with a space and no offset', (b) => (b.shows[0].date = '2027-07-01 20:00:00'), 400, 'INVALID_DATE', 'shows[0].date'],
  ['endDate without offset before date (both read in the zone)', (b) => (b.shows[0].endDate = '2027-07-01T19:00:00'), 400, 'INVALID_DATE', 'shows[0].endDate'],
  ['unknown show status', (b) => (b.shows[0].status = 'PAUSED'), 400, 'VALIDATION_ERROR', 'shows[0].status'],
  ['creating a cancelled show', (b) => (b.shows[1].status = 'CANCELLED'), 400, 'INVALID_STATE_TRANSITION', 'shows[1].status'],
  ['duplicate showId', (b) => (b.shows[1].showId = 'night-1'), 400, 'DUPLICATE_ID', 'shows[1].showId'],
  ['image without url', (b) => delete b.shows[0].images[0].url, 400, 'VALIDATION_ERROR', 'shows[0].images[0].url'],
  ['ticket option without ticketId', (b) => delete b.shows[0].ticketOptions[1].ticketId, 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[1].ticketId'],
  ['ticket option without title', (b) => delete b.shows[0].ticketOptions[0].title, 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].title'],
  ['ticket option without price', (b) => delete b.shows[1].ticketOptions[0].price, 400, 'VALIDATION_ERROR', 'shows[1].ticketOptions[0].price'],
  ['price as a string', (b) => (b.shows[0].ticketOptions[0].price = '45.50'), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].price'],
  ['negative price', (b) => (b.shows[0].ticketOptions[0].price = -1), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].price'],
  ['price with too many decimals', (b) => (b.shows[0].ticketOptions[0].price = 45.555), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].price'],
  ['absurdly large price', (b) => (b.shows[0].ticketOptions[0].price = 1e300), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].price'],
  ['ticket option in another currency', (b) => (b.shows[0].ticketOptions[0].currency = 'USD'), 400, 'INVALID_CURRENCY', 'shows[0].ticketOptions[0].currency'],
  ['fractional capacity', (b) => (b.shows[0].ticketOptions[0].capacity = 1.5), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].capacity'],
  ['negative capacity', (b) => (b.shows[0].ticketOptions[0].capacity = -1), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].capacity'],
  ['duplicate ticketId', (b) => (b.shows[0].ticketOptions[1].ticketId = 'ga'), 400, 'DUPLICATE_ID', 'shows[0].ticketOptions[1].ticketId'],
  ['zoneId not in seating', (b) => (b.shows[0].ticketOptions[1].zoneId = 'balcony'), 400, 'UNKNOWN_REFERENCE', 'shows[0].ticketOptions[1].zoneId'],
  ['price type without title', (b) => delete b.shows[0].priceTypes[1].title, 400, 'VALIDATION_ERROR', 'shows[0].priceTypes[1].title'],
  ['duplicate priceTypeId', (b) => (b.shows[0].priceTypes[1].priceTypeId = 'adult'), 400, 'DUPLICATE_ID', 'shows[0].priceTypes[1].priceTypeId'],
  ['combination without price', (b) => delete b.shows[0].combinations[0].price, 400, 'VALIDATION_ERROR', 'shows[0].combinations[0].price'],
  ['combination of an unknown option', (b) => (b.shows[0].combinations[0].ticketOptionId = 'nope'), 400, 'UNKNOWN_REFERENCE', 'shows[0].combinations[0].ticketOptionId'],
  ['combination of an unknown price type', (b) => (b.shows[0].combinations[0].priceTypeId = 'nope'), 400, 'UNKNOWN_REFERENCE', 'shows[0].combinations[0].priceTypeId'],
  ['combination from another show', (b) => (b.shows[1].combinations = [{ ticketOptionId: 'vip', priceTypeId: 'adult', price: 1 }]), 400, 'UNKNOWN_REFERENCE', 'shows[1].combinations[0].ticketOptionId'],
  ['duplicate combination', (b) => void b.shows[0].combinations.push({ ticketOptionId: 'vip', priceTypeId: 'child', price: 1 }), 400, 'DUPLICATE_ID', 'shows[0].combinations[1]'],
  ['duplicate zoneId', (b) => void b.seating.zones.push({ zoneId: 'z1', name: 'Again', ticketOptionIds: [] }), 400, 'DUPLICATE_ID', 'seating.zones[1].zoneId'],
  ['zone naming an unknown ticket option', (b) => (b.seating.zones[0].ticketOptionIds = ['ga', 'ghost']), 400, 'UNKNOWN_REFERENCE', 'seating.zones[0].ticketOptionIds[1]'],
  ['zone without ticketOptionIds', (b) => delete b.seating.zones[0].ticketOptionIds, 400, 'VALIDATION_ERROR', 'seating.zones[0].ticketOptionIds'],
  ['NUL character in title', (b) => (b.title = 'a\u0000b'), 400, 'VALIDATION_ERROR', 'title'],
  ['NUL character in a nested field', (b) => (b.shows[1].ticketOptions[0].title = 'a\u0000b'), 400, 'VALIDATION_ERROR', 'shows[1].ticketOptions[0].title'],
  ['too many shows', (b) => (b.shows = Array.from({ length: 1001 }, (_, i) => ({ showId: `s${i}`, date: '2027-07-01T20:00:00Z' }))), 400, 'VALIDATION_ERROR', 'shows'],
];

describe('POST and PUT /v1/events input validation', () => {
  const ctx = useContext();
  let key: string;

  beforeAll(async () => {
    key = (await ctx.createTenant('validator')).apiKey;
    // PUT needs an existing event to get past the 404.
    expect((await call(ctx, key, 'POST', '/v1/events', fullEvent('evt-1'))).status).toBe(200);
  });

  it.each(cases)('POST: %s', async (_name, mutate, status, code, field) => {
    const body = fullEvent('evt-new');
    mutate(body);
    const res = await call(ctx, key, 'POST', '/v1/events', body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status, data: null });
    expect(res.body.errors![0]).toMatchObject({ code, field });
  });

  it.each(cases)('PUT: %s', async (_name, mutate, status, code, field) => {
    const body = fullEvent('evt-1');
    mutate(body);
    const res = await call(ctx, key, 'PUT', '/v1/events', body);
    expect(res.status).toBe(status);
    expect(res.body.errors![0]).toMatchObject({ code, field });
  });

  it.each(requiredOnPost)('POST: %s', async (_name, mutate, field) => {
    const body = fullEvent('evt-new');
    mutate(body);
    const res = await call(ctx, key, 'POST', '/v1/events', body);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'VALIDATION_ERROR', field });
  });

  it.each(unknownFields)('POST and PUT under Encore-Strict: %s is 400 UNKNOWN_FIELD', async (_name, mutate, field) => {
    const client = marketplaceClient(ctx, key);
    for (const [method, ref] of [['POST', 'evt-new'], ['PUT', 'evt-1']] as const) {
      const body = fullEvent(ref);
      mutate(body);
      const res = await client.call(method, '/v1/events', body, { headers: { 'encore-strict': 'true' } });
      expect(res.status, method).toBe(400);
      expect(res.body.errors![0], method).toMatchObject({ code: 'UNKNOWN_FIELD', field });
    }
  });

  it('PUT without externalReferenceId is 400 naming it', async () => {
    const res = await call(ctx, key, 'PUT', '/v1/events', { title: 'No id' });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'externalReferenceId' });
  });

  it('stores nothing when validation fails', async () => {
    const rows = await ctx.deps.db.selectFrom('events').select('external_reference_id').execute();
    expect(rows.map((r) => r.external_reference_id)).toEqual(['evt-1']);
  });

  it.each(unknownFields)('without Encore-Strict, %s is ignored: 200, not stored, named in Encore-Ignored-Fields', async (name, mutate, field) => {
    const client = marketplaceClient(ctx, key);
    const ref = `evt-lenient-${unknownFields.findIndex((c) => c[0] === name)}`;
    const body = fullEvent(ref);
    mutate(body);
    const created = await client.post('/v1/events', body);
    expect(created.status).toBe(200);
    expect(created.headers['encore-ignored-fields']).toBe(field);
    const updated = await client.put('/v1/events', body);
    expect(updated.status).toBe(200);
    expect(updated.headers['encore-ignored-fields']).toBe(field);
    const read = await client.get(`/v1/events/${ref}`);
    expect(read.body.data).toEqual(updated.body.data);
    expect(read.body.data).toMatchObject({ location: fullEvent().location, shows: [{ showId: 'night-1' }, { showId: 'night-2' }] });
    const leaf = field.split('.').at(-1)!;
    expect(JSON.stringify(read.body.data)).not.toContain(`"${leaf}"`);
  });

  it('accepts null for optional members', async () => {
    const body = fullEvent('evt-nulls');
    Object.assign(body, { seating: null, producers: null });
    Object.assign(body.shows[0]!, { endDate: null, title: null, images: null, combinations: null });
    body.shows[0]!.ticketOptions = [{ ticketId: 'ga', title: 'General', price: 10, capacity: null, zoneId: null, currency: null, description: null }];
    const res = await call(ctx, key, 'POST', '/v1/events', body);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ seating: null, producers: [], shows: [{ endDate: null, title: null, images: [], combinations: [] }, {}] });
  });

  it('answers malformed bodies with 400, never 500', async () => {
    const weird: unknown[] = [
      [],
      [fullEvent('x')],
      'a string',
      42,
      null,
      { ...fullEvent('nul-title'), title: 'bad\u0000title' },
      { ...fullEvent('nul-venue'), location: { venueName: 'a\u0000b' } },
      { ...fullEvent('deep'), shows: [{ showId: 's', date: '9999-12-31T23:59:59+14:00' }] },
      { ...fullEvent('far-future'), shows: [{ showId: 's', date: '1899-12-31T23:59:59Z' }] },
    ];
    for (const payload of weird) {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: key, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBeLessThan(500);
    }
    const proto = await ctx.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: key, 'content-type': 'application/json' },
      payload: JSON.stringify(fullEvent('proto')).replace('{', '{"__proto__":{"polluted":true},'),
    });
    expect(proto.statusCode).toBe(400);
    const notJson = await ctx.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: key, 'content-type': 'application/json' }, payload: '{"title":' });
    expect(notJson.statusCode).toBe(400);
  });
});

describe('dates without an offset (SPEC §1.1): read in location.timeZone, UTC without one, stored with the offset', () => {
  const ctx = useContext();
  let key: string;

  beforeAll(async () => {
    key = (await ctx.createTenant('clock-reader')).apiKey;
  });

  const show = (showId: string, date: string, endDate?: string) => ({ showId, date, ...(endDate ? { endDate } : {}), ticketOptions: [{ ticketId: 'ga', title: 'GA', price: 10 }] });
  const event = (ref: string, location: Record<string, unknown>, shows: unknown[]) => ({
    externalReferenceId: ref,
    title: 'Local times',
    description: 'Dates as the venue reads them',
    location,
    configuration: {},
    shows,
  });
  const startsAt = async (ref: string) => {
    const rows = await ctx.deps.db
      .selectFrom('shows')
      .innerJoin('events', (j) => j.onRef('events.id', '=', 'shows.event_id').onRef('events.tenant_id', '=', 'shows.tenant_id'))
      .select(['shows.show_id', 'shows.starts_at', 'shows.ends_at', 'shows.date_text', 'shows.end_date_text'])
      .where('events.external_reference_id', '=', ref)
      .orderBy('shows.position')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.show_id, { startsAt: r.starts_at.toISOString(), endsAt: r.ends_at?.toISOString() ?? null, date: r.date_text, endDate: r.end_date_text }]));
  };

  it('reads them in a zone with daylight saving time: summer and winter offsets, a skipped and a repeated hour', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events', event('madrid', { timeZone: 'Europe/Madrid' }, [
      show('summer', '2027-07-01T20:00:00', '2027-07-02T01:30:00'),
      show('winter', '2027-01-15T20:00'),
      // 2027-03-28 02:00 → 03:00 in Madrid: 02:30 never happens and moves forward by the gap.
      show('skipped', '2027-03-28T02:30:00'),
      // 2027-10-31 03:00 → 02:00: 02:30 happens twice; the earlier one (summer time) is meant.
      show('repeated', '2027-10-31T02:30:00.250'),
      show('with-offset', '2027-07-01T20:00:00-05:00'),
    ]));
    expect(res.status).toBe(200);
    expect(res.body.data.shows.map((s: { showId: string; date: string; endDate: string | null }) => [s.showId, s.date, s.endDate])).toEqual([
      ['summer', '2027-07-01T20:00:00+02:00', '2027-07-02T01:30:00+02:00'],
      ['winter', '2027-01-15T20:00:00+01:00', null],
      ['skipped', '2027-03-28T03:30:00+02:00', null],
      ['repeated', '2027-10-31T02:30:00.250+02:00', null],
      ['with-offset', '2027-07-01T20:00:00-05:00', null],
    ]);
    expect(await startsAt('madrid')).toMatchObject({
      summer: { startsAt: '2027-07-01T18:00:00.000Z', endsAt: '2027-07-01T23:30:00.000Z', date: '2027-07-01T20:00:00+02:00' },
      winter: { startsAt: '2027-01-15T19:00:00.000Z' },
      skipped: { startsAt: '2027-03-28T01:30:00.000Z' },
      repeated: { startsAt: '2027-10-31T00:30:00.250Z' },
      'with-offset': { startsAt: '2027-07-02T01:00:00.000Z' },
    });
    const read = await call(ctx, key, 'GET', '/v1/events/madrid');
    expect(read.body.data.shows).toEqual(res.body.data.shows);
  });

  it('reads them in a southern-hemisphere zone (daylight saving in January)', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events', event('sydney', { venueName: 'Opera', timeZone: 'Australia/Sydney' }, [
      show('jan', '2027-01-10T19:30:00'),
      show('jul', '2027-07-10T19:30:00'),
    ]));
    expect(res.status).toBe(200);
    expect(res.body.data.shows.map((s: { date: string }) => s.date)).toEqual(['2027-01-10T19:30:00+11:00', '2027-07-10T19:30:00+10:00']);
  });

  it('reads them as UTC when the event has no time zone', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events', event('no-zone', { city: 'Somewhere' }, [show('s1', '2027-07-01T20:00:00', '2027-07-01T23:00:00')]));
    expect(res.status).toBe(200);
    expect(res.body.data.shows[0]).toMatchObject({ date: '2027-07-01T20:00:00+00:00', endDate: '2027-07-01T23:00:00+00:00' });
    expect(await startsAt('no-zone')).toMatchObject({ s1: { startsAt: '2027-07-01T20:00:00.000Z', endsAt: '2027-07-01T23:00:00.000Z' } });
  });

  it('PUT reads them in the zone of the event as updated (a zone sent with it, else the stored one)', async () => {
    expect((await call(ctx, key, 'POST', '/v1/events', event('moving', { timeZone: 'Europe/Madrid' }, [show('s1', '2027-07-01T20:00:00+02:00')]))).status).toBe(200);

    // Only `shows` sent: the stored zone (Madrid) reads the new date.
    const kept = await call(ctx, key, 'PUT', '/v1/events', { externalReferenceId: 'moving', shows: [show('s1', '2027-12-01T21:00:00')] });
    expect(kept.status).toBe(200);
    expect(kept.body.data.shows[0].date).toBe('2027-12-01T21:00:00+01:00');

    // A new location with its zone: the dates of the same PUT are read there.
    const moved = await call(ctx, key, 'PUT', '/v1/events', {
      externalReferenceId: 'moving',
      location: { venueName: 'MSG', timeZone: 'America/New_York' },
      shows: [show('s1', '2027-07-01T20:00:00')],
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data.shows[0].date).toBe('2027-07-01T20:00:00-04:00');
    expect(await startsAt('moving')).toMatchObject({ s1: { startsAt: '2027-07-02T00:00:00.000Z' } });

    // A location without a zone: UTC.
    const utc = await call(ctx, key, 'PUT', '/v1/events', { externalReferenceId: 'moving', location: {}, shows: [show('s1', '2027-07-01T20:00:00')] });
    expect(utc.body.data.shows[0].date).toBe('2027-07-01T20:00:00+00:00');

    // A date alone is still no date-time.
    const dateOnly = await call(ctx, key, 'PUT', '/v1/events', { externalReferenceId: 'moving', shows: [show('s1', '2027-07-01')] });
    expect(dateOnly.status).toBe(400);
    expect(dateOnly.body.errors![0]).toMatchObject({ code: 'INVALID_DATE', field: 'shows[0].date' });
  });

  it('reads a RESALE rule `opensAt` without an offset in the event zone', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events/rules', [
      { externalReferenceEventId: 'madrid', ruleType: 'RESALE', rules: { enabled: true, opensAt: '2027-06-01T10:00:00' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data[0].rules.opensAt).toBe('2027-06-01T10:00:00+02:00');
    const bad = await call(ctx, key, 'POST', '/v1/events/rules', [
      { externalReferenceEventId: 'madrid', ruleType: 'RESALE', rules: { enabled: true, opensAt: '2027-06-01' } },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]).toMatchObject({ code: 'INVALID_RULE', field: '[0].rules.opensAt' });
  });
});
