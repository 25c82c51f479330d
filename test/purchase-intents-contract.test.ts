/**
 * Contract test of the purchase-intent API (issue 5, Acceptance): for every operation of the
 * reference's own OpenAPI document (`referenceOperations()`) that Encore serves, one valid request,
 * its status, and its body validated against the reference's response schema for that status (Ajv 8 +
 * ajv-formats, with the reference's `oneOf`s relaxed by `relaxOneOf` and `nullable` without a `type`
 * read as a `null` alternative). Intents and strategies must also carry every `required` field of
 * the reference's `PurchaseIntentResource` / `PurchaseIntentStrategyResource`.
 *
 * Which routes are served is read from the app itself (`hasRoute`) when the file is collected, so a
 * route that lands later is checked without editing this file, and a route not served yet shows as
 * an `it.todo` named after it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceOperations, referenceSchema, relaxOneOf } from '../src/modules/purchase-intents/reference.js';
import { startContext, useContext } from './harness.js';

import type { Dyn } from './client.js';

interface Reply {
  status: number;
  body: Dyn;
}

const PREFIX = '#/components/schemas/';
const INTENT = 'PurchaseIntentResource';
const STRATEGY = 'PurchaseIntentStrategyResource';
const PUBLIC_INTENT = 'PublicPurchaseIntentResource';
/** Out of scope by the issue ("all its routes but the customer-login one"). */
/** The sandbox provider's succeeding test card: `cardNumber` is Encore's extension of the checkout bodies. */
const OK_CARD = '4242424242424242';
const EXCLUDED = new Set(['GET /api/customers/me/purchaseintents']);
/**
 * 2xx answers for which the reference gives no schema ("OK" only): what the body is checked against
 * instead. `undefined`: only that it is a JSON object.
 */
const NO_REFERENCE_SCHEMA: Record<string, string | undefined> = {
  'GET /api/purchaseintents/search': INTENT,
  'PATCH /api/purchaseintents/{id}': INTENT,
  'PUT /api/purchaseintents/{id}/items': INTENT,
  'PATCH /api/purchaseintents/{id}/items': INTENT,
  'POST /api/purchaseintents/{id}/split': undefined,
  'POST /api/public/purchaseintents/{id}/checkout': undefined,
  'POST /api/public/purchaseintents/checkout': undefined,
};

const ajv = new Ajv({ strict: false, allErrors: true });
((formatsPlugin as unknown as { default?: (a: Ajv) => Ajv }).default ?? (formatsPlugin as unknown as (a: Ajv) => Ajv))(ajv);
ajv.addFormat('float', true);
ajv.addFormat('double', true);

/** Every `$ref` inlined, `oneOf` → `anyOf`, `nullable` without a `type` → a `null` alternative. */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (node === null || typeof node !== 'object') return node;
  const raw = node as Record<string, unknown>;
  if (typeof raw.$ref === 'string' && raw.$ref.startsWith(PREFIX)) return prepare(referenceSchema(raw.$ref.slice(PREFIX.length)));
  const obj = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, prepare(v)]));
  if (obj.nullable === true && obj.type === undefined) {
    const { nullable: _nullable, ...rest } = obj;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return obj;
}

const compiled = new Map<string, ValidateFunction>();
function validatorOf(key: string, schema: unknown): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(relaxOneOf(prepare(schema)) as object);
    compiled.set(key, v);
  }
  return v;
}

const requiredOf = (name: string): string[] => (referenceSchema(name).required as string[] | undefined) ?? [];

interface Op {
  method: string;
  path: string;
  key: string;
  operation: Record<string, unknown>;
}

const ops: Op[] = referenceOperations().map((o) => ({ ...o, key: `${o.method} ${o.path}` }));
const fastifyPath = (p: string): string => p.replace(/\{(\w+)\}/g, ':$1');

/** The operations the app serves, read once at collection time from a throw-away context. */
const served = await (async (): Promise<Set<string>> => {
  const probe = await startContext();
  try {
    // hasRoute matches the exact pattern (`:id`), not a URL: an unknown pattern must read as not served.
    if (probe.app.hasRoute({ method: 'GET', url: '/api/purchaseintents/:id/no-such-route' })) throw new Error('hasRoute reports an unknown route as served');
    return new Set(ops.filter((o) => probe.app.hasRoute({ method: o.method, url: fastifyPath(o.path) })).map((o) => o.key));
  } finally {
    await probe.close();
  }
})();

