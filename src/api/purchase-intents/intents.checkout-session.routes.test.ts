import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { paySession } from '../../flows/purchase-intent-checkout-session.js';
import { SANDBOX_CARDS } from '../../modules/payments/index.js';
import { createPiEvents, createStrategy, pi, type Dyn, type PiReply } from '../../modules/purchase-intents/intents.fixtures.js';

/**
 * `POST /api/public/purchaseintents/:id/checkout` and `POST …/checkout` in the reference's form
 * (without Encore's `cardNumber`): a checkout session on the hosted page (SPEC §7). The immediate
 * payment (with `cardNumber`) is tested in intents.public.routes.test.ts.
 */
describe('public purchase-intent checkout sessions', () => {
  const ctx = useContext({ clock: 'manual' });
  let key: string;

  async function intent(strategy: Record<string, unknown> | null, cart: Record<string, unknown> = {}): Promise<Dyn> {
    let strategyId: string | undefined;
    if (strategy !== null) {
      const { createTickets = false, ...rest } = strategy;
      strategyId = await createStrategy(ctx, key, { availabilityStrategy: { createTickets, checkAvailability: false, withoutSeats: false, createValidTickets: false }, ...rest });
    }
    const res = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }], ...(strategyId ? { strategyId } : {}), ...cart });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const checkout = (id: string, body: Record<string, unknown>, query = '') => pi(ctx, undefined, 'POST', `/api/public/purchaseintents/${id}/checkout${query}`, body);
  const multi = (items: { purchaseIntentId: string; secret: string }[], query = '') => pi(ctx, undefined, 'POST', `/api/public/purchaseintents/checkout${query}`, { items });
  const admin = async (id: string): Promise<Dyn> => (await pi(ctx, key, 'GET', `/api/purchaseintents/${id}`)).body;
  const secretOf = (url: string) => new URL(url).searchParams.get('secret')!;

  async function paymentCount(intentId: string): Promise<number> {
    return (await ctx.deps.db.selectFrom('payment_lines').select('payment_id').where('purpose', '=', 'PURCHASE_INTENTS').where('subject_id', '=', intentId).execute()).length;
  }

  function isSession(res: PiReply): void {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual(['_id', 'amount', 'currency', 'expiresAt', 'purchaseIntentIds', 'status', 'url']);
    expect(res.body._id).toMatch(/^chk_/);
    expect(res.body.status).toBe('open');
  }

  function isError(res: PiReply, status: number, message?: RegExp): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(Object.keys(res.body as object).sort()).toEqual(['error', 'message', 'statusCode']);
    if (message) expect(res.body.message).toMatch(message);
  }

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    ({ apiKey: key } = await ctx.createTenant('seller'));
    await createPiEvents(ctx, key);
  });

  describe('POST /api/public/purchaseintents/:id/checkout', () => {
    it('the reference’s body answers a session on the hosted page; nothing is charged and the intent is unchanged', async () => {
      const a = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 3, expiresAt: null } });
      const res = await checkout(a._id, { secret: a.secret, salesChannelId: 'web' });
      isSession(res);
      expect(res.body).toMatchObject({ purchaseIntentIds: [a._id], amount: 160, currency: 'EUR', expiresAt: a.expiresAt });
      expect(res.body.url).toBe(`http://encore.test/es/purchaseintents/checkout/${res.body._id}?secret=${secretOf(res.body.url)}`);
      expect(await admin(a._id)).toMatchObject({ status: 'new', __v: 0 });
      expect(await paymentCount(a._id)).toBe(0);
      // Paid on the page: the session is the intent's checkout, with the body's salesChannelId.
      const paid = await paySession(ctx.deps, res.body._id, secretOf(res.body.url), SANDBOX_CARDS.succeeds);
      expect(paid?.outcome).toBe('paid');
      expect(await admin(a._id)).toMatchObject({ status: 'complete', outcome: { checkoutId: res.body._id }, salesChannelId: 'web' });
    });

    it('`?lang=` picks the page’s language (any BCP 47 tag), else the seller’s default', async () => {
      const a = await intent(null);
      const en = await checkout(a._id, { secret: a.secret }, '?lang=EN-us');
      isSession(en);
      expect(en.body.url).toMatch(/^http:\/\/encore\.test\/en\/purchaseintents\/checkout\/chk_/);
      const other = await checkout(a._id, { secret: a.secret }, '?lang=de');
      expect(other.body.url).toMatch(/^http:\/\/encore\.test\/es\//);
      // Two checkouts of one intent are two sessions, each with its own secret.
      expect(other.body._id).not.toBe(en.body._id);
      expect(secretOf(other.body.url)).not.toBe(secretOf(en.body.url));
    });

    it('with a strategy deposit, the amount is the deposit', async () => {
      const a = await intent({ deposit: { method: 'fixed', value: 50 } });
      const res = await checkout(a._id, { secret: a.secret });
      isSession(res);
      expect(res.body.amount).toBe(50);
    });

    it('refused (400, with the reason) unless payable: awaiting approval, expired, complete', async () => {
      const awaiting = await intent({ needsApproval: true });
      isError(await checkout(awaiting._id, { secret: awaiting.secret }), 400, /awaits the seller/);
      const soon = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 1, expiresAt: null } });
      ctx.clock!.advance(2 * 3_600_000);
      try {
        isError(await checkout(soon._id, { secret: soon.secret }), 400, /expired at/);
      } finally {
        ctx.clock!.advance(-2 * 3_600_000);
      }
      const paid = await intent(null);
      expect((await checkout(paid._id, { secret: paid.secret, cardNumber: SANDBOX_CARDS.succeeds })).status).toBe(200);
      isError(await checkout(paid._id, { secret: paid.secret }), 400, /already complete/);
    });

    it('a wrong or missing secret is a 404 indistinguishable from an unknown id', async () => {
      const a = await intent(null);
      const unknown = 'pi_01jzzzzzzzzzzzzzzzzzzzzzzz';
      const wrong = await checkout(a._id, { secret: 'wrong-secret-0123456789' });
      const missing = await checkout(a._id, {});
      const none = await checkout(unknown, { secret: 'wrong-secret-0123456789' });
      for (const res of [wrong, missing, none]) isError(res, 404, /not found/);
      const same = (res: PiReply, id: string): Record<string, unknown> => ({ ...(res.body as Record<string, unknown>), message: (res.body.message as string).replace(id, '<id>') });
      expect(same(wrong, a._id)).toEqual(same(none, unknown));
      expect(same(missing, a._id)).toEqual(same(none, unknown));
      // Nothing was written for any of them.
      expect(await ctx.deps.db.selectFrom('purchase_intent_checkouts').select('id').where(sql<boolean>`${a._id} = ANY(intent_ids)`).execute()).toEqual([]);
    });

    it('with `cardNumber` it pays at once, as before: the payment’s answer, no session', async () => {
      const a = await intent(null);
      const res = await checkout(a._id, { secret: a.secret, cardNumber: SANDBOX_CARDS.succeeds });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ checkoutId: expect.stringMatching(/^chk_/), status: 'complete', amount: 160, payment: { status: 'SUCCEEDED' } });
      expect(res.body).not.toHaveProperty('url');
      expect(res.body).not.toHaveProperty('_id');
    });
  });

  describe('POST /api/public/purchaseintents/checkout (several intents)', () => {
    it('one session for the sum, in the order given; paid on the page, all complete with it as their checkout', async () => {
      const a = await intent(null);
      const b = await intent(null, { tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] });
      const res = await multi([{ purchaseIntentId: b._id, secret: b.secret }, { purchaseIntentId: a._id, secret: a.secret }], '?lang=en');
      isSession(res);
      expect(res.body).toMatchObject({ purchaseIntentIds: [b._id, a._id], amount: 190, currency: 'EUR', expiresAt: null });
      expect(res.body.url).toMatch(/\/en\/purchaseintents\/checkout\//);
      const paid = await paySession(ctx.deps, res.body._id, secretOf(res.body.url), SANDBOX_CARDS.succeeds);
      expect(paid).toMatchObject({ outcome: 'paid', amount: 190, session: { status: 'complete' } });
      for (const id of [a._id, b._id]) expect(await admin(id)).toMatchObject({ status: 'complete', outcome: { checkoutId: res.body._id } });
    });

    it('none when one intent is not payable or has a wrong secret', async () => {
      const a = await intent(null);
      const b = await intent({ needsApproval: true });
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: b._id, secret: b.secret }]), 400, new RegExp(`${b._id}.*awaits`));
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: b._id, secret: 'wrong-secret-abc' }]), 404);
      isError(await multi([]), 400);
    });
  });

  it('the OpenAPI document: the answer is a session or the immediate payment, and `lang` is documented', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi' })).json<Dyn>();
    for (const path of ['/api/public/purchaseintents/{id}/checkout', '/api/public/purchaseintents/checkout']) {
      const op = doc.paths[path].post;
      const schema = op.responses['200'].content['application/json'].schema;
      const branches = (schema.anyOf ?? schema.oneOf) as Dyn[];
      expect(branches).toHaveLength(2);
      expect(branches.map((b) => [...(b.required as string[])].sort())).toEqual([
        ['_id', 'amount', 'currency', 'expiresAt', 'purchaseIntentIds', 'status', 'url'],
        ['amount', 'checkoutId', 'currency', 'payment', 'purchaseIntents', 'status'],
      ]);
      expect(op.description).toMatch(/checkout session/);
      expect(op.parameters.map((p: Dyn) => `${p.in}:${p.name}`)).toContain('query:lang');
      expect(op.requestBody.content['application/json'].schema.properties.cardNumber.description).toMatch(/optional/);
    }
  });
});
