import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buyOk, priced, sellerTenant, syncTickets } from '../src/modules/orders/orders.fixtures.js';
import { listOk } from '../src/modules/listings/listings.fixtures.js';
import { revokeKeyByPrefix } from '../src/modules/tenants/index.js';
import { marketplaceClient, purchaseIntentClient, type CallOptions, type Dyn, type Method, type Reply } from './client.js';
import { useContext } from './harness.js';

/**
 * The security cases of SPEC §1, written once and run for every operation of both API families as
 * `GET /api/openapi` lists them, so a new route cannot ship without them:
 * - an API-key operation answers 401 in its family's envelope without a key, with an unknown key and
 *   with a revoked one;
 * - tenant B calling an operation with tenant A's ids in its path gets 404 in its family's envelope
 *   (never 403, never A's data), and nothing of A's changes;
 * - a public, secret-guarded operation (`security: []`) answers 404 to a wrong secret, whatever key
 *   comes with it;
 * - A's ids in the body or query of B's other calls get B exactly what ids of nobody get.
 * "Nothing of A's changes" is checked twice: a fingerprint of every row A owns in every table, and
 * A's own reads of each of its resources, before and after each case.
 * Every operation must have an entry in CASES and each path parameter one in PARAMS: the first test
 * fails otherwise.
 */

/** Tenant A's resources, made through the API in `beforeAll`. */
interface Ids {
  event: string;
  ticket: string;
  job: string;
  webhook: string;
  delivery: string;
  listing: string;
  intention: string;
  intentionSecret: string;
  strategy: string;
  intent: string;
  intentSecret: string;
  lead: string;
  /** A seller with a payout account. */
  seller: string;
}

/**
 * Path parameter → which of A's ids fills it. `id` names a different resource under each prefix
 * (the longest matching prefix decides).
 */
const PARAMS: Record<string, keyof Ids | Record<string, keyof Ids>> = {
  externalReferenceId: 'event',
  eventId: 'event',
  ticketId: 'ticket',
  jobId: 'job',
  listingId: 'listing',
  intentionId: 'intention',
  id: {
    '/v1/webhooks/deliveries/': 'delivery',
    '/v1/webhooks/': 'webhook',
    '/api/purchaseintents/strategies/': 'strategy',
    '/api/purchaseintents/': 'intent',
    '/api/public/purchaseintents/': 'intent',
    '/v1/marketdata/users/': 'lead',
  },
};

/** Ids that nobody has: what B gets for A's ids must be what it gets for these. */
const NOBODY: Ids = {
  event: 'nobody-event',
  ticket: 'NOBODY-T1',
  job: 'job_00000000000000000000000000',
  webhook: 'whk_00000000000000000000000000',
  delivery: 'whd_00000000000000000000000000',
  listing: 'lst_00000000000000000000000000',
  intention: 'bi_00000000000000000000000000',
  intentionSecret: 'nobody-secret-0123456789',
  strategy: 'pis_00000000000000000000000000',
  intent: 'pi_00000000000000000000000000',
  intentSecret: 'nobody-secret-0123456789',
  lead: 'ld_00000000000000000000000000',
  seller: 'nobody-seller@fans.example',
};

/** The query of the operations that name a resource in their query string (only where they do). */
const QUERIES: Record<string, (a: Ids) => string> = {
  'GET /v1/events/tickets/salePublicUrl': (a) => `ticketId=${encodeURIComponent(a.ticket)}`,
  'GET /v1/marketplace/buyingflow/url/entrypoint': (a) => `externalReferenceEventId=${encodeURIComponent(a.event)}&showId=main`,
  'GET /v1/marketplace/sellingflow/url/entrypoint': (a) => `ticketId=${encodeURIComponent(a.ticket)}`,
  'GET /v1/marketplace/sellingflow/details/url': (a) => `ticketId=${encodeURIComponent(a.ticket)}`,
  'GET /api/purchaseintents/search': (a) => `id=${encodeURIComponent(a.intent)}&secret=${encodeURIComponent(a.intentSecret)}`,
  'GET /v1/marketdata/users': (a) => `externalReferenceEventId=${encodeURIComponent(a.event)}`,
  'GET /v1/wrapper/accesslayer': (a) => `type=buy&eventId=${encodeURIComponent(a.event)}&showId=main`,
  'GET /v1/marketplace/sellers/payout-account': (a) => `sellerEmail=${encodeURIComponent(a.seller)}`,
};