/** The reference's response schema of `op` for `status`, or the stand-in for a schema-less 2xx. */
function responseSchemaOf(op: Op, status: number): { name: string; schema: unknown } | undefined {
  const responses = (op.operation.responses ?? {}) as Record<string, { content?: Record<string, { schema?: unknown }> }>;
  const documented = responses[String(status)];
  expect(documented, `the reference documents no ${status} for ${op.key}`).toBeDefined();
  const schema = documented?.content?.['application/json']?.schema;
  if (schema !== undefined) {
    const ref = (schema as { $ref?: string }).$ref;
    return { name: ref?.startsWith(PREFIX) ? ref.slice(PREFIX.length) : `${op.key} ${status}`, schema };
  }
  const standIn = NO_REFERENCE_SCHEMA[op.key];
  return standIn === undefined ? undefined : { name: standIn, schema: { $ref: `${PREFIX}${standIn}` } };
}

/** Every intent / strategy object inside a body (a resource, a `{rows}` list, an array, a split pair). */
function resourcesIn(body: Dyn, name: string): { kind: string; value: Dyn }[] {
  const kindOf = (x: Dyn): string | undefined => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return undefined;
    if ('availabilityStrategy' in x && 'expirationStrategy' in x) return STRATEGY;
    if ('approvalStatus' in x && 'tickets' in x && '_id' in x) return name === PUBLIC_INTENT ? PUBLIC_INTENT : INTENT;
    return undefined;
  };
  const out: { kind: string; value: Dyn }[] = [];
  const visit = (x: Dyn, depth: number): void => {
    if (depth > 2 || x === null || typeof x !== 'object') return;
    const kind = kindOf(x);
    if (kind) {
      out.push({ kind, value: x });
      return;
    }
    for (const v of Array.isArray(x) ? x : Object.values(x)) visit(v, depth + 1);
  };
  visit(body, 0);
  return out;
}

