import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { createPiEvents, createStrategy, pi, referenceValidator, type Dyn } from '../../modules/purchase-intents/intents.fixtures.js';
import { announceIntent, expireDueIntents } from '../../modules/purchase-intents/intents.service.js';

const REQUIRED = ['_id', 'status', 'approvalStatus', 'sellerId', 'eventId', 'regularPrice', 'realPrice', 'currency', 'innerCharge', 'outerCharge', 'tickets', 'secret', 'createdAt', 'updatedAt'];
const T0 = '2027-05-01T10:00:00Z';

describe('purchase intents: operations (history, mail, create-tickets, split, items, seats, webhooks)', () => {
  const ctx = useContext({ clock: 'manual' });
  const validate = referenceValidator('PurchaseIntentResource');
  let key: string;
  let tenantId: string;
  let otherKey: string;
  let gigShow: string;
  let duoShows: string[];
  let checked: string;
  let withTickets: string;

  function conforms(body: Dyn): void {
    const ok = validate(body);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    for (const field of REQUIRED) expect(body, field).toHaveProperty(field);
  }

  const create = async (body: Record<string, unknown> = {}): Promise<Dyn> => {
    const res = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'gig', tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }], ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const url = (id: string, op: string): string => `/api/purchaseintents/${id}/${op}`;
  const pick = (items: Dyn, ...keys: string[]): unknown[][] => (items as Record<string, unknown>[]).map((t) => keys.map((k) => t[k]));

  async function deliveries(intentId: string): Promise<{ type: string; body: Dyn }[]> {
    const rows = await ctx.deps.db.selectFrom('webhook_deliveries').select(['event_type', 'body', 'created_at', 'id']).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows
      .map((r) => ({ type: r.event_type, body: JSON.parse(r.body) as unknown as Dyn }))
      .filter((d) => d.body.data.purchaseIntent._id === intentId);
  }

  beforeAll(async () => {
    ctx.clock!.set(T0);
    ({ apiKey: key, tenantId } = await ctx.createTenant('seller'));
    ({ apiKey: otherKey } = await ctx.createTenant('other'));
    ({ gigShow, duoShows } = await createPiEvents(ctx, key));
    await createPiEvents(ctx, otherKey);
    const hook = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: key }, payload: { url: 'http://127.0.0.1:9/never', eventTypes: ['purchaseIntent.*'] } });
    expect(hook.statusCode, hook.body).toBe(200);
    checked = await createStrategy(ctx, key, { name: 'checked' });
    withTickets = await createStrategy(ctx, key, {
      name: 'with-tickets',
      availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: false },
    });
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

  describe('POST /api/purchaseintents/:id/split', () => {
    it('moves items to a new intent for another customer; both re-priced, history on both', async () => {
      const x = await create({
        customerId: 'cus-a',
        tickets: [
          { ticketTypeId: 'ga', amount: 3, price: 25 },
          { ticketTypeId: 'vip', amount: 1, price: 80 },
        ],
      });
      const gaItem = x.tickets[0]._id as string;
      ctx.clock!.advance(60_000);
      const res = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'cus-b', tickets: [{ _id: gaItem, ticketTypeId: 'ga', amount: 2 }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      conforms(res.body);
      const n = res.body;
      expect(n._id).not.toBe(x._id);
      expect(n).toMatchObject({ status: 'new', customerId: 'cus-b', eventId: 'gig', realPrice: 50, regularPrice: 60, __v: 0 });
      expect(n.tickets).toEqual([expect.objectContaining({ ticketTypeId: 'ga', amount: 2, price: 25 })]);
      expect(n.history).toEqual([expect.objectContaining({ type: 'purchaseIntent.created', data: expect.objectContaining({ splitFrom: x._id }) })]);
      const src = (await pi(ctx, key, 'GET', `/api/purchaseintents/${x._id}`)).body;
      expect(src).toMatchObject({ customerId: 'cus-a', realPrice: 105, regularPrice: 120, __v: 1, updatedAt: '2027-05-01T10:01:00.000Z' });
      expect(pick(src.tickets, '_id', 'ticketTypeId', 'amount')).toEqual([[gaItem, 'ga', 1], [x.tickets[1]._id, 'vip', 1]]);
      expect(src.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { splitInto: n._id, customerId: 'cus-b' } });
      const lines = await ctx.deps.db.selectFrom('purchase_intent_lines').select(['intent_id', 'ticket_option_id', 'amount']).where('intent_id', 'in', [x._id, n._id]).orderBy('intent_id').orderBy('ticket_option_id').execute();
      expect(lines).toEqual(
        [
          { intent_id: x._id as string, ticket_option_id: 'ga', amount: 1 },
          { intent_id: x._id as string, ticket_option_id: 'vip', amount: 1 },
          { intent_id: n._id as string, ticket_option_id: 'ga', amount: 2 },
        ].sort((a, b) => a.intent_id.localeCompare(b.intent_id)),
      );
      expect((await deliveries(n._id)).map((d) => d.type)).toEqual(['purchaseIntent.created']);
      expect((await deliveries(x._id)).map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.updated']);
      ctx.clock!.set(T0);
    });

    it('refuses bad input, moving everything, issued tickets, closed intents; 401 / 404', async () => {
      const x = await create({ tickets: [{ ticketTypeId: 'ga', amount: 2, price: 25 }] });
      const noCustomer = await pi(ctx, key, 'POST', url(x._id, 'split'), { tickets: [{ ticketTypeId: 'ga', amount: 1 }] });
      expect(noCustomer.status).toBe(400);
      expect(noCustomer.body.message).toMatch(/customerId/);
      const tooMany = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 3 }] });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/tickets\[0\]\.amount: only 2 left/);
      const unknown = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'vip', amount: 1 }] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/tickets\[0\]/);
      const all = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 2 }] });
      expect(all.status).toBe(400);
      expect(all.body.message).toMatch(/at least one ticket/);
      expect((await pi(ctx, undefined, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 1 }] })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 1 }] })).status).toBe(404);

      const issued = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }] });
      const refused = await pi(ctx, key, 'POST', url(issued._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'vip', amount: 1 }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/has issued tickets/);

      await ctx.deps.db.updateTable('purchase_intents').set({ status: 'complete' }).where('id', '=', x._id).execute();
      const done = await pi(ctx, key, 'POST', url(x._id, 'split'), { customerId: 'c', tickets: [{ ticketTypeId: 'ga', amount: 1 }] });
      expect(done.status).toBe(400);
      expect(done.body.message).toMatch(/cannot split: purchase intent .* is complete/);
      expect((await pi(ctx, key, 'GET', `/api/purchaseintents/${x._id}`)).body.__v).toBe(0);
    });
  });

  describe('PUT /api/purchaseintents/:id/items', () => {
    it('replaces the cart, re-prices it and re-checks availability under the locks', async () => {
      // A show of its own: ga 30 EUR capacity 5, vip 90 EUR unlimited.
      const ev = await ctx.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: key },
        payload: {
          title: 'Solo',
          description: 'Live',
          externalReferenceId: 'solo',
          location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
          configuration: { policy: 'NONE', currency: 'EUR' },
          shows: [{ showId: 'solo-1', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30, capacity: 5 }, { ticketId: 'vip', title: 'VIP', price: 90 }] }],
        },
      });
      expect(ev.statusCode, ev.body).toBe(200);
      const a = await create({ eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 3, price: 30 }] });
      await create({ eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 2, price: 30 }] });
      // 5 − 2 held by the other intent = 3 for a (its own 3 are not counted against itself).
      const tooMany = await pi(ctx, key, 'PUT', url(a._id, 'items'), { tickets: [{ ticketTypeId: 'ga', amount: 4 }] });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toMatch(/tickets\[0\]\.amount: only 3 of ticket type ga left; the cart asks for 4/);
      ctx.clock!.advance(60_000);
      const res = await pi(ctx, key, 'PUT', url(a._id, 'items'), {
        tickets: [
          { _id: a.tickets[0]._id, ticketTypeId: 'ga', amount: 3 },
          { ticketTypeId: 'vip', amount: 1 },
        ],
        products: [{ type: 'product', amount: 2, productVariantId: 'pv-1', price: 5 }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      conforms(res.body);
      expect(res.body).toMatchObject({ realPrice: 190, regularPrice: 190, __v: 1, updatedAt: '2027-05-01T10:01:00.000Z' });
      expect(pick(res.body.tickets, 'ticketTypeId', 'amount', 'price')).toEqual([['ga', 3, 30], ['vip', 1, 90]]);
      expect(res.body.tickets[0]._id).toBe(a.tickets[0]._id);
      expect(res.body.products).toEqual([expect.objectContaining({ productVariantId: 'pv-1', amount: 2, price: 5 })]);
      expect(res.body.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { items: 'replaced', realPrice: { from: 90, to: 190 } } });
      const lines = await ctx.deps.db.selectFrom('purchase_intent_lines').select(['ticket_option_id', 'amount']).where('intent_id', '=', a._id).orderBy('ticket_option_id').execute();
      expect(lines).toEqual([{ ticket_option_id: 'ga', amount: 3 }, { ticket_option_id: 'vip', amount: 1 }]);
      // Capacity is now full: nobody else gets a ga place.
      const late = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] });
      expect(late.status).toBe(400);
      // Shrinking gives a place back.
      expect((await pi(ctx, key, 'PUT', url(a._id, 'items'), { tickets: [{ ticketTypeId: 'ga', amount: 2 }] })).status).toBe(200);
      expect((await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: 'solo', strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 1, price: 30 }] })).status).toBe(201);
      ctx.clock!.set(T0);
    });

    it('refuses bad input naming the field, closed intents with the reason, issued tickets; 401 / 404', async () => {
      const x = await create({ eventId: duoShows[0] });
      const zero = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 0 }] });
      expect(zero.status).toBe(400);
      expect(zero.body.message).toMatch(/amount/);
      const unknown = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'nope', amount: 1 }] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/tickets\[0\]\.ticketTypeId/);
      const empty = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [] });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toMatch(/tickets/);
      expect((await pi(ctx, undefined, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1 }] })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1 }] })).status).toBe(404);
      await pi(ctx, key, 'POST', url(x._id, 'cancel'));
      const dead = await pi(ctx, key, 'PUT', url(x._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1 }] });
      expect(dead.status).toBe(400);
      expect(dead.body.message).toMatch(/cannot replace the items: purchase intent .* is canceled/);
      const issued = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 80 }] });
      const refused = await pi(ctx, key, 'PUT', url(issued._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 2 }] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/has issued tickets/);
    });
  });

  describe('PATCH /api/purchaseintents/:id/items ($invalidateTicketRanges)', () => {
    it('invalidates ranges of issued tickets, shrinks the cart and frees the places', async () => {
      const x = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'ga', amount: 4, price: 28 }] });
      const res = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 1], [3, 3]] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      conforms(res.body);
      expect(res.body).toMatchObject({ realPrice: 28, regularPrice: 30, __v: 1 });
      expect(pick(res.body.tickets, 'amount')).toEqual([[1]]);
      expect(res.body.history.at(-1)).toMatchObject({ type: 'purchaseIntent.updated', data: { invalidatedTickets: [`${x._id}-1`, `${x._id}-2`, `${x._id}-4`] } });
      const rows = await ctx.deps.db.selectFrom('tickets').select(['ticket_id', 'status']).where('order_id', '=', x._id).orderBy('ticket_id').execute();
      expect(rows.map((r) => r.status)).toEqual(['INVALID', 'INVALID', 'RESERVED', 'INVALID']);
      expect((await deliveries(x._id)).map((d) => d.type)).toEqual(['purchaseIntent.created', 'purchaseIntent.updated']);
      expect((await deliveries(x._id))[1]!.body.data.purchaseIntent).toEqual(res.body);
      // capacity 5 − 1 live ticket = 4.
      const more = await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: duoShows[0], strategyId: checked, tickets: [{ ticketTypeId: 'ga', amount: 5, price: 30 }] });
      expect(more.body.message).toMatch(/only 4 of ticket type ga left/);

      const again = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[1, 2]] });
      expect(again.status).toBe(400);
      expect(again.body.message).toMatch(/\$invalidateTicketRanges\[0\]: ticket .*-2 \(index 1\) is INVALID/);
      const out = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[2, 9]] });
      expect(out.status).toBe(400);
      expect(out.body.message).toMatch(/\$invalidateTicketRanges\[0\]: .* has 4 issued tickets/);
      const everything = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[2, 2]] });
      expect(everything.status).toBe(400);
      expect(everything.body.message).toMatch(/no ticket in the cart; cancel/);
      expect(await ctx.deps.db.selectFrom('tickets').select('status').where('ticket_id', '=', `${x._id}-3`).executeTakeFirstOrThrow()).toEqual({ status: 'RESERVED' });
    });

    it('refuses bad shapes, intents without tickets, closed intents; 401 / 404', async () => {
      const x = await create({ eventId: duoShows[0], strategyId: withTickets, tickets: [{ ticketTypeId: 'vip', amount: 2, price: 80 }] });
      const shape = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[1]] });
      expect(shape.status).toBe(400);
      expect(shape.body.message).toMatch(/invalidateTicketRanges/);
      const negative = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[-1, 0]] });
      expect(negative.status).toBe(400);
      const reversed = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[1, 0]] });
      expect(reversed.status).toBe(400);
      expect(reversed.body.message).toMatch(/\$invalidateTicketRanges\[0\]: from 1 is after to 0/);
      const none = await pi(ctx, key, 'PATCH', url(x._id, 'items'), {});
      expect(none.status).toBe(400);
      expect(none.body.message).toMatch(/\$invalidateTicketRanges/);
      expect((await pi(ctx, undefined, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 0]] })).status).toBe(401);
      expect((await pi(ctx, otherKey, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 0]] })).status).toBe(404);
      const plain = await create();
      const noTickets = await pi(ctx, key, 'PATCH', url(plain._id, 'items'), { $invalidateTicketRanges: [[0, 0]] });
      expect(noTickets.status).toBe(400);
      expect(noTickets.body.message).toMatch(/no issued tickets/);
      await pi(ctx, key, 'POST', url(x._id, 'cancel'));
      const dead = await pi(ctx, key, 'PATCH', url(x._id, 'items'), { $invalidateTicketRanges: [[0, 0]] });
      expect(dead.status).toBe(400);
      expect(dead.body.message).toMatch(/is canceled/);
    });
  });

  describe('seats (seatingInfo _type 6)', () => {
    const seat = (id: string) => ({ _type: 6, _id: id, statusId: 'st', sectionName: 'A', rowName: '1', seatName: id });
    const seated = (eventId: string, seatId: string, extra: Record<string, unknown> = {}) =>
      pi(ctx, key, 'POST', '/api/purchaseintents', { eventId, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat(seatId) }], ...extra });

    it('holds a seat once per show; released on cancel', async () => {
      const a = await seated(duoShows[0]!, 'S1');
      expect(a.status).toBe(201);
      const b = await seated(duoShows[0]!, 'S1');
      expect(b.status).toBe(400);
      expect(b.body.message).toMatch(/tickets\[0\]\.seatingInfo: seat S1 is already held by another purchase intent/);
      expect((await seated(duoShows[1]!, 'S1')).status).toBe(201);
      const twice = await pi(ctx, key, 'POST', '/api/purchaseintents', {
        eventId: duoShows[0],
        tickets: [
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('S2') },
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('S2') },
        ],
      });
      expect(twice.status).toBe(400);
      expect(twice.body.message).toMatch(/tickets\[1\]\.seatingInfo: seat S2 appears twice/);
      // General admission (_type 7) is never held.
      const ga = { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: { _type: 7, _id: 'S1', statusId: 'st' } };
      expect((await pi(ctx, key, 'POST', '/api/purchaseintents', { eventId: duoShows[0], tickets: [ga] })).status).toBe(201);

      await pi(ctx, key, 'POST', url(a.body._id, 'cancel'));
      expect(await ctx.deps.db.selectFrom('purchase_intent_seats').select('seat_id').where('intent_id', '=', a.body._id).execute()).toEqual([]);
      expect((await seated(duoShows[0]!, 'S1')).status).toBe(201);
    });

    it('parallel intents for one seat: exactly one holds it', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => seated(duoShows[1]!, 'R1')));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(400);
        expect(r.body.message).toMatch(/seat R1 is already held/);
      }
      expect(await ctx.deps.db.selectFrom('purchase_intent_seats').select('seat_id').where('seat_id', '=', 'R1').execute()).toHaveLength(1);
    });

    it('is released on expiry (at once, and by the job), by PUT items, and follows a split', async () => {
      const expiring = await createStrategy(ctx, key, { name: 'expiring-seat', expirationStrategy: { hoursAfterCreation: 1, hoursBeforeEvent: null, expiresAt: null } });
      const a = await seated(gigShow, 'E1', { strategyId: expiring });
      expect(a.status).toBe(201);
      expect((await seated(gigShow, 'E1')).status).toBe(400);
      ctx.clock!.advance(61 * 60_000);
      // Past expiresAt the seat is free even before the job runs.
      const b = await seated(gigShow, 'E1', { strategyId: expiring });
      expect(b.status).toBe(201);
      ctx.clock!.advance(61 * 60_000);
      expect(await expireDueIntents(ctx.deps)).toContain(b.body._id);
      expect(await ctx.deps.db.selectFrom('purchase_intent_seats').select('seat_id').where('seat_id', '=', 'E1').execute()).toEqual([]);
      ctx.clock!.set(T0);

      const c = await seated(gigShow, 'P1');
      expect((await pi(ctx, key, 'PUT', url(c.body._id, 'items'), { tickets: [{ ticketTypeId: 'vip', amount: 1, seatingInfo: seat('P2') }] })).status).toBe(200);
      expect((await seated(gigShow, 'P1')).status).toBe(201);
      expect((await seated(gigShow, 'P2')).status).toBe(400);

      const d = await pi(ctx, key, 'POST', '/api/purchaseintents', {
        eventId: gigShow,
        tickets: [
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('Q1') },
          { ticketTypeId: 'vip', amount: 1, price: 90, seatingInfo: seat('Q2') },
        ],
      });
      expect(d.status).toBe(201);
      const split = await pi(ctx, key, 'POST', url(d.body._id, 'split'), { customerId: 'c2', tickets: [{ ticketTypeId: 'vip', amount: 1, seatingInfo: seat('Q2') }] });
      expect(split.status, JSON.stringify(split.body)).toBe(200);
      const held = await ctx.deps.db.selectFrom('purchase_intent_seats').select(['seat_id', 'intent_id']).where('seat_id', 'in', ['Q1', 'Q2']).orderBy('seat_id').execute();
      expect(held).toEqual([{ seat_id: 'Q1', intent_id: d.body._id }, { seat_id: 'Q2', intent_id: split.body._id }]);
    });
  });
});