const WRONG_SECRET = 'not-the-secret-0123456789';
const UNKNOWN_KEY = 'enc_sk_unknown_0123456789abcdef';
const CARD = '4242424242424242';
const SHOW_DATE = '2027-06-01T21:00:00+02:00';

/**
 * What each operation needs: `key` (an API key guards it; `body` is a minimal valid body, naming A's
 * resources where it names any), `secret` (public, guarded by a secret: the request carrying
 * `secret`), or `open` (nothing to guard).
 */
type Case =
  | { guard: 'key'; body?: (a: Ids) => unknown }
  | { guard: 'secret'; request: (a: Ids, secret: string) => { query?: string; body?: unknown } }
  | { guard: 'open' };

const key = (body?: (a: Ids) => unknown): Case => (body ? { guard: 'key', body } : { guard: 'key' });
const strategyBody = {
  name: 'intruder',
  availabilityStrategy: { createTickets: false, checkAvailability: true, withoutSeats: false, createValidTickets: false },
  expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
  needsApproval: false,
  cancellationStrategy: 'cancellationAllowed',
};
const eventBody = (a: Ids) => ({
  externalReferenceId: `${a.event}-b`,
  title: 'Concert',
  description: 'Live',
  location: {},
  configuration: { currency: 'EUR' },
  shows: [{ showId: 'main', date: SHOW_DATE, ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30 }] }],
});
const ticketBody = (a: Ids) => ({ externalReferenceEventId: a.event, buyer: 'b@fans.example', ticketId: 'B-T1', ticketAccess: { type: 'URL', locator: 'https://t.example/b' }, ticketOptionId: 'ga' });

const leadBody = (a: Ids) => ({ type: 'WISHLIST', externalReferenceEventId: a.event, buyer: { email: 'b@fans.example' } });

