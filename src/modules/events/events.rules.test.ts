import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { auditOf, call, fullEvent, type Dyn } from './events.fixtures.js';

type Item = Record<string, Dyn>;
const rule = (extra: Item): Item => ({ externalReferenceEventId: 'fest', ruleType: 'TRANSFER', rules: { enabled: true }, ...extra });

/** Each case breaks item 1 of a batch whose item 0 is valid, so "nothing stored" is meaningful. */
const VALID = rule({ showId: 'night-1' });
const cases: [name: string, broken: Item, status: number, code: string, field: string][] = [
  ['missing externalReferenceEventId', { ruleType: 'TRANSFER', rules: { enabled: true } }, 400, 'VALIDATION_ERROR', '[1].externalReferenceEventId'],
  ['missing ruleType', { externalReferenceEventId: 'fest', rules: { enabled: true } }, 400, 'VALIDATION_ERROR', '[1].ruleType'],
  ['unknown ruleType', rule({ ruleType: 'REFUND' }), 400, 'VALIDATION_ERROR', '[1].ruleType'],
  ['rules missing', rule({ rules: undefined }), 400, 'INVALID_RULE', '[1].rules'],
  ['RESALE without enabled', rule({ ruleType: 'RESALE', rules: { maxPrice: 10 } }), 400, 'INVALID_RULE', '[1].rules.enabled'],
  ['enabled not a boolean', rule({ rules: { enabled: 'yes' } }), 400, 'INVALID_RULE', '[1].rules.enabled'],
  ['RESALE minPrice above maxPrice', rule({ ruleType: 'RESALE', rules: { enabled: true, minPrice: 50, maxPrice: 40 } }), 400, 'INVALID_RULE', '[1].rules.maxPrice'],
  ['RESALE negative maxPrice', rule({ ruleType: 'RESALE', rules: { enabled: true, maxPrice: -1 } }), 400, 'INVALID_RULE', '[1].rules.maxPrice'],
  ['RESALE maxPrice with too many decimals', rule({ ruleType: 'RESALE', rules: { enabled: true, maxPrice: 1.005 } }), 400, 'INVALID_RULE', '[1].rules.maxPrice'],
  ['RESALE negative markup', rule({ ruleType: 'RESALE', rules: { enabled: true, maxMarkupPercent: -5 } }), 400, 'INVALID_RULE', '[1].rules.maxMarkupPercent'],
  ['RESALE bad opensAt', rule({ ruleType: 'RESALE', rules: { enabled: true, opensAt: '2027-01-01' } }), 400, 'INVALID_RULE', '[1].rules.opensAt'],
  ['RESALE maxTicketsPerListing 0', rule({ ruleType: 'RESALE', rules: { enabled: true, maxTicketsPerListing: 0 } }), 400, 'INVALID_RULE', '[1].rules.maxTicketsPerListing'],
  ['RESALE maxTicketsPerListing fractional', rule({ ruleType: 'RESALE', rules: { enabled: true, maxTicketsPerListing: 1.5 } }), 400, 'INVALID_RULE', '[1].rules.maxTicketsPerListing'],
  ['RESALE unknown setting', rule({ ruleType: 'RESALE', rules: { enabled: true, maxResales: 2 } }), 400, 'INVALID_RULE', '[1].rules.maxResales'],
  ['TRANSFER negative closesHoursBeforeShow', rule({ rules: { enabled: true, closesHoursBeforeShow: -1 } }), 400, 'INVALID_RULE', '[1].rules.closesHoursBeforeShow'],
  ['TRANSFER with a RESALE setting', rule({ rules: { enabled: true, maxPrice: 10 } }), 400, 'INVALID_RULE', '[1].rules.maxPrice'],
  ['TICKET_SHIELD without unlockHoursBeforeShow', rule({ ruleType: 'TICKET_SHIELD', rules: { enabled: true } }), 400, 'INVALID_RULE', '[1].rules.unlockHoursBeforeShow'],
  ['FEES missing sellerFeeFixed', rule({ ruleType: 'FEES', rules: { buyerFeePercent: 5, buyerFeeFixed: 1, sellerFeePercent: 5 } }), 400, 'INVALID_RULE', '[1].rules.sellerFeeFixed'],
  ['FEES percent above 100', rule({ ruleType: 'FEES', rules: { buyerFeePercent: 101, buyerFeeFixed: 1, sellerFeePercent: 5, sellerFeeFixed: 0 } }), 400, 'INVALID_RULE', '[1].rules.buyerFeePercent'],
  ['FEES negative fixed fee', rule({ ruleType: 'FEES', rules: { buyerFeePercent: 1, buyerFeeFixed: -1, sellerFeePercent: 5, sellerFeeFixed: 0 } }), 400, 'INVALID_RULE', '[1].rules.buyerFeeFixed'],
  ['unknown event', rule({ externalReferenceEventId: 'ghost' }), 404, 'EVENT_NOT_FOUND', '[1].externalReferenceEventId'],
  ['unknown show', rule({ showId: 'night-9' }), 400, 'UNKNOWN_REFERENCE', '[1].showId'],
  ['ticket option not in that show', rule({ showId: 'night-2', ticketOptionId: 'vip' }), 400, 'UNKNOWN_REFERENCE', '[1].ticketOptionId'],
  ['ticket option in no show', rule({ ticketOptionId: 'ghost' }), 400, 'UNKNOWN_REFERENCE', '[1].ticketOptionId'],
  ['unknown price type', rule({ priceTypeId: 'senior' }), 400, 'UNKNOWN_REFERENCE', '[1].priceTypeId'],
  ['price type not in that show', rule({ showId: 'night-2', priceTypeId: 'child' }), 400, 'UNKNOWN_REFERENCE', '[1].priceTypeId'],
  ['price in another currency', rule({ price: { amount: 10, currency: 'USD' } }), 400, 'INVALID_CURRENCY', '[1].price.currency'],
  ['negative price', rule({ price: -3 }), 400, 'VALIDATION_ERROR', '[1].price'],
  ['same scope twice', rule({ showId: 'night-1' }), 400, 'DUPLICATE_ID', '[1]'],
];

