import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { reconcilePayments } from '../../flows/payment-settlements.js';
import { intentSettlement } from '../../flows/purchase-intent-checkout.js';
import { confirmPayment, type ChargeResult } from '../../modules/payments/index.js';
import { insertStrandedPayment } from '../../modules/payments/payments.fixtures.js';
import { createPiEvents, createStrategy, pi, referenceValidator, type Dyn, type PiReply } from '../../modules/purchase-intents/intents.fixtures.js';

const OK_CARD = '4242 4242 4242 4242';
const DECLINED_CARD = '4000000000000002';

describe('public purchase-intent endpoints', () => {
  const ctx = useContext({ clock: 'manual' });
  const validatePublic = referenceValidator('PublicPurchaseIntentResource');
  const validateTickets = referenceValidator('GET_Purchaseintents_GetPublicPurchaseIntentTickets_200_response');
  let key: string;
  let tenantId: string;
  let otherKey: string;

  function conforms(body: Dyn): void {
    const ok = validatePublic(body);
    expect(validatePublic.errors ?? [], JSON.stringify(validatePublic.errors)).toEqual([]);
    expect(ok).toBe(true);
  }

  function ticketsConform(body: Dyn): void {
    const ok = validateTickets(body);
    expect(validateTickets.errors ?? [], JSON.stringify(validateTickets.errors)).toEqual([]);
    expect(ok).toBe(true);
  }

  function isError(res: PiReply, status: number, message?: RegExp): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(Object.keys(res.body as object).sort()).toEqual(['error', 'message', 'statusCode']);
    expect(res.body.statusCode).toBe(status);
    if (message) expect(res.body.message).toMatch(message);
  }

  async function intent(strategy: Record<string, unknown> | null, cart: Record<string, unknown> = {}, apiKey = key): Promise<Dyn> {
    let strategyId: string | undefined;
    if (strategy !== null) {
      const { createTickets = false, checkAvailability = false, ...rest } = strategy;
      strategyId = await createStrategy(ctx, apiKey, { availabilityStrategy: { createTickets, checkAvailability, withoutSeats: false, createValidTickets: false }, ...rest });
    }
    const res = await pi(ctx, apiKey, 'POST', '/api/purchaseintents', {
      eventId: 'gig',
      tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }],
      ...(strategyId ? { strategyId } : {}),
      ...cart,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const get = (id: string, secret?: string) => pi(ctx, undefined, 'GET', `/api/public/purchaseintents/${id}${secret === undefined ? '' : `?secret=${encodeURIComponent(secret)}`}`);
  const tickets = (id: string, secret: string) => pi(ctx, undefined, 'GET', `/api/public/purchaseintents/${id}/tickets?secret=${encodeURIComponent(secret)}`);
  const checkout = (id: string, body: Record<string, unknown>) => pi(ctx, undefined, 'POST', `/api/public/purchaseintents/${id}/checkout`, body);
  const cancel = (id: string, body: Record<string, unknown>) => pi(ctx, undefined, 'POST', `/api/public/purchaseintents/${id}/cancel`, body);
  const admin = (id: string) => pi(ctx, key, 'GET', `/api/purchaseintents/${id}`);

  async function paymentsOf(intentId: string): Promise<{ status: string; amount_minor: string | number; kind: string }[]> {
    return ctx.deps.db
      .selectFrom('payment_lines as p')
      .innerJoin('payments as m', (j) => j.onRef('m.tenant_id', '=', 'p.tenant_id').onRef('m.id', '=', 'p.payment_id'))
      .select(['m.status', 'm.amount_minor', 'p.kind'])
      .where('p.purpose', '=', 'PURCHASE_INTENTS')
      .where('p.subject_id', '=', intentId)
      .orderBy('m.created_at')
      .execute();
  }

  const confirmIntent = (paymentId: string, result: ChargeResult) => confirmPayment(ctx.deps, tenantId, paymentId, result, intentSettlement(ctx.deps));

  async function ticketStatuses(intentId: string): Promise<string[]> {
    const rows = await ctx.deps.db.selectFrom('tickets').select('status').where('order_id', '=', intentId).orderBy('ticket_id').execute();
    return rows.map((r) => r.status);
  }

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    ({ apiKey: key, tenantId } = await ctx.createTenant('seller'));
    ({ apiKey: otherKey } = await ctx.createTenant('other'));
    await createPiEvents(ctx, key);
    await createPiEvents(ctx, otherKey);
  });

  describe('GET /api/public/purchaseintents/:id', () => {
    it('answers the intent for its secret, without an API key, in the reference shape', async () => {
      const created = await intent(null);
      const res = await get(created._id, created.secret);
      expect(res.status).toBe(200);
      conforms(res.body);
      expect(res.body).toMatchObject({ _id: created._id, status: 'new', approvalStatus: 'approved', sellerId: tenantId, realPrice: 160, secret: created.secret, __v: 0 });
      expect(res.body).not.toHaveProperty('history');
    });

    it('a wrong, missing or another intent’s secret is a 404 like an unknown id', async () => {
      const a = await intent(null);
      const b = await intent(null, {}, otherKey);
      isError(await get(a._id, 'wrong-secret-123456'), 404, /not found/);
      isError(await get(a._id), 404, /not found/);
      isError(await get(a._id, b.secret), 404);
      isError(await get('pi_unknown0000000000000000', a.secret), 404);
      // Another tenant's intent with its own secret is found: the secret is the credential.
      expect((await get(b._id, b.secret)).status).toBe(200);
    });
  });

  describe('GET /api/public/purchaseintents/:id/tickets', () => {
    it('lists the reserved tickets, then VALID with revealed barcodes once paid', async () => {
      const created = await intent({ createTickets: true });
      const before = await tickets(created._id, created.secret);
      expect(before.status).toBe(200);
      ticketsConform(before.body);
      expect(before.body).toHaveLength(2);
      expect(before.body[0]).toMatchObject({ sellerId: tenantId, eventId: 'gig', ticketTypeId: 'vip', ticketName: 'VIP', status: 'RESERVED', realPrice: 80, regularPrice: 90, barcodeRevealed: false });
      expect((await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD })).status).toBe(200);
      const after = await tickets(created._id, created.secret);
      ticketsConform(after.body);
      expect(after.body.map((t: { status: string }) => t.status)).toEqual(['VALID', 'VALID']);
      expect(after.body[0].barcodeRevealed).toBe(true);
      expect(after.body[0].barcode).toMatch(/^pi-/);
      expect(after.body[0].transactionId).toBeDefined();
    });

    it('is empty for an intent without tickets, and 404 for a wrong secret', async () => {
      const created = await intent(null);
      const res = await tickets(created._id, created.secret);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      isError(await tickets(created._id, 'nope-nope-nope'), 404);
    });
  });

  describe('POST /api/public/purchaseintents/:id/checkout', () => {
    it('charges realPrice and completes the intent: transactionId, outcome.checkoutId, tickets issued VALID, history, __v + 1', async () => {
      const created = await intent(null);
      const res = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD, salesChannelId: 'web' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'complete', amount: 160, currency: 'EUR', payment: { status: 'SUCCEEDED', amount: 160, cardLast4: '4242' } });
      const [view] = res.body.purchaseIntents;
      conforms(view);
      expect(view).toMatchObject({ status: 'complete', transactionId: res.body.payment._id, outcome: { checkoutId: res.body.checkoutId }, salesChannelId: 'web', __v: 1 });
      const stored = (await admin(created._id)).body;
      expect(stored.status).toBe('complete');
      expect(stored.history.map((h: { type: string }) => h.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.completed']);
      expect(stored.history[1].data).toMatchObject({ checkoutId: res.body.checkoutId, amount: 160 });
      // Without createTickets, the paid intent's tickets are issued at completion, VALID.
      expect(await ticketStatuses(created._id)).toEqual(['VALID', 'VALID']);
      expect(await paymentsOf(created._id)).toEqual([{ status: 'SUCCEEDED', amount_minor: expect.anything(), kind: 'full' }]);
      // The list filter finds it by its checkout.
      const listed = await pi(ctx, key, 'GET', `/api/purchaseintents?outcomeCheckoutId=${res.body.checkoutId}`);
      expect(listed.body.total).toBe(1);
      // A second checkout of a complete intent is refused.
      isError(await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD }), 400, /already complete/);
    });

    it('turns the reserved tickets VALID', async () => {
      const created = await intent({ createTickets: true });
      expect(await ticketStatuses(created._id)).toEqual(['RESERVED', 'RESERVED']);
      expect((await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD })).status).toBe(200);
      expect(await ticketStatuses(created._id)).toEqual(['VALID', 'VALID']);
    });

    it('bad input: an invalid card, no body; a wrong secret is a 404 before anything else', async () => {
      const created = await intent(null);
      // Without a card the answer is a checkout session (intents.checkout-session.routes.test.ts): nothing is charged.
      isError(await checkout(created._id, { secret: created.secret, cardNumber: '' }), 400, /cardNumber/);
      isError(await checkout(created._id, { secret: created.secret, cardNumber: '1234' }), 400, /cardNumber/);
      isError(await checkout(created._id, { secret: created.secret, cardNumber: 42 }), 400);
      isError(await checkout(created._id, { secret: 'wrong-secret-xyz', cardNumber: OK_CARD }), 404);
      isError(await checkout(created._id, { cardNumber: OK_CARD }), 404);
      expect(await paymentsOf(created._id)).toEqual([]);
      expect((await admin(created._id)).body).toMatchObject({ status: 'new', __v: 0 });
    });

    it('a declined card is a 400 with the reason and leaves the intent unchanged; a good card then completes it', async () => {
      const created = await intent({ createTickets: true });
      const res = await checkout(created._id, { secret: created.secret, cardNumber: DECLINED_CARD });
      isError(res, 400, /declined/);
      expect((await admin(created._id)).body).toMatchObject({ status: 'new', __v: 0 });
      expect(await ticketStatuses(created._id)).toEqual(['RESERVED', 'RESERVED']);
      expect((await paymentsOf(created._id)).map((p) => p.status)).toEqual(['DECLINED']);
      expect((await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD })).status).toBe(200);
      expect((await paymentsOf(created._id)).map((p) => p.status)).toEqual(['DECLINED', 'SUCCEEDED']);
    });

    it('approval gating: refused while awaiting or rejected, paid once approved', async () => {
      const created = await intent({ needsApproval: true });
      expect(created.approvalStatus).toBe('awaiting');
      isError(await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD }), 400, /awaits the seller/);
      expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${created._id}/approval`, { approvalStatus: 'rejected', rejectionReason: 'sold out' })).status).toBe(200);
      isError(await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD }), 400, /rejected \(sold out\)/);
      expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${created._id}/approval`, { approvalStatus: 'approved' })).status).toBe(200);
      const res = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD });
      expect(res.status).toBe(200);
      expect(res.body.purchaseIntents[0].status).toBe('complete');
    });

    it('restricted completion: POS only is refused online; POS and Online is paid', async () => {
      const posOnly = await intent({ restrictedCompletion: ['POS'] });
      isError(await checkout(posOnly._id, { secret: posOnly.secret, cardNumber: OK_CARD }), 400, /only be completed through POS/);
      expect(await paymentsOf(posOnly._id)).toEqual([]);
      const both = await intent({ restrictedCompletion: ['POS', 'Online'] });
      expect((await checkout(both._id, { secret: both.secret, cardNumber: OK_CARD })).status).toBe(200);
    });

    it('expiry: refused once expiresAt has passed on the clock, even before the expiry job ran', async () => {
      const created = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 1, expiresAt: null } });
      ctx.clock!.advance(2 * 3_600_000);
      try {
        isError(await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD }), 400, /expired at/);
        expect((await admin(created._id)).body.status).toBe('new');
      } finally {
        ctx.clock!.advance(-2 * 3_600_000);
      }
    });

    it('deposit (fixed): the first checkout pays only the deposit and records it, the second pays the rest and completes', async () => {
      const created = await intent({ deposit: { method: 'fixed', value: 50 }, createTickets: true });
      const first = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({ status: 'depositPaid', amount: 50 });
      const afterDeposit = first.body.purchaseIntents[0];
      conforms(afterDeposit);
      expect(afterDeposit).toMatchObject({ status: 'new', __v: 1, deposit: { amount: 50, paymentId: first.body.payment._id, balanceTransactionId: first.body.payment.balanceTransactionId } });
      expect(afterDeposit).not.toHaveProperty('transactionId');
      expect(await ticketStatuses(created._id)).toEqual(['RESERVED', 'RESERVED']);

      const second = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ status: 'complete', amount: 110 });
      const done = second.body.purchaseIntents[0];
      conforms(done);
      expect(done).toMatchObject({ status: 'complete', __v: 2, transactionId: second.body.payment._id, deposit: { amount: 50 } });
      expect(await ticketStatuses(created._id)).toEqual(['VALID', 'VALID']);
      const history = (await admin(created._id)).body.history;
      expect(history.map((h: { type: string }) => h.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.updated', 'purchaseIntent.completed']);
      expect(history[2].data).toMatchObject({ amount: 110, depositCredited: 50 });
      expect((await paymentsOf(created._id)).map((p) => [p.kind, Number(p.amount_minor)])).toEqual([
        ['deposit', 5000],
        ['balance', 11000],
      ]);
    });

    it('deposit (percentage of realPrice)', async () => {
      const created = await intent({ deposit: { method: 'percentage', value: 25 } });
      const first = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD });
      expect(first.body).toMatchObject({ status: 'depositPaid', amount: 40 });
      const second = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD });
      expect(second.body).toMatchObject({ status: 'complete', amount: 120 });
    });
  });

  describe('charge outside the transaction, idempotent confirmation', () => {
    it('a processor failure (fails after a delay) is a 400 and changes nothing', async () => {
      const created = await intent({ createTickets: true });
      isError(await checkout(created._id, { secret: created.secret, cardNumber: '4000000000000259' }), 400, /did not answer in time/);
      expect((await admin(created._id)).body).toMatchObject({ status: 'new', __v: 0 });
      expect((await paymentsOf(created._id)).map((p) => p.status)).toEqual(['FAILED']);
    });

    it('two checkouts of one intent in parallel: charged once, completed once', async () => {
      const created = await intent(null);
      const replies = await Promise.all([1, 2, 3].map(() => checkout(created._id, { secret: created.secret, cardNumber: OK_CARD })));
      expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of replies.filter((x) => x.status !== 200)) isError(r, 400, /in progress|already complete/);
      expect((await paymentsOf(created._id)).map((p) => p.status)).toEqual(['SUCCEEDED']);
      expect((await admin(created._id)).body).toMatchObject({ status: 'complete', __v: 1 });
    });

    it('confirming a charge twice applies it once', async () => {
      const created = await intent(null);
      const res = await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD });
      const again = await confirmIntent(res.body.payment._id, { status: 'declined', providerRef: 'x', last4: '0002', code: 'card_declined', message: 'no' });
      expect(again.outcome).toBe('applied');
      expect((await admin(created._id)).body).toMatchObject({ status: 'complete', __v: 1 });
      expect((await paymentsOf(created._id)).map((p) => p.status)).toEqual(['SUCCEEDED']);
    });

    it('while a charge is in flight, a second checkout and the public cancel are refused; an intent canceled meanwhile is not completed (refund)', async () => {
      const created = await intent(null);
      const now = ctx.clock!.now();
      const paymentId = `pay_inflight_${created._id}`;
      await insertStrandedPayment(ctx.deps.db, { tenantId, id: paymentId, purpose: 'PURCHASE_INTENTS', subjectId: created._id, amountMinor: 16000, at: now, checkoutId: 'chk_inflight' });
      isError(await checkout(created._id, { secret: created.secret, cardNumber: OK_CARD }), 400, /in progress/);
      isError(await cancel(created._id, { secret: created.secret }), 400, /in progress/);
      // The seller cancels meanwhile; the charge then succeeds: nothing is completed, the money must go back.
      expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${created._id}/cancel`)).status).toBe(200);
      const confirmed = await confirmIntent(paymentId, { status: 'succeeded', providerRef: `sbx_ch_${paymentId}`, last4: '4242' });
      expect(confirmed.outcome).toBe('refund');
      expect((await admin(created._id)).body).toMatchObject({ status: 'canceled' });
    });

    it('reconciliation confirms a charge left PROCESSING by a dead process: the intent completes once', async () => {
      const created = await intent(null);
      const now = ctx.clock!.now();
      const paymentId = `pay_stuck_${created._id}`;
      await insertStrandedPayment(ctx.deps.db, { tenantId, id: paymentId, purpose: 'PURCHASE_INTENTS', subjectId: created._id, amountMinor: 16000, at: now, checkoutId: 'chk_stuck' });
      expect(await reconcilePayments(ctx.deps)).toBe(0);
      ctx.clock!.advance(3 * 60_000);
      try {
        expect(await reconcilePayments(ctx.deps)).toBe(1);
        expect(await reconcilePayments(ctx.deps)).toBe(0);
      } finally {
        ctx.clock!.advance(-3 * 60_000);
      }
      expect((await admin(created._id)).body).toMatchObject({ status: 'complete', transactionId: paymentId, outcome: { checkoutId: 'chk_stuck' }, __v: 1 });
    });
  });

  describe('POST /api/public/purchaseintents/checkout (several intents)', () => {
    const multi = (items: { purchaseIntentId: string; secret: string }[], cardNumber = OK_CARD) => pi(ctx, undefined, 'POST', '/api/public/purchaseintents/checkout', { items, cardNumber });

    it('one charge for the sum; all complete with the same checkout', async () => {
      const a = await intent(null);
      const b = await intent(null, { tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }] });
      const res = await multi([
        { purchaseIntentId: a._id, secret: a.secret },
        { purchaseIntentId: b._id, secret: b.secret },
      ]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'complete', amount: 250 });
      expect(res.body.purchaseIntents).toHaveLength(2);
      for (const v of res.body.purchaseIntents) {
        conforms(v);
        expect(v).toMatchObject({ status: 'complete', outcome: { checkoutId: res.body.checkoutId }, transactionId: res.body.payment._id });
      }
    });

    it('none is paid when one is not payable, has a wrong secret, or the card is declined', async () => {
      const a = await intent(null);
      const b = await intent({ needsApproval: true });
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: b._id, secret: b.secret }]), 400, new RegExp(`${b._id}.*awaits`));
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: b._id, secret: 'wrong-secret-abc' }]), 404);
      const c = await intent(null);
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: c._id, secret: c.secret }], DECLINED_CARD), 400, /declined/);
      for (const id of [a._id, b._id, c._id]) expect((await admin(id)).body).toMatchObject({ status: 'new', __v: 0 });
      expect(await paymentsOf(b._id)).toEqual([]);
      expect((await paymentsOf(a._id)).map((p) => p.status)).toEqual(['DECLINED']);
    });

    it('bad input: no items, an empty list, the same intent twice, intents of two sellers', async () => {
      const a = await intent(null);
      const other = await intent(null, {}, otherKey);
      isError(await pi(ctx, undefined, 'POST', '/api/public/purchaseintents/checkout', { cardNumber: OK_CARD }), 400);
      isError(await multi([]), 400);
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: a._id, secret: a.secret }]), 400, /appears twice/);
      isError(await multi([{ purchaseIntentId: a._id, secret: a.secret }, { purchaseIntentId: other._id, secret: other.secret }]), 400, /same seller/);
    });
  });

  describe('POST /api/public/purchaseintents/:id/cancel', () => {
    it('cancels: status canceled, reserved tickets INVALID, places released', async () => {
      const strategy = { createTickets: true, checkAvailability: true };
      const first = await intent(strategy, { tickets: [{ ticketTypeId: 'ga', amount: 5, price: 30 }] });
      const refused = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'gig', strategyId: first.strategyId, tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] });
      isError(refused, 400, /left/);
      const res = await cancel(first._id, { secret: first.secret });
      expect(res.status).toBe(200);
      conforms(res.body);
      expect(res.body).toMatchObject({ status: 'canceled', __v: 1 });
      expect(await ticketStatuses(first._id)).toEqual(Array(5).fill('INVALID'));
      const again = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'gig', strategyId: first.strategyId, tickets: [{ ticketTypeId: 'ga', amount: 5, price: 30 }] });
      expect(again.status).toBe(201);
      // Give the places back for the other tests.
      expect((await cancel(again.body._id, { secret: again.body.secret })).status).toBe(200);
      isError(await checkout(first._id, { secret: first.secret, cardNumber: OK_CARD }), 400, /canceled/);
    });

    it('refused when the strategy does not allow it, or when the intent is complete; 404 for a wrong secret', async () => {
      const locked = await intent({ cancellationStrategy: 'notAllowed' });
      isError(await cancel(locked._id, { secret: locked.secret }), 400, /does not allow cancellation/);
      expect((await admin(locked._id)).body.status).toBe('new');
      // The seller's cancel still works.
      expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${locked._id}/cancel`)).status).toBe(200);

      const paid = await intent(null);
      expect((await checkout(paid._id, { secret: paid.secret, cardNumber: OK_CARD })).status).toBe(200);
      isError(await cancel(paid._id, { secret: paid.secret }), 400, /complete/);

      const open = await intent(null);
      isError(await cancel(open._id, { secret: 'not-the-secret' }), 404);
      isError(await cancel(open._id, {}), 404);
      expect((await admin(open._id)).body.status).toBe('new');
    });
  });
});