const CASES: Record<string, Case> = {
  'GET /health': { guard: 'open' },
  'GET /api/openapi': { guard: 'open' },
  'GET /api/docs.md': { guard: 'open' },

  'POST /v1/events': key(eventBody),
  'PUT /v1/events': key(eventBody),
  'GET /v1/events': key(),
  'GET /v1/events/{externalReferenceId}': key(),
  'POST /v1/events/{externalReferenceId}/cancellation': key(),
  'POST /v1/events/rules': key((a) => [{ externalReferenceEventId: a.event, ruleType: 'RESALE', rules: { enabled: false } }]),
  'GET /v1/webhooks': key(),
  'POST /v1/webhooks': key(() => ({ url: 'http://127.0.0.1:9/intruder' })),
  'GET /v1/webhooks/{id}': key(),
  'PUT /v1/webhooks/{id}': key(() => ({ url: 'http://127.0.0.1:9/intruder' })),
  'DELETE /v1/webhooks/{id}': key(),
  'GET /v1/webhooks/{id}/deliveries': key(),
  'POST /v1/webhooks/deliveries/{id}/redeliver': key(),
  'POST /v1/tickets': key((a) => [ticketBody(a)]),
  'POST /v1/sync/tickets': key((a) => [ticketBody(a)]),
  'GET /v1/tickets/{ticketId}': key(),
  'PUT /v1/tickets/{ticketId}': key(() => ({ buyer: 'b@fans.example' })),
  'DELETE /v1/tickets/{ticketId}': key(),
  'GET /v1/jobs/{jobId}': key(),
  'POST /v1/tickets/{ticketId}/eventAdmission': key(() => ({ entryDate: '2027-06-01T19:30:00Z' })),
  'POST /v1/tickets/batch/eventAdmission': key((a) => [{ ticketId: a.ticket, entryDate: '2027-06-01T19:30:00Z' }]),
  'GET /v1/events/tickets/salePublicUrl': key(),
  'POST /v1/marketplace/listings': key((a) => ({ ticketIds: [a.ticket], price: 30, sellerEmail: 'b@fans.example' })),
  'PATCH /v1/marketplace/listings/{listingId}': key(() => ({ price: 31 })),
  'GET /v1/marketplace/listings/ticket/{ticketId}': key(),
  'DELETE /v1/marketplace/items/ticket/{ticketId}': key(),
  'GET /v1/marketplace/items/events/{eventId}/listedTickets': key(),
  'POST /v1/marketplace/buyingflow/buyIntention': key((a) => ({ items: [a.listing], user: 'b@x.example' })),
  'GET /v1/marketplace/buyingflow/buyIntention/{intentionId}': key(),
  'POST /v1/marketplace/checkout/url': key((a) => ({ listingIds: [a.listing] })),
  'PUT /v1/marketplace/sellers/payout-account': key((a) => ({ sellerEmail: a.seller, holderName: 'Intruder', iban: 'GB29NWBK60161331926819' })),
  'GET /v1/marketplace/sellers/payout-account': key(),
  'GET /v1/checkout/{intentionId}': { guard: 'secret', request: (_a, secret) => ({ query: `secret=${encodeURIComponent(secret)}` }) },
  'POST /v1/checkout/{intentionId}/pay': { guard: 'secret', request: (_a, secret) => ({ body: { secret, cardNumber: CARD, buyerEmail: 'b@x.example' } }) },
  'GET /v1/marketplace/buyingflow/url/entrypoint': key(),
  'GET /v1/marketplace/sellingflow/url/entrypoint': key(),
  'GET /v1/marketplace/sellingflow/url/order/entrypoint': key(),
  'GET /v1/marketplace/sellingflow/details/url': key(),
  'GET /v1/auth/oneTimeToken': key(),
  'PUT /v1/marketdata/events/{externalReferenceId}/inventory': key(() => ({ capacity: 1 })),
  'GET /v1/marketdata/events/{externalReferenceId}/inventory': key(),
  'GET /v1/marketdata/events/{externalReferenceId}/depth': key(),
  'GET /v1/wrapper/accesslayer': key(),
  'POST /v1/wrapper/accesslayer': key((a) => ({ user: 'b@fans.example', tickets: [{ ticketId: a.ticket }] })),
  'POST /v1/wrapper/accesslayer/bulk': key((a) => [{ eventId: a.event, showIds: ['main'] }]),
  'PUT /v1/marketdata/events/{externalReferenceId}/inventory/details': key(() => ({ items: [{ ticketOptionId: 'vip', capacity: 1 }] })),
  'POST /v1/marketdata/users': key(leadBody),
  'POST /v1/marketdata/ticket-leads': key(leadBody),
  'POST /v1/marketdata/users/bulk': key((a) => [leadBody(a)]),
  'POST /v1/marketdata/ticket-leads/bulk': key((a) => [leadBody(a)]),
  'GET /v1/marketdata/users': key(),
  'DELETE /v1/marketdata/users/{id}': key(),

  'GET /api/purchaseintents/strategies': key(),
  'POST /api/purchaseintents/strategies': key(() => strategyBody),
  'GET /api/purchaseintents/strategies/{id}': key(),
  'PUT /api/purchaseintents/strategies/{id}': key(() => ({ name: 'taken over' })),
  'GET /api/purchaseintents': key(),
  'POST /api/purchaseintents': key((a) => ({ eventId: a.event, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }] })),
  'GET /api/purchaseintents/search': key(),
  'GET /api/purchaseintents/{id}': key(),
  'PATCH /api/purchaseintents/{id}': key(() => ({ expiresAt: null })),
  'POST /api/purchaseintents/{id}/cancel': key(),
  'POST /api/purchaseintents/{id}/approval': key(() => ({ approvalStatus: 'rejected', rejectionReason: 'intruder' })),
  'POST /api/purchaseintents/{id}/history': key(() => ({ type: 'purchaseIntent.commented', data: { comment: 'intruder' } })),
  'POST /api/purchaseintents/{id}/reservation-mail': key(() => ({ email: 'b@x.example' })),
  'POST /api/purchaseintents/{id}/create-tickets': key(),
  'POST /api/purchaseintents/{id}/split': key(() => ({ customerId: 'cus-b', tickets: [{ ticketTypeId: 'vip', amount: 1 }] })),
  'PUT /api/purchaseintents/{id}/items': key(() => ({ tickets: [{ ticketTypeId: 'vip', amount: 2 }] })),
  'PATCH /api/purchaseintents/{id}/items': key(() => ({ $invalidateTicketRanges: [[0, 0]] })),
  'GET /api/public/purchaseintents/{id}': { guard: 'secret', request: (_a, secret) => ({ query: `secret=${encodeURIComponent(secret)}` }) },
  'GET /api/public/purchaseintents/{id}/tickets': { guard: 'secret', request: (_a, secret) => ({ query: `secret=${encodeURIComponent(secret)}` }) },
  'POST /api/public/purchaseintents/checkout': { guard: 'secret', request: (a, secret) => ({ body: { items: [{ purchaseIntentId: a.intent, secret }], cardNumber: CARD } }) },
  'POST /api/public/purchaseintents/{id}/checkout': { guard: 'secret', request: (_a, secret) => ({ body: { secret, cardNumber: CARD } }) },
  'POST /api/public/purchaseintents/{id}/cancel': { guard: 'secret', request: (_a, secret) => ({ body: { secret } }) },
};

