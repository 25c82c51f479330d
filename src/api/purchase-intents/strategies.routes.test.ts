import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { getStrategyForTenant } from '../../modules/purchase-intents/index.js';
import { referenceSchema, relaxOneOf } from '../../modules/purchase-intents/reference.js';

const ajv = new Ajv({ strict: false, allErrors: true });
((formatsPlugin as unknown as { default?: (a: Ajv) => Ajv }).default ?? (formatsPlugin as unknown as (a: Ajv) => Ajv))(ajv);
// The reference's schemas as published, `oneOf` read as `anyOf` (its alternatives overlap; see relaxOneOf).
const validResource = ajv.compile(relaxOneOf(referenceSchema('PurchaseIntentStrategyResource')));
const validList = ajv.compile(relaxOneOf(referenceSchema('GET_Purchaseintents_GetAllPurchaseIntentStrategies_200_response')));
const REQUIRED = [...(referenceSchema('PurchaseIntentStrategyResource').required as string[]), '_id', 'createdAt', 'updatedAt', '__v'];

function expectResource(body: Record<string, unknown>): void {
  expect(validResource(body), JSON.stringify(validResource.errors)).toBe(true);
  for (const f of REQUIRED) expect(body, f).toHaveProperty(f);
}

const BASE = {
  name: 'Group bookings',
  availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: false },
  expirationStrategy: { hoursAfterCreation: 48, hoursBeforeEvent: 24 },
  needsApproval: true,
};

