import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { purchaseIntentClient, type Client, type Dyn } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { createPiEvents } from '../../modules/purchase-intents/intents.fixtures.js';
import { IntentResource, intentResourceSchema, referenceSchema } from '../../modules/purchase-intents/index.js';

/**
 * Every read of a stored purchase intent survives any value the API accepted (issue 9, items 11 and
 * "Limits at the edge"): an intent carrying every optional field of the reference's create body,
 * under a strategy carrying every optional field of its own, reads back through every read route
 * with the values it was given. Responses are checked against the schemas Encore documents (the
 * reference's, `additionalItems` widened: intents.schemas.ts), which the serializer also uses.
 */

const ajv = new Ajv({ strict: false, allErrors: true });
((formatsPlugin as unknown as { default?: (a: Ajv) => Ajv }).default ?? (formatsPlugin as unknown as (a: Ajv) => Ajv))(ajv);
const validIntent = ajv.compile(IntentResource);
const validPublicIntent = ajv.compile(intentResourceSchema('PublicPurchaseIntentResource'));

function valid(validate: ValidateFunction, body: unknown): void {
  validate(body);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
}

const T0 = '2027-05-01T10:00:00.000Z';

/** Every optional member of `POST /api/purchaseintents/strategies`, with plausible values. */
const FULL_STRATEGY = {
  name: 'Group bookings — every field',
  availabilityStrategy: { createTickets: true, checkAvailability: true, withoutSeats: false, createValidTickets: false },
  expirationStrategy: { hoursBeforeEvent: 24, hoursAfterCreation: 72.5, expiresAt: '2027-05-30T18:00:00.000Z' },
  needsApproval: true,
  deposit: { method: 'percentage', value: 20 },
  restrictedCompletion: ['POS', 'Online'],
  cancellationStrategy: 'notAllowed',
};

const VIP_LINE = {
  type: 'ticket',
  _id: 'line-vip-1',
  name: 'VIP',
  amount: 1,
  netPrice: 74.38,
  price: 90,
  taxRate: 0.21,
  triggeredBy: null,
  bundleInfo: { bundleId: 'bnd-1', componentId: 'cmp-1', optionId: 'opt-1' },
  ticketTypeId: 'vip',
  categoryRef: 'cat-vip',
  seatingInfo: {
    _id: 'seat-A-1-1',
    _type: 6,
    categoryId: 'cat-vip',
    statusId: 'st-1',
    name: null,
    seatType: 'handicapped',
    sectionName: 'A',
    groupName: 'Left',
    rowName: '1',
    seatName: '1',
    gate: 'Gate 3',
  },
  slotInfo: { slotId: 'slot-1', slotStartTime: '2027-06-01T19:00:00.000Z' },
  asHardTicket: false,
  listingId: 'lst-1',
  listingItemId: 'lsi-1',
  triggeredAutomations: false,
  meta: { guest: 'Ana', table: 4 },
  addOns: [{ productId: 'prd-parking', productVariantId: 'var-1', name: 'Parking' }],
  capabilities: [
    {
      type: 'repersonalization',
      settings: { inherit: false, repersonalizationDeadline: { target: null, unit: 'hours', offset: -24 }, repersonalizationsLimit: 2, repersonalizationFee: 5, limitOnlyNameChanges: true },
    },
  ],
};

/** The other capability: its `settings` differ from the first alternative's (see the `it.fails` below). */
const RETURN_CAPABILITY = {
  type: 'self_service_return',
  settings: { returnRelatedItems: true, phases: [{ condition: { target: 'eventStart', unit: 'days', offset: -7 }, refundPercentage: 0.5 }] },
};