describe('purchase-intent contract (reference OpenAPI)', () => {
  const ctx = useContext();
  let key: string;
  let show: string;
  let plainStrategy: string;
  let approvalStrategy: string;
  let ticketsStrategy: string;
  /** Each resource kind seen, to prove the required-field checks ran. */
  const seen = new Set<string>();

  async function call(method: string, url: string, payload?: unknown, auth = true): Promise<Reply> {
    const res = await ctx.app.inject({
      method: method as 'GET',
      url,
      headers: auth ? { authorization: `Bearer ${key}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json<unknown>() };
  }

  async function strategy(name: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await call('POST', '/api/purchaseintents/strategies', {
      name,
      availabilityStrategy: { createTickets: false, checkAvailability: true, withoutSeats: false, createValidTickets: false },
      expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
      needsApproval: false,
      cancellationStrategy: 'cancellationAllowed',
      ...overrides,
    });
    if (res.status !== 201) throw new Error(`POST strategies answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body._id as string;
  }

  async function intent(strategyId = plainStrategy, tickets: unknown[] = [{ ticketTypeId: 'ga', amount: 2, price: 30 }], extra: Record<string, unknown> = {}): Promise<Dyn> {
    const res = await call('POST', '/api/purchaseintents', { eventId: show, strategyId, customerId: 'cus-contract', tickets, ...extra });
    if (res.status !== 201) throw new Error(`POST /api/purchaseintents answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Status as expected, body valid against the reference, every required field of each resource present. */
  function conforms(op: Op, reply: Reply, status: number): void {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    const schema = responseSchemaOf(op, status);
    if (schema) {
      const validate = validatorOf(schema.name, schema.schema);
      validate(reply.body);
      expect(validate.errors ?? [], `${op.key} ${status} against ${schema.name}: ${JSON.stringify(validate.errors)}`).toEqual([]);
    } else {
      expect(reply.body, `${op.key}: a JSON object`).toBeTypeOf('object');
    }
    for (const { kind, value } of resourcesIn(reply.body, schema?.name ?? '')) {
      seen.add(kind);
      for (const field of requiredOf(kind)) expect(value, `${op.key}: ${kind}.${field}`).toHaveProperty(field);
    }
  }

  beforeAll(async () => {
    ({ apiKey: key } = await ctx.createTenant('contract'));
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: key },
      payload: {
        externalReferenceId: 'contract',
        title: 'Contract',
        description: 'One show',
        location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
        configuration: { policy: 'NONE', currency: 'EUR' },
        shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30, capacity: 100 }, { ticketId: 'vip', title: 'VIP', price: 90 }] }],
      },
    });
    if (res.statusCode !== 200) throw new Error(`POST /v1/events answered ${res.statusCode}: ${res.body}`);
    show = res.json<{ data: { shows: { id: string }[] } }>().data.shows[0]!.id;
    plainStrategy = await strategy('contract-plain');
    approvalStrategy = await strategy('contract-approval', { needsApproval: true });
    ticketsStrategy = await strategy('contract-tickets', { availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: false } });
  });

  /** One valid request per reference operation and the status the reference documents for it. */
  const scenarios: Record<string, (op: Op) => Promise<void>> = {
    'POST /api/purchaseintents/strategies': async (op) => {
      const body = {
        name: 'contract-full',
        availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: true },
        expirationStrategy: { hoursBeforeEvent: 24, hoursAfterCreation: 2, expiresAt: '2027-05-31T15:00:00.000Z' },
        deposit: { method: 'percentage', value: 20 },
        needsApproval: true,
        restrictedCompletion: ['Online'],
        cancellationStrategy: 'notAllowed',
      };
      conforms(op, await call('POST', '/api/purchaseintents/strategies', body), 201);
    },
    'GET /api/purchaseintents/strategies': async (op) => {
      const reply = await call('GET', '/api/purchaseintents/strategies');
      conforms(op, reply, 200);
      expect(resourcesIn(reply.body, '').length).toBeGreaterThanOrEqual(3);
    },
    'GET /api/purchaseintents/strategies/{id}': async (op) => conforms(op, await call('GET', `/api/purchaseintents/strategies/${plainStrategy}`), 200),
    'PUT /api/purchaseintents/strategies/{id}': async (op) => {
      const id = await strategy('contract-put');
      conforms(op, await call('PUT', `/api/purchaseintents/strategies/${id}`, { name: 'contract-renamed', needsApproval: true, deposit: { method: 'fixed', value: 10 } }), 200);
    },
    'POST /api/purchaseintents': async (op) => {
      const body = {
        eventId: show,
        strategyId: plainStrategy,
        customerId: 'cus-contract',
        shopId: 'shop-1',
        meta: { source: 'contract' },
        tickets: [
          { ticketTypeId: 'ga', amount: 1, price: 25.5, seatingInfo: { _type: 7, statusId: 'st-1', name: 'Floor' } },
          { ticketTypeId: 'vip', amount: 1, price: 90 },
        ],
        // The create body's item shape; the answer must be the resource's (`itemId`, `netPrice`, `taxRate`).
        additionalItems: [
          { type: 'bundle', amount: 1, price: 0, data: { bundleId: 'bnd-1' } },
          { type: 'fulfillmentType', amount: 1, price: 4, netPrice: 3.31, taxRate: 0.21, data: { fulfillmentTypeId: 'ful-post', cartItemIds: [] } },
        ],
      };
      const created = await call('POST', '/api/purchaseintents', body);
      conforms(op, created, 201);
      conforms(ops.find((o) => o.key === 'GET /api/purchaseintents/{id}')!, await call('GET', `/api/purchaseintents/${created.body._id}`), 200);
    },
    'GET /api/purchaseintents': async (op) => {
      await intent();
      const reply = await call('GET', `/api/purchaseintents?top=1000&eventId=${show}&status=new`);
      conforms(op, reply, 200);
      expect(reply.body.rows.length).toBeGreaterThan(0);
    },
    'GET /api/purchaseintents/{id}': async (op) => conforms(op, await call('GET', `/api/purchaseintents/${(await intent())._id}`), 200),
    'GET /api/purchaseintents/search': async (op) => {
      const x = await intent();
      conforms(op, await call('GET', `/api/purchaseintents/search?id=${x._id}&secret=${encodeURIComponent(x.secret)}`), 200);
    },
    'PATCH /api/purchaseintents/{id}': async (op) => conforms(op, await call('PATCH', `/api/purchaseintents/${(await intent())._id}`, { expiresAt: '2027-05-20T00:00:00.000Z' }), 200),
    'POST /api/purchaseintents/{id}/history': async (op) =>
      conforms(op, await call('POST', `/api/purchaseintents/${(await intent())._id}/history`, { type: 'purchaseIntent.commented', data: { comment: 'called the customer' } }), 201),
    'POST /api/purchaseintents/{id}/reservation-mail': async (op) =>
      conforms(op, await call('POST', `/api/purchaseintents/${(await intent())._id}/reservation-mail`, { email: 'fan@contract.example' }), 201),
    'POST /api/purchaseintents/{id}/cancel': async (op) => conforms(op, await call('POST', `/api/purchaseintents/${(await intent())._id}/cancel`), 200),
    'POST /api/purchaseintents/{id}/approval': async (op) => {
      const x = await intent(approvalStrategy);
      conforms(op, await call('POST', `/api/purchaseintents/${x._id}/approval`, { approvalStatus: 'rejected', rejectionReason: 'sold out' }), 200);
    },
    'POST /api/purchaseintents/{id}/create-tickets': async (op) => conforms(op, await call('POST', `/api/purchaseintents/${(await intent())._id}/create-tickets`), 200),
    'POST /api/purchaseintents/{id}/split': async (op) => {
      const x = await intent(plainStrategy, [
        { ticketTypeId: 'ga', amount: 1, price: 30 },
        { ticketTypeId: 'vip', amount: 1, price: 90 },
      ]);
      const moved = x.tickets[1];
      conforms(op, await call('POST', `/api/purchaseintents/${x._id}/split`, { customerId: 'cus-other', tickets: [{ _id: moved._id, type: 'ticket', ticketTypeId: moved.ticketTypeId, amount: 1, price: moved.price }] }), 200);
    },
    'PUT /api/purchaseintents/{id}/items': async (op) =>
      conforms(op, await call('PUT', `/api/purchaseintents/${(await intent())._id}/items`, { tickets: [{ type: 'ticket', ticketTypeId: 'ga', amount: 3, price: 28 }] }), 200),
    'PATCH /api/purchaseintents/{id}/items': async (op) => {
      const x = await intent(ticketsStrategy, [{ ticketTypeId: 'ga', amount: 3, price: 30 }]);
      conforms(op, await call('PATCH', `/api/purchaseintents/${x._id}/items`, { $invalidateTicketRanges: [[0, 0]] }), 200);
    },
    'GET /api/public/purchaseintents/{id}': async (op) => {
      const x = await intent();
      conforms(op, await call('GET', `/api/public/purchaseintents/${x._id}?secret=${encodeURIComponent(x.secret)}`, undefined, false), 200);
    },
    'GET /api/public/purchaseintents/{id}/tickets': async (op) => {
      const x = await intent(ticketsStrategy);
      conforms(op, await call('GET', `/api/public/purchaseintents/${x._id}/tickets?secret=${encodeURIComponent(x.secret)}`, undefined, false), 200);
    },
    'POST /api/public/purchaseintents/{id}/checkout': async (op) => {
      const x = await intent();
      conforms(op, await call('POST', `/api/public/purchaseintents/${x._id}/checkout`, { secret: x.secret, cardNumber: OK_CARD }, false), 200);
    },
    'POST /api/public/purchaseintents/checkout': async (op) => {
      const [a, b] = [await intent(), await intent()];
      const items = [a, b].map((x) => ({ purchaseIntentId: x._id, secret: x.secret }));
      conforms(op, await call('POST', '/api/public/purchaseintents/checkout', { items, cardNumber: OK_CARD }, false), 200);
    },
    'POST /api/public/purchaseintents/{id}/cancel': async (op) => {
      const x = await intent();
      conforms(op, await call('POST', `/api/public/purchaseintents/${x._id}/cancel`, { secret: x.secret }, false), 200);
    },
  };

  const inScope = ops.filter((o) => !EXCLUDED.has(o.key));
  const live = inScope.filter((o) => served.has(o.key));
  const missing = inScope.filter((o) => !served.has(o.key));

  it('has a scenario for every operation of the reference in scope', () => {
    expect(inScope.filter((o) => !scenarios[o.key]).map((o) => o.key)).toEqual([]);
  });

  for (const op of live) {
    it(`${op.key} answers per the reference's response schema`, async () => {
      await scenarios[op.key]!(op);
    });
  }

  for (const op of missing) it.todo(`not served yet: ${op.key}`);
  for (const key of EXCLUDED) it.skip(`excluded by issue 5 (customer login): ${key}`, () => {});

  /**
   * Encore narrows the reference's request schemas with size limits (issue 9; intents.limits.ts): in
   * the documented routes every string has a `maxLength` (or is an enum), every array a `maxItems`,
   * every free-form object a `maxProperties`; and every bound the reference sets itself is kept.
   */
  it('documents a bound on every string, array and free-form object of the request schemas, keeping the reference’s own', async () => {
    const doc = JSON.parse((await ctx.app.inject({ method: 'GET', url: '/api/openapi' })).body) as { paths: Record<string, Record<string, Dyn>> };
    const BOUNDS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum'];
    const has = (n: Dyn, t: string): boolean => n.type === t || (Array.isArray(n.type) && (n.type as string[]).includes(t));
    /** Visits every schema node with a path of property names (`tickets[].amount`). */
    const walk = (node: Dyn, path: string, visit: (n: Dyn, p: string) => void): void => {
      if (node === null || typeof node !== 'object') return;
      if (typeof node.$ref === 'string' && node.$ref.startsWith(PREFIX)) return walk(referenceSchema(node.$ref.slice(PREFIX.length)), path, visit);
      visit(node, path);
      for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, path ? `${path}.${k}` : k, visit);
      if (node.items) walk(node.items, `${path}[]`, visit);
      for (const key of ['anyOf', 'oneOf', 'allOf']) for (const alt of node[key] ?? []) walk(alt, path, visit);
    };
    const unbounded: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!/^\/api\/(public\/)?purchaseintents/.test(path)) continue;
      for (const [method, op] of Object.entries(methods)) {
        const schemas = ((op.parameters ?? []) as Dyn[]).map((p): [string, Dyn] => [p.name as string, p.schema]);
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) schemas.push(['', body]);
        for (const [root, schema] of schemas) {
          walk(schema, root, (n, p) => {
            const where = `${method.toUpperCase()} ${path} ${p || 'body'}`;
            if (has(n, 'string') && n.enum === undefined && n.const === undefined) unbounded.push(...(n.maxLength === undefined ? [`${where}: string`] : []));
            if (has(n, 'array')) unbounded.push(...(n.maxItems === undefined ? [`${where}: array`] : []));
            if (has(n, 'object') && n.properties === undefined && n.additionalProperties !== false) unbounded.push(...(n.maxProperties === undefined ? [`${where}: object`] : []));
            checked++;
          });
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(unbounded).toEqual([]);

    // The reference's own bounds, by property path, are all in the documented request bodies.
    for (const op of live) {
      const ref = (op.operation.requestBody as Dyn)?.content?.['application/json']?.schema;
      if (!ref) continue;
      const documented = new Set<string>();
      walk(doc.paths[op.path]![op.method.toLowerCase()].requestBody.content['application/json'].schema, '', (n, p) => {
        for (const b of BOUNDS) if (n[b] !== undefined) documented.add(`${p} ${b}=${n[b]}`);
      });
      const missing: string[] = [];
      walk(ref, '', (n, p) => {
        for (const b of BOUNDS) if (n[b] !== undefined && !documented.has(`${p} ${b}=${n[b]}`)) missing.push(`${op.key}: ${p} ${b}=${n[b]}`);
      });
      expect(missing).toEqual([]);
    }
  });

  it('checked the required fields of the reference’s intent and strategy objects', () => {
    if (live.some((o) => o.path.startsWith('/api/purchaseintents/strategies'))) expect(seen).toContain(STRATEGY);
    if (live.some((o) => o.key === 'POST /api/purchaseintents')) expect(seen).toContain(INTENT);
    expect(requiredOf(INTENT)).toEqual(expect.arrayContaining(['_id', 'status', 'approvalStatus', 'sellerId', 'eventId', 'secret', 'tickets']));
    expect(requiredOf(STRATEGY)).toEqual(expect.arrayContaining(['name', 'availabilityStrategy', 'expirationStrategy', 'needsApproval', 'sellerId']));
  });
});
