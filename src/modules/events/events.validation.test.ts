import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { call, fullEvent, type Loose } from './events.fixtures.js';

type Body = Record<string, Loose>;

/** Each case breaks one thing in an otherwise valid two-show event with seating. */
const cases: [name: string, mutate: (b: Body) => void, status: number, code: string, field: string][] = [
  ['missing title', (b) => delete b.title, 400, 'VALIDATION_ERROR', 'title'],
  ['empty title', (b) => (b.title = ''), 400, 'VALIDATION_ERROR', 'title'],
  ['title too long', (b) => (b.title = 'x'.repeat(501)), 400, 'VALIDATION_ERROR', 'title'],
  ['missing description', (b) => delete b.description, 400, 'VALIDATION_ERROR', 'description'],
  ['description too long', (b) => (b.description = 'x'.repeat(10001)), 400, 'VALIDATION_ERROR', 'description'],
  ['missing externalReferenceId', (b) => delete b.externalReferenceId, 400, 'VALIDATION_ERROR', 'externalReferenceId'],
  ['externalReferenceId too long', (b) => (b.externalReferenceId = 'x'.repeat(201)), 400, 'VALIDATION_ERROR', 'externalReferenceId'],
  ['externalReferenceId with a control character', (b) => (b.externalReferenceId = 'a\nb'), 400, 'VALIDATION_ERROR', 'externalReferenceId'],
  ['missing shows', (b) => delete b.shows, 400, 'VALIDATION_ERROR', 'shows'],
  ['no shows', (b) => (b.shows = []), 400, 'VALIDATION_ERROR', 'shows'],
  ['shows is a string', (b) => (b.shows = 'night-1'), 400, 'VALIDATION_ERROR', 'shows'],
  ['missing location', (b) => delete b.location, 400, 'VALIDATION_ERROR', 'location'],
  ['missing location.venueName', (b) => delete b.location.venueName, 400, 'VALIDATION_ERROR', 'location.venueName'],
  ['unknown time zone', (b) => (b.location.timeZone = 'Mars/Olympus'), 400, 'VALIDATION_ERROR', 'location.timeZone'],
  ['unknown field in location.map', (b) => (b.location.map.zoom = 3), 400, 'VALIDATION_ERROR', 'location.map.zoom'],
  ['missing configuration', (b) => delete b.configuration, 400, 'VALIDATION_ERROR', 'configuration'],
  ['missing configuration.policy', (b) => delete b.configuration.policy, 400, 'VALIDATION_ERROR', 'configuration.policy'],
  ['unknown policy', (b) => (b.configuration.policy = 'SOMETIMES'), 400, 'VALIDATION_ERROR', 'configuration.policy'],
  ['negative hoursBeforeShow', (b) => (b.configuration.hoursBeforeShow = -1), 400, 'VALIDATION_ERROR', 'configuration.hoursBeforeShow'],
  ['not an ISO currency', (b) => (b.configuration.currency = 'XYZ'), 400, 'INVALID_CURRENCY', 'configuration.currency'],
  ['lower-case currency', (b) => (b.configuration.currency = 'eur'), 400, 'INVALID_CURRENCY', 'configuration.currency'],
  ['producer without a name', (b) => delete b.producers[0].name, 400, 'VALIDATION_ERROR', 'producers[0].name'],
  ['producer email malformed', (b) => (b.producers[0].email = 'not-an-email'), 400, 'VALIDATION_ERROR', 'producers[0].email'],
  ['missing shows[0].date', (b) => delete b.shows[0].date, 400, 'VALIDATION_ERROR', 'shows[0].date'],
  ['missing shows[1].showId', (b) => delete b.shows[1].showId, 400, 'VALIDATION_ERROR', 'shows[1].showId'],
  ['date without an offset', (b) => (b.shows[0].date = '2027-07-01T20:00:00'), 400, 'INVALID_DATE', 'shows[0].date'],
  ['date only', (b) => (b.shows[1].date = '2027-07-01'), 400, 'INVALID_DATE', 'shows[1].date'],
  ['unparseable date', (b) => (b.shows[0].date = 'next friday'), 400, 'INVALID_DATE', 'shows[0].date'],
  ['impossible date', (b) => (b.shows[0].date = '2027-02-30T20:00:00+01:00'), 400, 'INVALID_DATE', 'shows[0].date'],
  ['endDate before date', (b) => (b.shows[0].endDate = '2027-07-01T19:00:00+02:00'), 400, 'INVALID_DATE', 'shows[0].endDate'],
  ['endDate without offset', (b) => (b.shows[0].endDate = '2027-07-02T02:00:00'), 400, 'INVALID_DATE', 'shows[0].endDate'],
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
  ['unknown field in a ticket option', (b) => (b.shows[0].ticketOptions[0].colour = 'red'), 400, 'VALIDATION_ERROR', 'shows[0].ticketOptions[0].colour'],
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
  ['unknown top-level field', (b) => (b.venue = 'Palau'), 400, 'VALIDATION_ERROR', 'venue'],
  ['unknown field in a show', (b) => (b.shows[1].doorsOpen = '19:00'), 400, 'VALIDATION_ERROR', 'shows[1].doorsOpen'],
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

  it('stores nothing when validation fails', async () => {
    const rows = await ctx.deps.db.selectFrom('events').select('external_reference_id').execute();
    expect(rows.map((r) => r.external_reference_id)).toEqual(['evt-1']);
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