/** Every optional member of `POST /api/purchaseintents` (and of its cart items), with plausible values. */
function fullIntent(strategyId: string): Record<string, Dyn> {
  return {
    eventId: 'gig',
    customerId: 'cus-42',
    shopId: 'shop-web',
    strategyId,
    salesChannelId: 'sc-box-office',
    seatingReservationToken: 'srt-9f2c',
    extraFields: { company: 'Acme', vatNumber: 'ESB12345678', newsletter: true, tags: ['school', 'group'], nested: { level: 2 } },
    meta: { source: 'crm', campaign: { id: 'cmp-1', wave: 2 } },
    coupons: ['SPRING10'],
    sendMail: false,
    identification: [{ type: 'spain_tax_id', identifier: '12345678Z' }, { type: 'origin_country_id' }],
    tickets: [VIP_LINE, { ticketTypeId: 'ga', amount: 2, price: 30, triggeredBy: ['line-vip-1'], seatingInfo: { _type: 7, statusId: 'st-2', name: 'Floor' } }],
    products: [
      {
        type: 'product',
        _id: 'prd-line-1',
        name: 'T-shirt',
        amount: 1,
        netPrice: 16.53,
        price: 20,
        taxRate: 0.21,
        triggeredBy: 'line-vip-1',
        bundleInfo: null,
        productVariantId: 'var-tshirt-m',
        isFulfillable: true,
        taxInfo: {
          serviceTypeId: 'svc-1',
          exceptionId: 'exc-1',
          proceedsAccountId: 'acc-1',
          proceedsAccountCode: '7000',
          taxItems: [{ name: 'VAT', taxTypeId: 'vat', rate: 0.21, perUnit: 3.47, total: 3.47, netTotal: 16.53, netPerUnit: 16.53, taxPayableAccountId: 'acc-vat', taxPayableAccountCode: '4770' }],
        },
      },
    ],
    additionalItems: [
      { type: 'additionalFee', _id: 'fee-1', name: 'Service fee', amount: 1, netPrice: 2.07, price: 2.5, taxRate: 0.21, triggeredBy: ['line-vip-1'], bundleInfo: null, data: { reason: 'booking' } },
      { type: 'bundle', _id: 'bundle-1', amount: 1, price: 0, data: { bundleId: 'bnd-1' }, bundleInfo: { bundleId: 'bnd-1', componentId: 'cmp-1', optionId: 'opt-1' } },
      { type: 'fulfillmentType', amount: 1, price: 4, data: { fulfillmentTypeId: 'ful-post', cartItemIds: ['line-vip-1'] } },
      { type: 'insurance', amount: 3, price: 6.5, name: 'Ticket insurance' },
    ],
  };
}

/**
 * Create-body members an intent does not answer as sent, each with the reason. Every other optional
 * member must read back as sent; a member the reference adds later fails the completeness check
 * until it is handled or listed here.
 */
const NOT_ECHOED: Record<string, string> = {
  coupons: 'Encore has no coupon engine: `appliedCoupons` stays [] and the prices are the cart’s',
  sendMail: 'a switch for the creation, not a member of the intent',
};