describe('POST /v1/events/rules', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string };
  let key: string;

  const ruleRows = () => ctx.deps.db.selectFrom('event_rules').selectAll().where('tenant_id', '=', tenant.tenantId).orderBy('created_at').orderBy('id').execute();

  beforeAll(async () => {
    tenant = await ctx.createTenant('ruler');
    key = tenant.apiKey;
    expect((await call(ctx, key, 'POST', '/v1/events', fullEvent('fest'))).status).toBe(200);
  });

  it.each(cases)('refuses the whole batch: %s', async (_name, broken, status, code, field) => {
    const res = await call(ctx, key, 'POST', '/v1/events/rules', [VALID, broken]);
    expect(res.status).toBe(status);
    expect(res.body.errors![0]).toMatchObject({ code, field });
    expect(await ruleRows()).toEqual([]);
  });

  it('refuses the whole batch under Encore-Strict for an unknown item field (UNKNOWN_FIELD)', async () => {
    const res = await marketplaceClient(ctx, key).post('/v1/events/rules', [VALID, rule({ scope: 'all' })], { headers: { 'encore-strict': 'true' } });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'UNKNOWN_FIELD', field: '[1].scope' });
    expect(await ruleRows()).toEqual([]);
  });

  it('without Encore-Strict ignores an unknown item field: stored without it, named in Encore-Ignored-Fields', async () => {
    // Another tenant, so the counts the later tests make on this one stay as they are.
    const other = await ctx.createTenant('lenient-ruler');
    const client = marketplaceClient(ctx, other.apiKey);
    expect((await client.post('/v1/events', fullEvent('fest'))).status).toBe(200);
    const res = await client.post('/v1/events/rules', [VALID, rule({ scope: 'all' })]);
    expect(res.status).toBe(200);
    expect(res.headers['encore-ignored-fields']).toBe('[1].scope');
    expect(res.body.data).toHaveLength(2);
    expect(res.body.data[1]).toMatchObject({ showId: null, ruleType: 'TRANSFER', rules: { enabled: true } });
    expect(res.body.data[1]).not.toHaveProperty('scope');
    // `rules` is free-form per rule type: an unknown setting in it is still INVALID_RULE, not ignored.
    const setting = await client.post('/v1/events/rules', [rule({ ruleType: 'RESALE', rules: { enabled: true, maxResales: 2 } })]);
    expect(setting.status).toBe(400);
    expect(setting.body.errors![0]).toMatchObject({ code: 'INVALID_RULE', field: '[0].rules.maxResales' });
  });

  it('refuses an empty batch, more than 500 items and a non-array body', async () => {
    expect((await call(ctx, key, 'POST', '/v1/events/rules', [])).status).toBe(400);
    const many = Array.from({ length: 501 }, () => rule({}));
    expect((await call(ctx, key, 'POST', '/v1/events/rules', many)).status).toBe(400);
    const single = await call(ctx, key, 'POST', '/v1/events/rules', rule({}));
    expect(single.status).toBe(400);
    expect(single.body.errors![0]!.code).toBe('VALIDATION_ERROR');
  });

  it('stores every rule type in minor units and shows them in the event view in major units', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events/rules', [
      { externalReferenceEventId: 'fest', ruleType: 'RESALE', rules: { enabled: true, minPrice: 10, maxPrice: 60.5, maxMarkupPercent: 20, opensAt: '2027-06-01T10:00:00+02:00', closesHoursBeforeShow: 2, maxTicketsPerListing: 4 } },
      { externalReferenceEventId: 'fest', showId: 'night-1', ticketOptionId: 'vip', ruleType: 'RESALE', price: 120, rules: { enabled: false } },
      { externalReferenceEventId: 'fest', showId: 'night-2', ruleType: 'TRANSFER', rules: { enabled: true, closesHoursBeforeShow: 24 } },
      { externalReferenceEventId: 'fest', ticketOptionId: 'ga', priceTypeId: 'adult', ruleType: 'TICKET_SHIELD', rules: { enabled: true, unlockHoursBeforeShow: 48 } },
      { externalReferenceEventId: 'fest', ruleType: 'FEES', price: { amount: 9.99, currency: 'EUR' }, rules: { buyerFeePercent: 10, buyerFeeFixed: 1.5, sellerFeePercent: 5, sellerFeeFixed: 0 } },
    ]);
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data).toHaveLength(5);
    for (const r of data) expect(r.id).toMatch(/^rul_/);
    expect(data[0]).toMatchObject({
      externalReferenceEventId: 'fest',
      showId: null,
      ticketOptionId: null,
      priceTypeId: null,
      ruleType: 'RESALE',
      currency: 'EUR',
      price: null,
      rules: { enabled: true, minPrice: 10, maxPrice: 60.5, maxMarkupPercent: 20, opensAt: '2027-06-01T10:00:00+02:00', closesHoursBeforeShow: 2, maxTicketsPerListing: 4 },
    });
    expect(data[1]).toMatchObject({ showId: 'night-1', ticketOptionId: 'vip', price: 120, rules: { enabled: false } });
    expect(data[4]).toMatchObject({ price: 9.99, rules: { buyerFeePercent: 10, buyerFeeFixed: 1.5, sellerFeePercent: 5, sellerFeeFixed: 0 } });

    const rows = await ruleRows();
    const resale = rows.find((r) => r.rule_type === 'RESALE' && r.show_id === null)!;
    expect(resale.rules).toEqual({ enabled: true, minPriceMinor: 1000, maxPriceMinor: 6050, maxMarkupPercent: 20, opensAt: '2027-06-01T10:00:00+02:00', closesHoursBeforeShow: 2, maxTicketsPerListing: 4 });
    expect(rows.find((r) => r.rule_type === 'FEES')).toMatchObject({ price_minor: 999, rules: { buyerFeeFixedMinor: 150, sellerFeeFixedMinor: 0 } });

    const view = (await call(ctx, key, 'GET', '/v1/events/fest')).body.data;
    expect(view.rules).toHaveLength(5);
    expect(view.rules).toEqual(expect.arrayContaining(data));
    expect((await auditOf(ctx, tenant.tenantId, 'event_rule.created')).length).toBe(5);
  });

  it('upserts by scope and type: same id, new settings, one row (a null scope is one scope)', async () => {
    const before = await ruleRows();
    const res = await call(ctx, key, 'POST', '/v1/events/rules', [
      { externalReferenceEventId: 'fest', ruleType: 'RESALE', rules: { enabled: false } },
      { externalReferenceEventId: 'fest', showId: 'night-1', ruleType: 'RESALE', rules: { enabled: true, maxPrice: 80 } },
    ]);
    expect(res.status).toBe(200);
    const after = await ruleRows();
    expect(after).toHaveLength(before.length + 1);
    const eventWide = before.find((r) => r.rule_type === 'RESALE' && r.show_id === null)!;
    expect(res.body.data[0].id).toBe(eventWide.id);
    expect(res.body.data[0].rules).toEqual({ enabled: false });
    expect(after.find((r) => r.id === eventWide.id)!.created_at).toEqual(eventWide.created_at);
    const updates = await auditOf(ctx, tenant.tenantId, 'event_rule.updated');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ entity_id: eventWide.id, before: { rules: { maxPrice: 60.5 } }, after: { rules: { enabled: false } } });
  });

  it('404s another tenant’s event and 401s without a valid key', async () => {
    const other = await ctx.createTenant('outsider');
    const res = await call(ctx, other.apiKey, 'POST', '/v1/events/rules', [rule({})]);
    expect(res.status).toBe(404);
    expect(res.body.errors![0]).toMatchObject({ code: 'EVENT_NOT_FOUND', field: '[0].externalReferenceEventId' });
    expect((await call(ctx, undefined, 'POST', '/v1/events/rules', [rule({})])).status).toBe(401);
    expect((await call(ctx, 'bad', 'POST', '/v1/events/rules', [rule({})])).status).toBe(401);
  });

  it('409s rules for a cancelled event', async () => {
    await call(ctx, key, 'POST', '/v1/events', { ...fullEvent('gone'), shows: [fullEvent().shows[1]] });
    expect((await call(ctx, key, 'POST', '/v1/events/gone/cancellation')).status).toBe(200);
    const res = await call(ctx, key, 'POST', '/v1/events/rules', [rule({ externalReferenceEventId: 'gone' })]);
    expect(res.status).toBe(409);
    expect(res.body.errors![0]).toMatchObject({ code: 'EVENT_CANCELLED', field: '[0].externalReferenceEventId' });
  });

  it('takes one batch across several events', async () => {
    await call(ctx, key, 'POST', '/v1/events', fullEvent('fest-2'));
    const res = await call(ctx, key, 'POST', '/v1/events/rules', [rule({ externalReferenceEventId: 'fest-2' }), rule({ ruleType: 'TICKET_SHIELD', rules: { enabled: true, unlockHoursBeforeShow: 0 } })]);
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { externalReferenceEventId: string }) => r.externalReferenceEventId)).toEqual(['fest-2', 'fest']);
  });
});