describe('purchase intent strategies API', () => {
  const ctx = useContext();
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  async function create(apiKey: string, payload: Record<string, unknown> = BASE) {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/purchaseintents/strategies', headers: bearer(apiKey), payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Record<string, unknown> & { _id: string }>();
  }

  it('creates a strategy (201), stores every field and reads it back', async () => {
    const t = await ctx.createTenant();
    const payload = {
      ...BASE,
      availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: true },
      expirationStrategy: { hoursBeforeEvent: 2.5, hoursAfterCreation: null, expiresAt: '2030-01-23T23:00:00.123Z' },
      deposit: { method: 'percentage', value: 20 },
      restrictedCompletion: ['Online'],
      cancellationStrategy: 'notAllowed',
    };
    const s = await create(t.apiKey, payload);
    expectResource(s);
    expect(s._id).toMatch(/^pis_/);
    expect(s).toMatchObject({
      name: 'Group bookings',
      availabilityStrategy: payload.availabilityStrategy,
      expirationStrategy: { hoursBeforeEvent: 2.5, hoursAfterCreation: null, expiresAt: '2030-01-23T23:00:00.123Z' },
      deposit: { method: 'percentage', value: 20 },
      needsApproval: true,
      restrictedCompletion: ['Online'],
      cancellationStrategy: 'notAllowed',
      sellerId: t.tenantId,
      __v: 0,
    });
    expect(s.createdAt).toBe(s.updatedAt);

    const row = await ctx.deps.db.selectFrom('purchase_intent_strategies').selectAll().where('id', '=', s._id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      tenant_id: t.tenantId,
      create_valid_tickets: true,
      hours_before_event: 2.5,
      hours_after_creation: null,
      deposit_method: 'percentage',
      deposit_value: 20,
      restricted_completion: ['Online'],
      cancellation_strategy: 'notAllowed',
      version: 0,
    });

    const read = await ctx.app.inject({ method: 'GET', url: `/api/purchaseintents/strategies/${s._id}`, headers: bearer(t.apiKey) });
    expect(read.statusCode).toBe(200);
    expectResource(read.json());
    expect(read.json()).toEqual(s);

    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('entity_id', '=', s._id).execute();
    expect(audit.map((a) => a.action)).toEqual(['purchase_intent_strategy.created']);
  });

  it('defaults: cancellationAllowed, no deposit, unrestricted completion; accepts a raw key too', async () => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'POST', url: '/api/purchaseintents/strategies', headers: { authorization: t.apiKey }, payload: { ...BASE, expirationStrategy: {} } });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expectResource(s);
    expect(s.cancellationStrategy).toBe('cancellationAllowed');
    expect(s).not.toHaveProperty('deposit');
    expect(s).not.toHaveProperty('restrictedCompletion');
    expect(s.expirationStrategy).toEqual({ hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null });
  });

  it('replays a create with the same Idempotency-Key instead of making a second strategy', async () => {
    const t = await ctx.createTenant();
    const send = () =>
      ctx.app.inject({ method: 'POST', url: '/api/purchaseintents/strategies', headers: { ...bearer(t.apiKey), 'idempotency-key': 'create-1' }, payload: BASE });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const rows = await ctx.deps.db.selectFrom('purchase_intent_strategies').select('id').where('tenant_id', '=', t.tenantId).execute();
    expect(rows).toHaveLength(1);
  });

  it('updates partially with PUT: given fields replace, absent ones stay, __v goes up', async () => {
    const t = await ctx.createTenant();
    const s = await create(t.apiKey, { ...BASE, deposit: { method: 'fixed', value: 50 }, restrictedCompletion: ['POS'], cancellationStrategy: 'notAllowed' });
    const put = await ctx.app.inject({
      method: 'PUT',
      url: `/api/purchaseintents/strategies/${s._id}`,
      headers: bearer(t.apiKey),
      payload: { name: 'Renamed', expirationStrategy: { expiresAt: '2031-05-01T10:00:00.000Z' }, restrictedCompletion: null },
    });
    expect(put.statusCode, put.body).toBe(200);
    const u = put.json();
    expectResource(u);
    expect(u).toMatchObject({
      _id: s._id,
      name: 'Renamed',
      availabilityStrategy: BASE.availabilityStrategy,
      expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: '2031-05-01T10:00:00.000Z' },
      deposit: { method: 'fixed', value: 50 },
      needsApproval: true,
      cancellationStrategy: 'notAllowed',
      __v: 1,
    });
    expect(u).not.toHaveProperty('restrictedCompletion');

    const again = await ctx.app.inject({ method: 'PUT', url: `/api/purchaseintents/strategies/${s._id}`, headers: bearer(t.apiKey), payload: { needsApproval: false } });
    expect(again.json()).toMatchObject({ needsApproval: false, name: 'Renamed', __v: 2 });

    const row = await ctx.deps.db.selectFrom('purchase_intent_strategies').selectAll().where('id', '=', s._id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Renamed', needs_approval: false, restricted_completion: [], version: 2 });
    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('entity_id', '=', s._id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['purchase_intent_strategy.created', 'purchase_intent_strategy.updated', 'purchase_intent_strategy.updated']);
  });

  it('lists the tenant\'s strategies as the reference\'s array, paged by top and skip', async () => {
    const t = await ctx.createTenant();
    const other = await ctx.createTenant('other');
    await create(other.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(t.apiKey, { ...BASE, name: `s${i}` }))._id);

    const all = await ctx.app.inject({ method: 'GET', url: '/api/purchaseintents/strategies', headers: bearer(t.apiKey) });
    expect(all.statusCode).toBe(200);
    expect(validList(all.json()), JSON.stringify(validList.errors)).toBe(true);
    for (const s of all.json<Record<string, unknown>[]>()) expectResource(s);
    expect(all.json().map((s: { _id: string }) => s._id)).toEqual(ids);
    expect(all.headers['x-total-count']).toBe('3');

    const page = await ctx.app.inject({ method: 'GET', url: '/api/purchaseintents/strategies?top=1&skip=1', headers: bearer(t.apiKey) });
    expect(page.json().map((s: { _id: string }) => s._id)).toEqual([ids[1]]);
    expect(page.headers['x-total-count']).toBe('3');
  });

  it.each([
    [{ ...BASE, availabilityStrategy: { createTickets: false, checkAvailability: true, withoutSeats: false, createValidTickets: true } }, 'availabilityStrategy.createValidTickets'],
    [{ ...BASE, availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: true, createValidTickets: true } }, 'availabilityStrategy.createValidTickets'],
    [{ ...BASE, availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false } }, 'availabilityStrategy.createValidTickets'],
    [{ ...BASE, deposit: { method: 'all', value: 10 } }, 'deposit.method'],
    [{ ...BASE, deposit: { value: 10 } }, 'deposit.method'],
    [{ ...BASE, deposit: { method: 'percentage', value: 101 } }, 'deposit.value'],
    [{ ...BASE, deposit: { method: 'fixed', value: -1 } }, 'deposit.value'],
    [{ ...BASE, deposit: { method: 'fixed' } }, 'deposit.value'],
    [{ ...BASE, restrictedCompletion: ['Phone'] }, 'restrictedCompletion[0]'],
    [{ ...BASE, restrictedCompletion: [] }, 'restrictedCompletion'],
    [{ ...BASE, cancellationStrategy: 'sometimes' }, 'cancellationStrategy'],
    [{ ...BASE, expirationStrategy: { hoursAfterCreation: -2 } }, 'expirationStrategy.hoursAfterCreation'],
    [{ ...BASE, expirationStrategy: { expiresAt: 'tomorrow' } }, 'expirationStrategy.expiresAt'],
    [{ ...BASE, name: '' }, 'name'],
    [{ ...BASE, needsApproval: undefined }, 'needsApproval'],
    [{ ...BASE, expirationStrategy: undefined }, 'expirationStrategy'],
  ])('refuses bad input %j with a 400 naming %s', async (payload, field) => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'POST', url: '/api/purchaseintents/strategies', headers: bearer(t.apiKey), payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining(field) });
    expect(await ctx.deps.db.selectFrom('purchase_intent_strategies').select('id').where('tenant_id', '=', t.tenantId).execute()).toEqual([]);
  });

  it('refuses a PUT that breaks a rule with the stored values, and changes nothing', async () => {
    const t = await ctx.createTenant();
    const s = await create(t.apiKey, { ...BASE, deposit: { method: 'fixed', value: 150 } });
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/purchaseintents/strategies/${s._id}`,
      headers: bearer(t.apiKey),
      payload: { deposit: { method: 'percentage', value: 150 } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('deposit.value');
    const read = await ctx.app.inject({ method: 'GET', url: `/api/purchaseintents/strategies/${s._id}`, headers: bearer(t.apiKey) });
    expect(read.json()).toMatchObject({ deposit: { method: 'fixed', value: 150 }, __v: 0 });
  });

  it.each([['0'], ['1001'], ['x']])('refuses top=%s with a 400 naming top', async (top) => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'GET', url: `/api/purchaseintents/strategies?top=${top}`, headers: bearer(t.apiKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('top') });
  });

  it('answers 401 in the purchase-intent envelope without a key or with a wrong one', async () => {
    for (const headers of [{}, bearer('nope')]) {
      for (const [method, url] of [['GET', '/api/purchaseintents/strategies'], ['POST', '/api/purchaseintents/strategies'], ['GET', '/api/purchaseintents/strategies/pis_x'], ['PUT', '/api/purchaseintents/strategies/pis_x']] as const) {
        const res = await ctx.app.inject({ method, url, headers, ...(method === 'GET' ? {} : { payload: BASE }) });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      }
    }
  });

  it('answers 404 for an unknown id and for another tenant\'s strategy, which stays unchanged', async () => {
    const owner = await ctx.createTenant();
    const intruder = await ctx.createTenant('intruder');
    const s = await create(owner.apiKey);
    for (const id of [s._id, 'pis_unknown']) {
      const get = await ctx.app.inject({ method: 'GET', url: `/api/purchaseintents/strategies/${id}`, headers: bearer(intruder.apiKey) });
      expect(get.statusCode).toBe(404);
      expect(get.json()).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
      const put = await ctx.app.inject({ method: 'PUT', url: `/api/purchaseintents/strategies/${id}`, headers: bearer(intruder.apiKey), payload: { name: 'mine' } });
      expect(put.statusCode).toBe(404);
    }
    const list = await ctx.app.inject({ method: 'GET', url: '/api/purchaseintents/strategies', headers: bearer(intruder.apiKey) });
    expect(list.json()).toEqual([]);
    const read = await ctx.app.inject({ method: 'GET', url: `/api/purchaseintents/strategies/${s._id}`, headers: bearer(owner.apiKey) });
    expect(read.json()).toMatchObject({ name: BASE.name, __v: 0 });
  });

  it('getStrategyForTenant gives the intents the record, and nothing for another tenant', async () => {
    const t = await ctx.createTenant();
    const other = await ctx.createTenant('other');
    const s = await create(t.apiKey, { ...BASE, expirationStrategy: { expiresAt: '2030-01-01T00:00:00.000Z' }, deposit: { method: 'fixed', value: 12.5 } });
    const record = await withTx(ctx.deps.db, (tx) => getStrategyForTenant(tx, t.tenantId, s._id));
    expect(record).toEqual({
      id: s._id,
      name: BASE.name,
      availabilityStrategy: BASE.availabilityStrategy,
      expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: new Date('2030-01-01T00:00:00.000Z') },
      deposit: { method: 'fixed', value: 12.5 },
      needsApproval: true,
      restrictedCompletion: [],
      cancellationStrategy: 'cancellationAllowed',
    });
    expect(await getStrategyForTenant(ctx.deps.db, other.tenantId, s._id)).toBeUndefined();
  });
});