describe('purchase intents: every accepted value reads back everywhere', () => {
  const ctx = useContext({ clock: 'manual' });
  let api: Client<Dyn>;
  let anonymous: Client<Dyn>;

  beforeAll(async () => {
    ctx.clock!.set(T0);
    const { apiKey } = await ctx.createTenant('seller');
    await createPiEvents(ctx, apiKey);
    api = purchaseIntentClient(ctx, apiKey);
    anonymous = purchaseIntentClient(ctx);
  });

  /** The intent through get, list, search and the public get: all 200, each equal to `created`. */
  async function readEverywhere(created: Dyn): Promise<void> {
    const { _id: id, secret } = created;
    const get = await api.get(`/api/purchaseintents/${id}`);
    expect(get.status, get.text).toBe(200);
    expect(get.body).toEqual(created);
    const list = await api.get(`/api/purchaseintents?customerId=${encodeURIComponent(created.customerId ?? '')}&top=1000`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.rows.find((r: Dyn) => r._id === id)).toEqual(created);
    const all = await api.get('/api/purchaseintents?top=1000');
    expect(all.status, all.text).toBe(200);
    const search = await api.get(`/api/purchaseintents/search?id=${id}&secret=${encodeURIComponent(secret)}`);
    expect(search.status, search.text).toBe(200);
    expect(search.body).toEqual(created);
    const pub = await anonymous.get(`/api/public/purchaseintents/${id}?secret=${encodeURIComponent(secret)}`);
    expect(pub.status, pub.text).toBe(200);
    valid(validPublicIntent, pub.body);
    // The public view is the intent without its history (PublicPurchaseIntentResource).
    const { history: _history, ...publicView } = created;
    expect(pub.body).toEqual(publicView);
  }

  it('item 11: an intent with additionalItems is created (201) and reads back everywhere; an Idempotency-Key retry replays it', async () => {
    const body = {
      eventId: 'gig',
      customerId: 'cus-fees',
      tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }],
      additionalItems: [{ type: 'additionalFee', amount: 1, price: 2.5, name: 'Service fee' }],
    };
    const headers = { 'idempotency-key': 'item-11' };
    const created = await api.post('/api/purchaseintents', body, { headers });
    expect(created.status, created.text).toBe(201);
    valid(validIntent, created.body);
    expect(created.body.realPrice).toBe(92.5);
    expect(created.body.additionalItems).toEqual([
      { itemId: expect.any(String), _id: created.body.additionalItems[0].itemId, type: 'additionalFee', name: 'Service fee', amount: 1, price: 2.5, netPrice: 2.5, taxRate: null },
    ]);
    await readEverywhere(created.body);
    const retry = await api.post('/api/purchaseintents', body, { headers });
    expect(retry.status).toBe(201);
    expect(retry.body._id).toBe(created.body._id);
    expect((await api.get('/api/purchaseintents?customerId=cus-fees')).body.total).toBe(1);
  });

  it('an intent with every optional field, under a strategy with every optional field, reads back through every read route', async () => {
    // The strategy: created, then read back by get and list.
    const strategy = await api.post('/api/purchaseintents/strategies', FULL_STRATEGY);
    expect(strategy.status, strategy.text).toBe(201);
    expect(strategy.headers['encore-ignored-fields']).toBeUndefined();
    expect(strategy.body).toMatchObject(FULL_STRATEGY);
    const strategyGet = await api.get(`/api/purchaseintents/strategies/${strategy.body._id}`);
    expect(strategyGet.status, strategyGet.text).toBe(200);
    expect(strategyGet.body).toEqual(strategy.body);
    const strategies = await api.get('/api/purchaseintents/strategies?top=1000');
    expect(strategies.status, strategies.text).toBe(200);
    expect(strategies.body.find((s: Dyn) => s._id === strategy.body._id)).toEqual(strategy.body);

    // The request covers every optional member of the reference's create body.
    const sent = fullIntent(strategy.body._id);
    const createSchema = referenceSchema('POST_Purchaseintents_CreateAPurchaseIntent') as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(createSchema.properties).filter((k) => !(k in sent))).toEqual([]);

    const created = await api.post('/api/purchaseintents', sent);
    expect(created.status, created.text).toBe(201);
    // Every member sent is one the schema knows: nothing was ignored on the way in.
    expect(created.headers['encore-ignored-fields']).toBeUndefined();
    valid(validIntent, created.body);
    const x = created.body;

    // Values round-trip: top-level members as sent…
    for (const k of ['eventId', 'customerId', 'shopId', 'strategyId', 'salesChannelId', 'seatingReservationToken', 'extraFields', 'meta']) expect(x[k], k).toEqual(sent[k]);
    for (const k of Object.keys(createSchema.properties)) {
      if (k in NOT_ECHOED || ['tickets', 'products', 'additionalItems'].includes(k)) continue;
      expect(x[k], `${k} reads back as sent`).toEqual(sent[k]);
    }
    // …cart items as sent, with the ids and defaults Encore fills in…
    expect(x.tickets).toEqual([VIP_LINE, { ...sent.tickets[1], type: 'ticket', _id: expect.any(String) }]);
    expect(x.products).toEqual(sent.products);
    expect(x.additionalItems).toEqual([
      { ...sent.additionalItems[0], itemId: 'fee-1' },
      { ...sent.additionalItems[1], itemId: 'bundle-1', netPrice: 0, taxRate: null },
      { ...sent.additionalItems[2], _id: expect.any(String), itemId: expect.any(String), netPrice: 4, taxRate: null },
      { ...sent.additionalItems[3], _id: expect.any(String), itemId: expect.any(String), netPrice: 6.5, taxRate: null },
    ]);
    for (const item of x.additionalItems) expect(item.itemId).toBe(item._id);
    // …prices from the cart, and what the strategy decides.
    expect(x).toMatchObject({
      regularPrice: 90 + 2 * 30 + 20 + 2.5 + 0 + 4 + 3 * 6.5,
      realPrice: 90 + 2 * 30 + 20 + 2.5 + 0 + 4 + 3 * 6.5,
      approvalStatus: 'awaiting',
      restrictedCompletion: ['POS', 'Online'],
      cancellationStrategy: 'notAllowed',
      // The earliest of created + 72.5 h, show − 24 h and the strategy's expiresAt.
      expiresAt: '2027-05-04T10:30:00.000Z',
      appliedCoupons: [],
    });

    await readEverywhere(x);

    // The public tickets the strategy issued (createTickets): the seat as sent, 200.
    const tickets = await anonymous.get(`/api/public/purchaseintents/${x._id}/tickets?secret=${encodeURIComponent(x.secret)}`);
    expect(tickets.status, tickets.text).toBe(200);
    expect(tickets.body).toHaveLength(3);
    expect(tickets.body.find((t: Dyn) => t.ticketTypeId === 'vip')).toMatchObject({ seat: 'A / 1 / 1', status: 'RESERVED', eventId: 'gig' });

    // Changes keep every value: a comment and an approval, then every read again.
    expect((await api.post(`/api/purchaseintents/${x._id}/history`, { type: 'purchaseIntent.commented', data: { comment: 'called the school' } })).status).toBe(201);
    const approved = await api.post(`/api/purchaseintents/${x._id}/approval`, { approvalStatus: 'approved' });
    expect(approved.status, approved.text).toBe(200);
    const { history: h1, __v: v1, updatedAt: u1, approvalStatus: a1, ...before } = x;
    const { history: h2, __v: v2, updatedAt: u2, approvalStatus: a2, ...after } = approved.body;
    expect(after).toEqual(before);
    expect([h1.length, v1, a1, h2.length, v2, a2]).toEqual([1, 0, 'awaiting', 3, 2, 'approved']);
    expect([u1, u2]).toEqual([T0, T0]);
    await readEverywhere(approved.body);
  });

  // Fails today: the edge's unknown-field walk (src/api/shared/unknown-fields.ts) follows only one
  // alternative of a `oneOf` for a member several alternatives name (`settings`), so it strips
  // `phases` as unknown and validation then refuses the capability. Reported with the fix; flip to
  // `it` once it lands.
  it('keeps a self_service_return capability as sent', async () => {
    const created = await api.post('/api/purchaseintents', {
      eventId: 'gig',
      customerId: 'cus-return',
      tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90, capabilities: [RETURN_CAPABILITY, ...VIP_LINE.capabilities] }],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.tickets[0].capabilities).toEqual([RETURN_CAPABILITY, ...VIP_LINE.capabilities]);
    await readEverywhere(created.body);
  });

  it('answers additional items whose `data` lacks the id the reference’s resource expects (the create body allows any object)', async () => {
    const created = await api.post('/api/purchaseintents', {
      eventId: 'gig',
      customerId: 'cus-bundle',
      tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }],
      additionalItems: [
        { type: 'bundle', amount: 1, price: 10, data: {} },
        { type: 'fulfillmentType', amount: 1, price: 0, data: { note: 'pickup' }, taxRate: null, triggeredBy: null },
      ],
    });
    expect(created.status, created.text).toBe(201);
    valid(validIntent, created.body);
    expect((created.body.additionalItems as { data: unknown }[]).map((a) => a.data)).toEqual([{}, { note: 'pickup' }]);
    await readEverywhere(created.body);
  });
});
