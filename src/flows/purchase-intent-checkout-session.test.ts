import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import { withTx } from '../db/tx.js';
import { sha256Hex } from '../lib/signing.js';
import { SANDBOX_CARDS } from '../modules/payments/index.js';
import { expireDueIntents } from '../modules/purchase-intents/index.js';
import { createPiEvents, createStrategy, pi, type Dyn } from '../modules/purchase-intents/intents.fixtures.js';
import { createTenantInTx } from '../modules/tenants/index.js';
import { cancelSession, createCheckoutSession, paySession, readCheckoutSession, type CheckoutSessionAnswer } from './purchase-intent-checkout-session.js';

const HOUR = 3_600_000;

describe('purchase-intent checkout sessions', () => {
  const ctx = useContext({ clock: 'manual' });
  let key: string;
  let tenantId: string;

  async function intent(strategy: Record<string, unknown> | null, cart: Record<string, unknown> = {}, apiKey = key): Promise<Dyn> {
    let strategyId: string | undefined;
    if (strategy !== null) {
      const { createTickets = false, checkAvailability = false, ...rest } = strategy;
      strategyId = await createStrategy(ctx, apiKey, { availabilityStrategy: { createTickets, checkAvailability, withoutSeats: false, createValidTickets: false }, ...rest });
    }
    const res = await pi(ctx, apiKey, 'POST', '/api/purchaseintents', { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }], ...(strategyId ? { strategyId } : {}), ...cart });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const admin = async (id: string): Promise<Dyn> => (await pi(ctx, key, 'GET', `/api/purchaseintents/${id}`)).body;
  const approval = async (id: string, approvalStatus: string) => expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${id}/approval`, { approvalStatus })).status).toBe(200);
  const session = (...intents: Dyn[]) => createCheckoutSession(ctx.deps, { items: intents.map((i) => ({ purchaseIntentId: i._id, secret: i.secret })) });
  const secretOf = (s: CheckoutSessionAnswer) => new URL(s.url).searchParams.get('secret')!;
  const read = (s: CheckoutSessionAnswer) => readCheckoutSession(ctx.deps, s._id, secretOf(s));
  const pay = (s: CheckoutSessionAnswer, card: string = SANDBOX_CARDS.succeeds) => paySession(ctx.deps, s._id, secretOf(s), card);

  async function paymentCount(intentId: string): Promise<number> {
    const rows = await ctx.deps.db.selectFrom('payment_lines').select('payment_id').where('purpose', '=', 'PURCHASE_INTENTS').where('subject_id', '=', intentId).execute();
    return rows.length;
  }

  /** Runs `fn` with the clock moved forward, then puts it back for the other tests. */
  async function later(ms: number, fn: () => Promise<void>): Promise<void> {
    ctx.clock!.advance(ms);
    try {
      await fn();
    } finally {
      ctx.clock!.advance(-ms);
    }
  }

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    ({ apiKey: key, tenantId } = await ctx.createTenant('seller'));
    await createPiEvents(ctx, key);
  });

  describe('creation', () => {
    it('one intent: an open session on the hosted page (the tenant’s language), its secret stored only as a hash; the intent unchanged', async () => {
      const a = await intent(null);
      const s = await session(a);
      expect(s).toEqual({ _id: expect.stringMatching(/^chk_[0-9a-z]{26}$/), url: expect.any(String), purchaseIntentIds: [a._id], amount: 160, currency: 'EUR', status: 'open', expiresAt: null });
      const url = new URL(s.url);
      expect(`${url.origin}${url.pathname}`).toBe(`http://encore.test/es/purchaseintents/checkout/${s._id}`);
      expect([...url.searchParams.keys()]).toEqual(['secret']);
      expect(secretOf(s).length).toBeGreaterThanOrEqual(32);
      const stored = await ctx.deps.db.selectFrom('purchase_intent_checkouts').selectAll().where('id', '=', s._id).executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ tenant_id: tenantId, intent_ids: [a._id], status: 'open', lang: 'es', currency: 'EUR', secret_hash: sha256Hex(secretOf(s)), expires_at: null });
      expect(JSON.stringify(stored)).not.toContain(secretOf(s));
      expect(await admin(a._id)).toMatchObject({ status: 'new', __v: 0 });
      expect(await paymentCount(a._id)).toBe(0);
    });

    it('several intents: one session for the sum, in the order given, expiring with the earliest intent', async () => {
      const a = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 5, expiresAt: null } });
      const b = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 2, expiresAt: null } }, { tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] });
      const s = await session(b, a);
      expect(s).toMatchObject({ purchaseIntentIds: [b._id, a._id], amount: 190, status: 'open', expiresAt: new Date(ctx.clock!.now().getTime() + 2 * HOUR).toISOString() });
      const view = (await read(s))!;
      expect(view.intents.map((i) => i._id)).toEqual([b._id, a._id]);
      expect(view.expiresAt).toBe(s.expiresAt);
    });

    it('the language: `lang` when given (any BCP 47 tag), else the tenant’s default', async () => {
      const a = await intent(null);
      const en = await createCheckoutSession(ctx.deps, { items: [{ purchaseIntentId: a._id, secret: a.secret }], lang: 'en-GB' });
      expect(en.url).toMatch(/^http:\/\/encore\.test\/en\/purchaseintents\/checkout\/chk_/);
      expect((await read(en))!.lang).toBe('en');
      const other = await withTx(ctx.deps.db, (tx) => createTenantInTx(tx, ctx.deps, { name: 'english', defaultLanguage: 'en' }));
      await createPiEvents(ctx, other.apiKey);
      const b = await intent(null, {}, other.apiKey);
      const s = await session(b);
      expect(s.url).toMatch(/\/en\/purchaseintents\/checkout\//);
      const fr = await createCheckoutSession(ctx.deps, { items: [{ purchaseIntentId: b._id, secret: b.secret }], lang: 'fr' });
      expect(fr.url).toMatch(/\/en\/purchaseintents\/checkout\//);
    });

    it('refused as the immediate checkout refuses: awaiting approval, rejected, expired, POS only, complete, a wrong secret', async () => {
      const sessions = async () => (await ctx.deps.db.selectFrom('purchase_intent_checkouts').select('id').execute()).length;
      const before = await sessions();
      const awaiting = await intent({ needsApproval: true });
      await expect(session(awaiting)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/awaits the seller/) });
      await approval(awaiting._id, 'rejected');
      await expect(session(awaiting)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/rejected/) });
      const pos = await intent({ restrictedCompletion: ['POS'] });
      await expect(session(pos)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/POS/) });
      const soon = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 1, expiresAt: null } });
      await later(2 * HOUR, async () => {
        await expect(session(soon)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/expired at/) });
      });
      // Nothing was written for the refused ones.
      expect(await sessions()).toBe(before);
      const paid = await intent(null);
      expect((await pay(await session(paid)))!.outcome).toBe('paid');
      await expect(session(paid)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/already complete/) });
      await expect(createCheckoutSession(ctx.deps, { items: [{ purchaseIntentId: paid._id, secret: 'not-the-secret' }] })).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_FOUND' });
    });
  });

  describe('reading', () => {
    it('what the page shows: the event, the items with names and prices, the total, what is due now, cancel allowed', async () => {
      const a = await intent(null, { tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }, { ticketTypeId: 'ga', amount: 1, price: 30, name: 'Early bird' }] });
      const s = await session(a);
      const view = (await read(s))!;
      expect(view).toMatchObject({ _id: s._id, sellerId: tenantId, status: 'open', lang: 'es', currency: 'EUR', purchaseIntentIds: [a._id], expiresAt: null, amountDue: 190, payable: true, refusal: null, cancellable: true });
      expect(view.intents).toHaveLength(1);
      expect(view.intents[0]).toMatchObject({
        _id: a._id,
        status: 'new',
        approvalStatus: 'approved',
        event: { title: 'Concert', startsAt: '2027-06-01T19:00:00.000Z', timeZone: 'Europe/Madrid' },
        items: [
          { kind: 'ticket', name: 'VIP', amount: 2, price: 80, total: 160, seat: null },
          { kind: 'ticket', name: 'Early bird', amount: 1, price: 30, total: 30 },
        ],
        total: 190,
        deposit: null,
        balanceDue: 190,
        dueNow: 190,
        refusal: null,
        cancellationAllowed: true,
      });
    });

    it('an unknown id and a wrong, missing or another session’s secret are the same: nothing', async () => {
      const a = await intent(null);
      const s = await session(a);
      const t = await session(a);
      expect(await readCheckoutSession(ctx.deps, s._id, 'wrong-secret-0123456789')).toBeNull();
      expect(await readCheckoutSession(ctx.deps, s._id, undefined)).toBeNull();
      expect(await readCheckoutSession(ctx.deps, s._id, '')).toBeNull();
      expect(await readCheckoutSession(ctx.deps, s._id, secretOf(t))).toBeNull();
      expect(await readCheckoutSession(ctx.deps, 'chk_unknown00000000000000000', secretOf(s))).toBeNull();
      // The intent's own secret is not the session's.
      expect(await readCheckoutSession(ctx.deps, s._id, a.secret)).toBeNull();
      expect(await paySession(ctx.deps, s._id, 'wrong-secret-0123456789', SANDBOX_CARDS.succeeds)).toBeNull();
      expect(await cancelSession(ctx.deps, s._id, 'wrong-secret-0123456789')).toBeNull();
      expect(await paymentCount(a._id)).toBe(0);
      expect(await admin(a._id)).toMatchObject({ status: 'new', __v: 0 });
      expect((await read(t))!.status).toBe('open');
    });
  });

  describe('paying', () => {
    it('in full: the intent completes with the session as its checkout; the session is complete and cannot be paid again', async () => {
      const a = await intent({ createTickets: true });
      const s = await session(a);
      const paid = (await pay(s))!;
      expect(paid).toMatchObject({ outcome: 'paid', kind: 'complete', amount: 160, payment: { status: 'SUCCEEDED', amount: 160, cardLast4: '4242' } });
      expect(paid.session).toMatchObject({ status: 'complete', amountDue: 0, payable: false, cancellable: false });
      expect(paid.session.intents[0]).toMatchObject({ status: 'complete', balanceDue: 0, dueNow: 0 });
      expect(await admin(a._id)).toMatchObject({ status: 'complete', outcome: { checkoutId: s._id }, __v: 1 });
      const stored = await ctx.deps.db.selectFrom('purchase_intent_checkouts').select('status').where('id', '=', s._id).executeTakeFirstOrThrow();
      expect(stored.status).toBe('complete');
      await expect(pay(s)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/is complete/) });
      await expect(cancelSession(ctx.deps, s._id, secretOf(s))).rejects.toMatchObject({ code: 'INVALID_STATE_TRANSITION', message: expect.stringMatching(/is complete/) });
    });

    it('a deposit, then the balance, in two payments', async () => {
      const a = await intent({ deposit: { method: 'fixed', value: 50 }, createTickets: true });
      const s = await session(a);
      expect(s.amount).toBe(50);
      const before = (await read(s))!;
      expect(before).toMatchObject({ amountDue: 50, payable: true });
      expect(before.intents[0]).toMatchObject({ total: 160, deposit: { amount: 50, paid: false }, balanceDue: 160, dueNow: 50 });

      const first = (await pay(s))!;
      expect(first).toMatchObject({ outcome: 'paid', kind: 'depositPaid', amount: 50 });
      expect(first.session).toMatchObject({ status: 'open', amountDue: 110, payable: true });
      expect(first.session.intents[0]).toMatchObject({ status: 'new', deposit: { amount: 50, paid: true }, balanceDue: 110, dueNow: 110 });
      expect(await admin(a._id)).toMatchObject({ status: 'new', deposit: { amount: 50 }, __v: 1 });

      const second = (await pay(s))!;
      expect(second).toMatchObject({ outcome: 'paid', kind: 'complete', amount: 110 });
      expect(second.session).toMatchObject({ status: 'complete', amountDue: 0 });
      expect(second.session.intents[0]).toMatchObject({ status: 'complete', deposit: { amount: 50, paid: true }, balanceDue: 0 });
      expect(await admin(a._id)).toMatchObject({ status: 'complete', outcome: { checkoutId: s._id }, __v: 2 });
      expect(await paymentCount(a._id)).toBe(2);
    });

    it('several intents, one with a deposit: the first payment completes the other and takes the deposit; the second pays the balance only', async () => {
      const a = await intent({ deposit: { method: 'percentage', value: 25 } });
      const b = await intent(null, { tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }] });
      const s = await session(a, b);
      expect(s.amount).toBe(40 + 90);
      const first = (await pay(s))!;
      expect(first).toMatchObject({ outcome: 'paid', kind: 'partial', amount: 130 });
      expect(first.session).toMatchObject({ status: 'open', amountDue: 120 });
      expect(first.session.intents.map((i) => i.status)).toEqual(['new', 'complete']);
      const second = (await pay(s))!;
      expect(second).toMatchObject({ outcome: 'paid', kind: 'complete', amount: 120 });
      expect(second.session.status).toBe('complete');
      expect(await paymentCount(b._id)).toBe(1);
    });

    it('a declined card is an answer; the intent is unchanged; a good card then pays', async () => {
      const a = await intent({ createTickets: true });
      const s = await session(a);
      const declined = (await pay(s, SANDBOX_CARDS.declined))!;
      expect(declined).toMatchObject({ outcome: 'declined', payment: { status: 'DECLINED', code: 'card_declined', message: 'The card was declined.', cardLast4: '0002', amount: 160 } });
      expect(declined.session).toMatchObject({ status: 'open', payable: true, amountDue: 160 });
      expect(await admin(a._id)).toMatchObject({ status: 'new', __v: 0 });
      const failed = (await pay(s, SANDBOX_CARDS.failsAfterDelay))!;
      expect(failed).toMatchObject({ outcome: 'declined', payment: { status: 'FAILED', code: 'processing_error' } });
      const paid = (await pay(s))!;
      expect(paid).toMatchObject({ outcome: 'paid', kind: 'complete' });
      expect(paid.session.status).toBe('complete');
    });

    it('an invalid card number is a validation error naming cardNumber, and charges nothing', async () => {
      const a = await intent(null);
      const s = await session(a);
      await expect(pay(s, '1234')).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'cardNumber' });
      expect(await paymentCount(a._id)).toBe(0);
    });

    it('awaiting approval: the page says it cannot be paid yet, and paying is refused until approved', async () => {
      const a = await intent({ needsApproval: true });
      await approval(a._id, 'approved');
      const s = await session(a);
      await approval(a._id, 'awaiting');
      const view = (await read(s))!;
      expect(view).toMatchObject({ status: 'open', payable: false, amountDue: 160, refusal: { purchaseIntentId: a._id, reason: 'awaitingApproval' }, cancellable: true });
      expect(view.intents[0]).toMatchObject({ approvalStatus: 'awaiting', refusal: { reason: 'awaitingApproval' } });
      await expect(pay(s)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/awaits the seller/) });
      expect(await paymentCount(a._id)).toBe(0);
      await approval(a._id, 'approved');
      expect((await pay(s))!.outcome).toBe('paid');
    });

    it('expired intents: the session is expired (before and after the expiry job) and can be neither paid nor canceled', async () => {
      const a = await intent({ expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: 1, expiresAt: null } });
      const b = await intent(null);
      const s = await session(a, b);
      await later(2 * HOUR, async () => {
        const view = (await read(s))!;
        expect(view).toMatchObject({ status: 'expired', payable: false, cancellable: false, amountDue: 0, refusal: null });
        expect(view.intents[0]!.refusal).toMatchObject({ reason: 'expired' });
        await expect(pay(s)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/is expired/) });
        await expect(cancelSession(ctx.deps, s._id, secretOf(s))).rejects.toMatchObject({ code: 'INVALID_STATE_TRANSITION', message: expect.stringMatching(/is expired/) });
        expect(await expireDueIntents(ctx.deps)).toContain(a._id);
      });
      // Swept (canceled by the expiry job), it stays expired, not canceled.
      const after = (await read(s))!;
      expect(after.status).toBe('expired');
      expect(after.intents.map((i) => i.status)).toEqual(['canceled', 'new']);
      expect(await paymentCount(b._id)).toBe(0);
    });
  });

  describe('canceling', () => {
    it('allowed: every intent canceled through the public cancel; the session is canceled; a second click answers the same', async () => {
      const a = await intent({ createTickets: true });
      const b = await intent(null);
      const s = await session(a, b);
      const view = (await cancelSession(ctx.deps, s._id, secretOf(s)))!;
      expect(view).toMatchObject({ status: 'canceled', payable: false, cancellable: false, amountDue: 0 });
      expect(view.intents.map((i) => i.status)).toEqual(['canceled', 'canceled']);
      const history = (await admin(a._id)).history as { type: string }[];
      expect(history.map((h) => h.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.canceled']);
      const tickets = await ctx.deps.db.selectFrom('tickets').select('status').where('order_id', '=', a._id).execute();
      expect(tickets.map((t) => t.status)).toEqual(['INVALID', 'INVALID']);
      expect((await cancelSession(ctx.deps, s._id, secretOf(s)))!.status).toBe('canceled');
      const stored = await ctx.deps.db.selectFrom('purchase_intent_checkouts').select('status').where('id', '=', s._id).executeTakeFirstOrThrow();
      expect(stored.status).toBe('canceled');
      await expect(pay(s)).rejects.toMatchObject({ code: 'PURCHASE_INTENT_NOT_PAYABLE', message: expect.stringMatching(/is canceled/) });
    });

    it('forbidden by one intent’s strategy: refused with a typed error, and no intent is canceled', async () => {
      const free = await intent(null);
      const locked = await intent({ cancellationStrategy: 'notAllowed' });
      const s = await session(free, locked);
      const view = (await read(s))!;
      expect(view.cancellable).toBe(false);
      expect(view.intents.map((i) => i.cancellationAllowed)).toEqual([true, false]);
      await expect(cancelSession(ctx.deps, s._id, secretOf(s))).rejects.toMatchObject({
        code: 'INVALID_STATE_TRANSITION',
        message: expect.stringMatching(/does not allow cancellation/),
        details: { cancellationStrategy: 'notAllowed' },
      });
      expect((await admin(free._id)).status).toBe('new');
      expect((await admin(locked._id)).status).toBe('new');
      expect((await read(s))!.status).toBe('open');
    });

    it('an intent canceled by the seller makes the session canceled', async () => {
      const a = await intent(null);
      const s = await session(a);
      expect((await pi(ctx, key, 'POST', `/api/purchaseintents/${a._id}/cancel`)).status).toBe(200);
      expect((await read(s))!).toMatchObject({ status: 'canceled', payable: false });
    });
  });
});