type ApiFamily = 'marketplace' | 'purchaseIntents' | 'system';

interface Operation {
  /** `METHOD path` as in CASES. */
  name: string;
  method: Method;
  path: string;
  family: ApiFamily;
  /** `security: []`: no API key. */
  public: boolean;
  params: string[];
  bodySchema: Record<string, unknown> | undefined;
}

interface OpenApiOperation {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
}

function familyOf(path: string): ApiFamily {
  if (path.startsWith('/v1/')) return 'marketplace';
  if (path.startsWith('/api/purchaseintents') || path.startsWith('/api/public/purchaseintents')) return 'purchaseIntents';
  return 'system';
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as Method,
        path,
        family: familyOf(path),
        public: Array.isArray(op.security) && op.security.length === 0,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** A's id for path parameter `name` of `path`, or undefined when PARAMS has no entry for it. */
function paramValue(name: string, path: string, a: Ids): string | undefined {
  const entry = PARAMS[name];
  if (entry === undefined) return undefined;
  if (typeof entry === 'string') return a[entry];
  const prefix = Object.keys(entry)
    .filter((p) => path.startsWith(p))
    .sort((x, y) => y.length - x.length)[0];
  return prefix === undefined ? undefined : a[entry[prefix]!];
}

/** The operation's concrete URL with A's ids in its path and `query` appended. */
function urlOf(op: Operation, a: Ids, query?: string): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(paramValue(name, op.path, a) ?? `missing-${name}`));
  return query ? `${path}?${query}` : path;
}

function caseOf(op: Operation): Case {
  const c = CASES[op.name];
  if (!c) throw new Error(`no security case for ${op.name}: add it to CASES in test/security.test.ts`);
  return c;
}

