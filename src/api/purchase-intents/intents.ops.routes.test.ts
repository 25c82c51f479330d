import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { createStrategy, pi, type Dyn } from '../../modules/purchase-intents/intents.fixtures.js';
import { announceIntent, expireDueIntents } from '../../modules/purchase-intents/intents.service.js';
import { intentHelpers, openIntentWorld, T0 } from './intents.changes.fixtures.js';

describe('purchase intents: operations (history, mail, create-tickets, webhooks)', () => {
  const ctx = useContext({ clock: 'manual' });
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let duoShows: string[];
  let checked: string;
  const { conforms, create, url, deliveries } = intentHelpers(ctx, () => key, () => tenantId);

  beforeAll(async () => {
    ({ key, tenantId, otherKey, duoShows, checked } = await openIntentWorld(ctx));
  });

  describe('webhooks on every change', () => {
    it('created, updated, approved, rejected, cancelled: in the change’s transaction, the intent as the API shows it', async () => {
      const needsApproval = await createStrategy(ctx, key, { name: 'approval', needsApproval: true });
      // One second between changes, so the deliveries sort by their time.
      const step = <T>(v: T): T => {
        ctx.clock!.advance(1000);
        return v;
      };
      const x = step(await create({ strategyId: needsApproval }));
      const patched = step((await pi(ctx, key, 'PATCH', `/api/purchaseintents/${x._id}`, { expiresAt: '2027-05-20T00:00:00.000Z' })).body);
      const approved = step((await pi(ctx, key, 'POST', url(x._id, 'approval'), { approvalStatus: 'approved' })).body);
      const rejected = step((await pi(ctx, key, 'POST', url(x._id, 'approval'), { approvalStatus: 'rejected', rejectionReason: 'no' })).body);
      const commented = step((await pi(ctx, key, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.commented', data: { comment: 'hi' } })).body);
      const cancelled = step((await pi(ctx, key, 'POST', url(x._id, 'cancel'))).body);
      ctx.clock!.set(T0);
      const got = await deliveries(x._id);
      expect(got.map((d) => d.type)).toEqual([
        'purchaseIntent.created',
        'purchaseIntent.updated',
        'purchaseIntent.approved',
        'purchaseIntent.rejected',
        'purchaseIntent.updated',
        'purchaseIntent.cancelled',
      ]);
      for (const [i, view] of [x, patched, approved, rejected, commented, cancelled].entries()) {
        expect(got[i]!.body.data.purchaseIntent).toEqual(view);
        expect(Object.keys(got[i]!.body)).toEqual(['id', 'sellerId', 'webhookId', 'type', 'mode', 'data']);
        expect(got[i]!.body).toMatchObject({ sellerId: tenantId, type: got[i]!.type, mode: 'prod' });
      }
      // A refused change sends nothing (it rolls back with the transaction).
      expect((await pi(ctx, key, 'POST', url(x._id, 'cancel'))).status).toBe(400);
      expect(await deliveries(x._id)).toHaveLength(6);
    });

    it('an approval status the intent already has: idempotent 200, no history entry, no webhook, __v unchanged (SPEC §7)', async () => {
      const needsApproval = await createStrategy(ctx, key, { name: 'approval-twice', needsApproval: true });
      const x = await create({ strategyId: needsApproval });
      const set = async (body: Record<string, unknown>): Promise<Dyn> => {
        const res = await pi(ctx, key, 'POST', url(x._id, 'approval'), body);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        conforms(res.body);
        return res.body;
      };
      // awaiting → awaiting: the intent as created.
      expect(await set({ approvalStatus: 'awaiting' })).toEqual(x);
      const approved = await set({ approvalStatus: 'approved' });
      expect(approved.__v).toBe(1);
      expect(await set({ approvalStatus: 'approved' })).toEqual(approved);
      const rejected = await set({ approvalStatus: 'rejected', rejectionReason: 'no' });
      expect(rejected).toMatchObject({ __v: 2, rejectionReason: 'no' });
      // The same reason, or none, changes nothing; the reason is kept.
      expect(await set({ approvalStatus: 'rejected', rejectionReason: 'no' })).toEqual(rejected);
      expect(await set({ approvalStatus: 'rejected' })).toEqual(rejected);
      expect((await deliveries(x._id)).map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.approved', 'purchaseIntent.rejected']);
      // A new reason is a change of the reason: recorded, announced, versioned.
      const reason = await set({ approvalStatus: 'rejected', rejectionReason: 'sold out' });
      expect(reason).toMatchObject({ __v: 3, approvalStatus: 'rejected', rejectionReason: 'sold out' });
      expect(reason.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { rejectionReason: { from: 'no', to: 'sold out' } } });
      expect((await deliveries(x._id)).map((d) => d.type).at(-1)).toBe('purchaseIntent.updated');
      // Frozen once canceled, even to the status it has.
      expect((await pi(ctx, key, 'POST', url(x._id, 'cancel'))).status).toBe(200);
      expect((await pi(ctx, key, 'POST', url(x._id, 'approval'), { approvalStatus: 'rejected' })).status).toBe(400);
    });

    it('expired (by the expiry job) and completed (announceIntent, for the checkout)', async () => {
      const expiring = await createStrategy(ctx, key, { name: 'expiring-wh', expirationStrategy: { hoursAfterCreation: 1, hoursBeforeEvent: null, expiresAt: null } });
      const x = await create({ strategyId: expiring });
      ctx.clock!.advance(61 * 60_000);
      expect(await expireDueIntents(ctx.deps)).toContain(x._id);
      const after = (await pi(ctx, key, 'GET', `/api/purchaseintents/${x._id}`)).body;
      const got = await deliveries(x._id);
      expect(got.map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.expired']);
      expect(got[1]!.body.data.purchaseIntent).toEqual(after);
      ctx.clock!.set(T0);

      const y = await create();
      ctx.clock!.advance(1000);
      await withTx(ctx.deps.db, (tx) => announceIntent(tx, ctx.deps, tenantId, 'purchaseIntent.completed', { ...y, status: 'complete' }));
      expect((await deliveries(y._id)).map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.completed']);
      ctx.clock!.set(T0);
    });
  });

  describe('POST /api/purchaseintents/:id/history', () => {
    it('adds a comment: 201, stored, __v + 1, updatedAt', async () => {
      const x = await create();
      ctx.clock!.advance(60_000);
      const res = await pi(ctx, key, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.commented', data: { comment: 'Called the customer' } });
      expect(res.status).toBe(201);
      conforms(res.body);
      expect(res.body).toMatchObject({ __v: 1, updatedAt: '2027-05-01T10:01:00.000Z', createdAt: '2027-05-01T10:00:00.000Z' });
      expect(res.body.history.at(-1)).toEqual({ type: 'purchaseIntent.commented', date: '2027-05-01T10:01:00.000Z', userId: expect.any(String), data: { comment: 'Called the customer' } });
      const row = await ctx.deps.db.selectFrom('purchase_intents').select(['version', 'history']).where('id', '=', x._id).executeTakeFirstOrThrow();
      expect(row.version).toBe(1);
      expect((row.history as unknown[]).length).toBe(2);
      ctx.clock!.set(T0);
    });

    it('refuses bad input naming the field, no key, another tenant', async () => {
      const x = await create();
      const noComment = await pi(ctx, key, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.commented', data: {} });
      expect(noComment.status).toBe(400);
      expect(noComment.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(noComment.body.message).toMatch(/comment/);
      const badType = await pi(ctx, key, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.other', data: { comment: 'x' } });
      expect(badType.status).toBe(400);
      expect(badType.body.message).toMatch(/type/);
      const blank = await pi(ctx, key, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.commented', data: { comment: '  ' } });
      expect(blank.status).toBe(400);
      expect(blank.body.message).toMatch(/data\.comment/);
      const anon = await pi(ctx, undefined, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.commented', data: { comment: 'x' } });
      expect(anon.status).toBe(401);
      expect(anon.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      const other = await pi(ctx, otherKey, 'POST', url(x._id, 'history'), { type: 'purchaseIntent.commented', data: { comment: 'x' } });
      expect(other.status).toBe(404);
      expect(other.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect((await pi(ctx, key, 'GET', `/api/purchaseintents/${x._id}`)).body.__v).toBe(0);
    });
  });

  describe('POST /api/purchaseintents/:id/reservation-mail', () => {
    it('queues a PENDING outbox row and records it in the history', async () => {
      const x = await create();
      const res = await pi(ctx, key, 'POST', url(x._id, 'reservation-mail'), { email: 'ana@example.com' });
      expect(res.status).toBe(201);
      conforms(res.body);
      expect(res.body.__v).toBe(1);
      const entry = res.body.history.at(-1);
      expect(entry).toMatchObject({ type: 'purchaseIntent.resent.mail', data: { email: 'ana@example.com', template: 'purchaseIntent.reservation' } });
      const mails = await ctx.deps.db.selectFrom('purchase_intent_mails').selectAll().where('intent_id', '=', x._id).execute();
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ tenant_id: tenantId, id: entry.data.mailId, recipient: 'ana@example.com', template: 'purchaseIntent.reservation', status: 'PENDING', sent_at: null });
      expect(mails[0]!.payload).toMatchObject({ purchaseIntentId: x._id, secret: x.secret });
    });

    it('needs a recipient, a valid email and an open intent; 401 / 404', async () => {
      const x = await create();
      const none = await pi(ctx, key, 'POST', url(x._id, 'reservation-mail'), {});
      expect(none.status).toBe(400);
      expect(none.body.message).toMatch(/email/);
      const bad = await pi(ctx, key, 'POST', url(x._id, 'reservation-mail'), { email: 'not-an-email' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/email/);
      expect((await pi(ctx, undefined, 'POST', url(x._id, 'reservation-mail'), { email: 'a@b.co' })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'POST', url(x._id, 'reservation-mail'), { email: 'a@b.co' })).status).toBe(404);
      await pi(ctx, key, 'POST', url(x._id, 'cancel'));
      const dead = await pi(ctx, key, 'POST', url(x._id, 'reservation-mail'), { email: 'a@b.co' });
      expect(dead.status).toBe(400);
      expect(dead.body.message).toMatch(/is canceled/);
      expect(await ctx.deps.db.selectFrom('purchase_intent_mails').select('id').where('intent_id', '=', x._id).execute()).toEqual([]);
    });
  });

  describe('POST /api/purchaseintents/:id/create-tickets', () => {
    it('issues the tickets once, RESERVED and readable in /v1; then counted as tickets, not twice', async () => {
      const x = await create({ eventId: duoShows[1], strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 2, price: 30 }] });
      const res = await pi(ctx, key, 'POST', url(x._id, 'create-tickets'));
      expect(res.status).toBe(200);
      conforms(res.body);
      expect(res.body.__v).toBe(1);
      expect(res.body.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { ticketsCreated: 2 } });
      const t = await ctx.app.inject({ method: 'GET', url: `/v1/tickets/${x._id}-2`, headers: { authorization: key } });
      expect(t.statusCode).toBe(200);
      expect(t.json().data).toMatchObject({ status: 'RESERVED', ticketOptionId: 'ga', orderId: x._id });
      const row = await ctx.deps.db.selectFrom('purchase_intents').select('tickets_issued').where('id', '=', x._id).executeTakeFirstOrThrow();
      expect(row.tickets_issued).toBe(true);
      // capacity 5: 2 tickets → 3 left (the intent's line is not counted again).
      const more = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: duoShows[1], strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 4, price: 30 }] });
      expect(more.body.message).toMatch(/only 3 of ticket type ga left/);

      const again = await pi(ctx, key, 'POST', url(x._id, 'create-tickets'));
      expect(again.status).toBe(400);
      expect(again.body.message).toMatch(/already has its tickets/);
      expect(await ctx.deps.db.selectFrom('tickets').select('ticket_id').where('order_id', '=', x._id).execute()).toHaveLength(2);
    });

    it('404 for an unknown or another tenant’s intent, 401 without a key, 400 on a canceled one', async () => {
      const x = await create();
      expect((await pi(ctx, key, 'POST', url('pi_nope', 'create-tickets'))).status).toBe(404);
      expect((await pi(ctx, otherKey, 'POST', url(x._id, 'create-tickets'))).status).toBe(404);
      expect((await pi(ctx, undefined, 'POST', url(x._id, 'create-tickets'))).status).toBe(401);
      await pi(ctx, key, 'POST', url(x._id, 'cancel'));
      const dead = await pi(ctx, key, 'POST', url(x._id, 'create-tickets'));
      expect(dead.status).toBe(400);
      expect(dead.body.message).toMatch(/cannot create tickets: purchase intent .* is canceled/);
    });
  });
});