describe('security of every operation of both API families (from the OpenAPI document)', () => {
  const ctx = useContext({ clock: 'manual' });
  let ops: Operation[];
  let a: Ids;
  let tenantA: string;
  let keyA: string;
  let keyB: string;
  let revokedKey: string;

  /** A call the way the operation's own family's clients make it. */
  function send(op: Operation, apiKey: string | undefined, url: string, body?: unknown, opts?: CallOptions): Promise<Reply<Dyn>> {
    const client = op.family === 'purchaseIntents' ? purchaseIntentClient(ctx, apiKey) : marketplaceClient(ctx, apiKey);
    return client.call(op.method, url, body, opts);
  }

  /** What an API-key operation is sent in the security cases: `ids` (A's by default) in the path, query and body. */
  function keyedRequest(op: Operation, apiKey: string | undefined, opts?: CallOptions, ids: Ids = a): Promise<Reply<Dyn>> {
    const c = caseOf(op);
    return send(op, apiKey, urlOf(op, ids, QUERIES[op.name]?.(ids)), c.guard === 'key' ? c.body?.(ids) : undefined, opts);
  }

  function expectError(op: Operation, reply: Reply<Dyn>, status: 401 | 404): void {
    const what = `${op.name} → ${reply.status} ${reply.text.slice(0, 300)}`;
    expect.soft(reply.status, what).toBe(status);
    if (op.family === 'purchaseIntents') {
      expect.soft(reply.body, what).toEqual({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Not Found', message: expect.any(String) });
      if (status === 404) expect.soft(String((reply.body as { message?: unknown } | undefined)?.message), `${what}: a route miss is no answer`).not.toMatch(/^no route/);
    } else {
      expect.soft(reply.body, what).toMatchObject({ status, data: null, errors: [{ code: status === 401 ? 'UNAUTHORIZED' : expect.stringMatching(/_NOT_FOUND$/), message: expect.any(String) }] });
      if (status === 404) expect.soft(reply.body?.errors?.[0]?.code, `${what}: a route miss is no answer`).not.toBe('ROUTE_NOT_FOUND');
    }
  }

  // Operations without a case are reported by the first test; the others skip them.
  const keyed = () => ops.filter((op) => CASES[op.name]?.guard === 'key');

  /**
   * Every row tenant A owns, in every table with a `tenant_id` (and its tenants row), as one
   * fingerprint per table: a request of another tenant or without credentials must leave it as it was.
   */
  async function fingerprintOfA(): Promise<Record<string, string>> {
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`.execute(ctx.deps.db);
    const out: Record<string, string> = {};
    for (const { table_name: table } of tables.rows) {
      const r = await sql<{ n: number; h: string }>`
        SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h
        FROM ${sql.table(table)} t WHERE tenant_id = ${tenantA}`.execute(ctx.deps.db);
      out[table] = `${r.rows[0]!.n}:${r.rows[0]!.h}`;
    }
    const tenant = await sql<{ t: string }>`SELECT t::text AS t FROM tenants t WHERE id = ${tenantA}`.execute(ctx.deps.db);
    out.tenants = tenant.rows[0]!.t;
    return out;
  }

  /** A's own reads of every resource it has (each GET with a path parameter), as A sees them. */
  async function readsOfA(): Promise<Record<string, { status: number; body: unknown }>> {
    const out: Record<string, { status: number; body: unknown }> = {};
    for (const op of ops.filter((o) => o.method === 'GET' && o.params.length > 0 && CASES[o.name] !== undefined)) {
      const c = caseOf(op);
      const query = c.guard === 'secret' ? c.request(a, op.family === 'purchaseIntents' ? a.intentSecret : a.intentionSecret).query : undefined;
      const res = await send(op, keyA, urlOf(op, a, query));
      out[op.name] = { status: res.status, body: res.body };
    }
    return out;
  }

  /** Runs `attack` and checks that nothing of A's changed, in the database and through A's own reads. */
  async function leavesAUnchanged(attack: () => Promise<void>): Promise<void> {
    const rows = await fingerprintOfA();
    const reads = await readsOfA();
    await attack();
    const rowsAfter = await fingerprintOfA();
    const readsAfter = await readsOfA();
    const changed = (before: Record<string, unknown>, after: Record<string, unknown>) =>
      Object.keys({ ...before, ...after }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(changed(rows, rowsAfter), 'tables where a row of A changed').toEqual([]);
    expect(changed(reads, readsAfter), 'reads of A that answer differently').toEqual([]);
  }

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    // The document is no family's resource: the purchase-intent client hands its body over as it is.
    ops = operationsOf((await purchaseIntentClient(ctx).get<OpenApiDocument>('/api/openapi')).body);

    // Tenant A: a webhook endpoint (so its changes leave delivery rows) and the events `solo`, `duo`.
    const seller = await sellerTenant(ctx, 'owner');
    tenantA = seller.tenantId;
    keyA = seller.key;
    const mp = marketplaceClient(ctx, keyA);
    const pi = purchaseIntentClient(ctx, keyA);
    await syncTickets(ctx, keyA, [priced('A-T1'), priced('A-T2')]);
    const listing = (await listOk(ctx, keyA, ['A-T1'], 30)).listingId as string;
    const held = (await listOk(ctx, keyA, ['A-T2'], 30)).listingId as string;
    const { intention, secret: intentionSecret } = await buyOk(ctx, keyA, [held]);
    // No workers run in this file: the job stays as it is (QUEUED) while the cases run.
    const job = await mp.post('/v1/tickets', [priced('A-T3')]);
    expect(job.status, job.text).toBe(200);
    const webhook = ((await mp.get('/v1/webhooks')).body.data as { id: string }[])[0]!.id;
    const deliveries = await mp.get(`/v1/webhooks/${webhook}/deliveries`);
    expect(deliveries.body.data.items.length, deliveries.text).toBeGreaterThan(0);
    const strategy = await pi.post('/api/purchaseintents/strategies', { ...strategyBody, name: 'owner' });
    expect(strategy.status, strategy.text).toBe(201);
    const intent = await pi.post('/api/purchaseintents', { eventId: 'solo', tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }], strategyId: strategy.body._id });
    expect(intent.status, intent.text).toBe(201);
    const lead = await mp.post('/v1/marketdata/users', { type: 'WISHLIST', externalReferenceEventId: 'solo', buyer: { email: 'a@fans.example' } });
    expect(lead.status, lead.text).toBe(200);
    const payoutAccount = await mp.put('/v1/marketplace/sellers/payout-account', { sellerEmail: 'a-t1@fans.example', holderName: 'Seller A', iban: 'ES9121000418450200051332' });
    expect(payoutAccount.status, payoutAccount.text).toBe(200);
    a = {
      seller: 'a-t1@fans.example',
      lead: lead.body.data.id as string,
      event: 'solo',
      ticket: 'A-T1',
      job: job.body.data.jobId as string,
      webhook,
      delivery: deliveries.body.data.items[0].id as string,
      listing,
      intention: intention.intentionId as string,
      intentionSecret,
      strategy: strategy.body._id as string,
      intent: intent.body._id as string,
      intentSecret: intent.body.secret as string,
    };

    // Tenant B, the intruder: a valid key and nothing of its own.
    keyB = (await ctx.createTenant('intruder')).apiKey;
    const revoked = await ctx.createTenant('revoked');
    await revokeKeyByPrefix(ctx.deps, revoked.apiKey.slice(0, 12));
    revokedKey = revoked.apiKey;
  });

  it('has a case for every operation of the document, an id for every path parameter, and a valid body wherever one is taken', () => {
    expect(ops.length).toBeGreaterThan(50);
    const names = ops.map((o) => o.name);
    expect(names.filter((n) => !(n in CASES)), 'operations without a security case').toEqual([]);
    expect(Object.keys(CASES).filter((n) => !names.includes(n)), 'cases of operations the document no longer has').toEqual([]);

    const ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = (formatsPlugin as unknown as { default: (x: Ajv) => Ajv }).default ?? formatsPlugin;
    addFormats(ajv);
    for (const op of ops) {
      const c = caseOf(op);
      expect.soft(c.guard === 'key', `${op.name}: an API key guards it unless its security is []`).toBe(!op.public);
      if (op.family === 'system') expect.soft(c.guard, `${op.name}: only system routes are open`).toBe('open');
      for (const p of op.params) expect.soft(paramValue(p, op.path, a), `${op.name}: no id for {${p}} in PARAMS`).toBeDefined();
      const body = c.guard === 'key' ? c.body?.(a) : c.guard === 'secret' ? c.request(a, WRONG_SECRET).body : undefined;
      if (op.bodySchema && c.guard !== 'open') {
        expect.soft(body, `${op.name}: takes a body, the case has none`).toBeDefined();
        const validate = ajv.compile(op.bodySchema);
        expect.soft(validate(structuredClone(body)) ? [] : validate.errors, `${op.name}: the case's body does not fit the documented schema`).toEqual([]);
      } else {
        expect.soft(body, `${op.name}: takes no body`).toBeUndefined();
      }
    }
  });

  it('401 without a key, in the family envelope, on every API-key operation (before the body is even read)', async () => {
    await leavesAUnchanged(async () => {
      for (const op of keyed()) {
        expectError(op, await keyedRequest(op, undefined), 401);
        // Authentication comes first: an unreadable body is not looked at.
        if (op.bodySchema) expectError(op, await send(op, undefined, urlOf(op, a), undefined, { raw: '{"unparsable' }), 401);
      }
    });
  });

  it('401 with an unknown key, raw and as Bearer, on every API-key operation', async () => {
    await leavesAUnchanged(async () => {
      for (const op of keyed()) {
        // The family's own form, then the other one (both families take both).
        expectError(op, await keyedRequest(op, UNKNOWN_KEY), 401);
        const otherForm = op.family === 'purchaseIntents' ? UNKNOWN_KEY : `Bearer ${UNKNOWN_KEY}`;
        expectError(op, await keyedRequest(op, undefined, { headers: { authorization: otherForm } }), 401);
      }
    });
  });

  it('401 with a revoked key on every API-key operation', async () => {
    await leavesAUnchanged(async () => {
      for (const op of keyed()) expectError(op, await keyedRequest(op, revokedKey), 401);
    });
  });

  it('A reads each of its resources (the ids the cases use are real)', async () => {
    for (const [name, read] of Object.entries(await readsOfA())) expect.soft(read.status, `${name}: ${JSON.stringify(read.body).slice(0, 300)}`).toBe(200);
  });

  it('another tenant’s id in the path is 404 in the family envelope on every operation that has one, and nothing of A’s changes', async () => {
    const withIds = keyed().filter((op) => op.params.length > 0);
    expect(withIds.length).toBeGreaterThan(25);
    await leavesAUnchanged(async () => {
      for (const op of withIds) expectError(op, await keyedRequest(op, keyB), 404);
    });
  });

  it('a public, secret-guarded operation answers 404 to a wrong secret, with or without any key, and nothing changes', async () => {
    const guarded = ops.filter((op) => CASES[op.name]?.guard === 'secret');
    expect(guarded.map((op) => op.name).sort()).toEqual(Object.keys(CASES).filter((n) => CASES[n]!.guard === 'secret').sort());
    await leavesAUnchanged(async () => {
      for (const op of guarded) {
        const c = caseOf(op) as Extract<Case, { guard: 'secret' }>;
        const { query, body } = c.request(a, WRONG_SECRET);
        for (const apiKey of [undefined, keyA, keyB]) expectError(op, await send(op, apiKey, urlOf(op, a, query), body), 404);
      }
    });
    // The right secret opens the reads (the ids above are real).
    for (const op of guarded.filter((o) => o.method === 'GET')) {
      const c = caseOf(op) as Extract<Case, { guard: 'secret' }>;
      const right = c.request(a, op.family === 'purchaseIntents' ? a.intentSecret : a.intentionSecret);
      const res = await send(op, undefined, urlOf(op, a, right.query));
      expect.soft(res.status, `${op.name}: ${res.text.slice(0, 300)}`).toBe(200);
    }
  });

  it('A’s ids in the body or query of the other operations get B the answer an id of nobody gets (no trace of A’s), and nothing of A’s changes', async () => {
    const answer = (r: Reply<Dyn>) =>
      r.body && typeof r.body === 'object' && 'statusCode' in r.body
        ? `${r.status} ${String(r.body.error)}`
        : `${r.status} ${JSON.stringify((r.body?.errors ?? []).map((e: { code: string; field?: string }) => [e.code, e.field]))}`;
    const others = keyed().filter((op) => op.params.length === 0 && (op.method !== 'GET' || QUERIES[op.name] !== undefined));
    expect(others.length).toBeGreaterThan(10);
    await leavesAUnchanged(async () => {
      for (const op of others) {
        const theirs = await keyedRequest(op, keyB);
        const nobodys = await keyedRequest(op, keyB, undefined, NOBODY);
        expect.soft(answer(theirs), `${op.name} with A's ids: ${theirs.text.slice(0, 300)}`).toBe(answer(nobodys));
        expect.soft(theirs.status, `${op.name} with A's ids`).toBeLessThan(500);
      }
    });
  });

  it('the open operations answer without a key', async () => {
    for (const op of ops.filter((o) => CASES[o.name]?.guard === 'open')) {
      const res = await send(op, undefined, op.path);
      expect.soft(res.status, op.name).toBe(200);
    }
  });
});
