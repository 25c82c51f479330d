import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dyn } from '../client.js';
import { startReceiver, waitFor } from '../fake-receiver.js';
import { useContext } from '../harness.js';
import {
  FROM_FIELD_LIST,
  MENTA_ADMISSION_BATCH,
  MENTA_ADMISSION_REPLY,
  MENTA_BUYING_FLOW_QUERY,
  MENTA_CANCELLATION_PATHS,
  MENTA_CHECKOUT_URL_BODY,
  MENTA_EVENT_EXAMPLE,
  MENTA_EVENT_STANDARD,
  MENTA_RETURN_TO,
  MENTA_SHOW_EXAMPLE,
  MENTA_TICKET_MODIFICATION,
  MENTA_TICKETS_BUYER_DATA,
  MENTA_TICKETS_STANDARD,
  PI_APPROVAL_EXAMPLE,
  PI_CREATE_EXAMPLE,
  PI_STRATEGY_EXAMPLE,
  PI_STRATEGY_UPDATE_EXAMPLE,
} from './examples.js';
import { PUBLIC_URL, SHOP_ORIGIN, createEvent, ok, plainEvent, plainTicket, syncTickets, tenant, withValues, type Tenant } from './world.js';

/**
 * The references' own example bodies, sent as published by a client that says
 * `Content-Type: application/json` on every call: each is accepted and stored, and a read gives back
 * what was sent (SPEC §1.1, issue 9 acceptance).
 */

const EVENT = MENTA_EVENT_STANDARD.externalReferenceId;

/**
 * The example's own ids with what this very API version needs spelled out (currency, policy, time
 * zone), so the ticket and admission examples are tested whatever the event example's own fate.
 */
function lionKingSpelledOut(extraShows: Record<string, unknown>[] = [], opts: { date?: string } = {}): Record<string, unknown> {
  const shows = structuredClone(MENTA_EVENT_STANDARD.shows).map((s) => ({ ...s, ...(opts.date ? { date: opts.date } : {}) }));
  return {
    ...structuredClone(MENTA_EVENT_STANDARD),
    location: { ...MENTA_EVENT_STANDARD.location, timeZone: 'America/New_York' },
    configuration: { policy: 'NONE', currency: 'ARS' },
    shows: [...shows, ...extraShows],
  };
}

/** Resale closes when a show starts: the listing tests move the example's 2022 show to the future. */
const FUTURE_DATE = '2027-04-02T14:00:00.000-04:00';

describe('menta’s example bodies, sent as published', () => {
  const ctx = useContext({ workers: true });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const jobDone = (t: Tenant, jobId: string) =>
    waitFor(async () => {
      const data: Dyn = (await t.mp.get(`/v1/jobs/${jobId}`)).body.data;
      return data?.status === 'COMPLETED' || data?.status === 'FAILED' ? (data as Record<string, unknown>) : undefined;
    }, 30_000);

  describe('events', () => {
    it('POST /v1/events with the "Event Standard" example: 200, stored, read back as sent (currency ARS from the options)', async () => {
      const t = await tenant(ctx, 'menta-event');
      const res = ok(await t.mp.post('/v1/events', MENTA_EVENT_EXAMPLE));
      expect(res.body.data).toMatchObject({ externalReferenceId: EVENT, id: expect.any(String) });

      const read = ok(await t.mp.get(`/v1/events/${EVENT}`)).body.data;
      expect(read).toMatchObject({
        externalReferenceId: EVENT,
        title: MENTA_EVENT_EXAMPLE.title,
        description: MENTA_EVENT_EXAMPLE.description,
        location: MENTA_EVENT_EXAMPLE.location,
        configuration: { ...MENTA_EVENT_EXAMPLE.configuration, currency: 'ARS' },
      });
      expect(read.shows).toHaveLength(1);
      const [sent] = MENTA_EVENT_EXAMPLE.shows;
      expect(read.shows[0]).toMatchObject({
        showId: sent!.showId,
        title: sent!.title,
        primarySalesUrl: sent!.primarySalesUrl,
        status: 'LIVE',
        date: sent!.date,
        images: sent!.images,
        ticketOptions: sent!.ticketOptions,
      });
    });

    it('PUT /v1/events with the whole event again plus the "Example of a Show": 200, both shows stored', async () => {
      const t = await tenant(ctx, 'menta-put');
      ok(await t.mp.post('/v1/events', MENTA_EVENT_EXAMPLE));
      const body = { ...structuredClone(MENTA_EVENT_EXAMPLE), shows: [...structuredClone(MENTA_EVENT_EXAMPLE.shows), MENTA_SHOW_EXAMPLE] };
      ok(await t.mp.put('/v1/events', body));
      const read = ok(await t.mp.get(`/v1/events/${EVENT}`)).body.data;
      expect(read.shows.map((s: Dyn) => String(s.showId)).sort()).toEqual(['4726', 'drake-miley-123']);
      const added = read.shows.find((s: Dyn) => s.showId === 'drake-miley-123');
      expect(added).toMatchObject({
        title: MENTA_SHOW_EXAMPLE.title,
        primarySalesUrl: MENTA_SHOW_EXAMPLE.primarySalesUrl,
        date: MENTA_SHOW_EXAMPLE.date,
        images: MENTA_SHOW_EXAMPLE.images,
        ticketOptions: MENTA_SHOW_EXAMPLE.ticketOptions,
        status: 'LIVE',
      });
    });

    it('POST …/cancellation as the guide’s cURL (no body, no Content-Type) and as a JSON client (no body): 200 both', async () => {
      const t = await tenant(ctx, 'menta-cancel');
      await createEvent(t, lionKingSpelledOut());
      const [byShow, byEvent] = MENTA_CANCELLATION_PATHS;
      const first = ok(await t.mp.post(byShow!, undefined, { noContentType: true }));
      expect(first.body.data.shows[0]).toMatchObject({ showId: '4726', status: 'CANCELLED' });
      // Cancelling again succeeds (SPEC §2); this time the way JSON clients call: Content-Type, no body.
      ok(await t.mp.post(byEvent!));
      expect(ok(await t.mp.get(`/v1/events/${EVENT}`)).body.data.shows[0].status).toBe('CANCELLED');
    });

    it('POST /v1/events/rules with the reference’s fields (no example published): 200, stored', async () => {
      const t = await tenant(ctx, 'menta-rules');
      await createEvent(t, lionKingSpelledOut());
      const res = ok(await t.mp.post('/v1/events/rules', FROM_FIELD_LIST.rules));
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0]).toMatchObject({ externalReferenceEventId: EVENT, showId: '4726', ruleType: 'RESALE', rules: { enabled: true, maxPrice: 20000 } });
    });
  });

  describe('tickets and admission', () => {
    it('POST /v1/tickets with the "Standard" example: accepted, ingested, read back as sent', async () => {
      const t = await tenant(ctx, 'menta-tickets');
      await createEvent(t, lionKingSpelledOut());
      const res = ok(await t.mp.post('/v1/tickets', MENTA_TICKETS_STANDARD));
      expect(res.body.data).toEqual({ jobId: expect.any(String), accepted: 1 });
      const job = await jobDone(t, res.body.data.jobId);
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'COMPLETED', succeeded: 1, failed: 0 });

      const [sent] = MENTA_TICKETS_STANDARD;
      const read = ok(await t.mp.get(`/v1/tickets/${sent!.ticketId}`)).body.data;
      expect(read).toMatchObject({
        ticketId: '111',
        externalReferenceEventId: EVENT,
        showId: '4726',
        ticketOptionId: '0001',
        ticketAccess: sent!.ticketAccess,
        status: 'VALID',
        currency: 'ARS',
      });
      expect(JSON.stringify(read.buyer)).toContain('buyer@emaildomain.com');
    });

    it('POST /v1/tickets and POST /v1/sync/tickets with the "Buyer data" example: stored with the buyer’s data', async () => {
      const [sent] = MENTA_TICKETS_BUYER_DATA;
      for (const route of ['/v1/tickets', '/v1/sync/tickets']) {
        const t = await tenant(ctx, `menta-buyer-${route.length}`);
        await createEvent(t, lionKingSpelledOut());
        const res = ok(await t.mp.post(route, MENTA_TICKETS_BUYER_DATA));
        if (route === '/v1/tickets') {
          const job = await jobDone(t, res.body.data.jobId);
          expect(job, JSON.stringify(job)).toMatchObject({ status: 'COMPLETED', succeeded: 1 });
        } else {
          expect(res.body.data[0], JSON.stringify(res.body.data)).toMatchObject({ ticketId: '111', status: 'CREATED' });
        }
        const read = ok(await t.mp.get('/v1/tickets/111')).body.data;
        expect(read, route).toMatchObject({
          ticketAccess: { type: 'OTHER', locator: 'D02KWWKS029F' },
          primarySaleBuyerData: sent!.primarySaleBuyerData,
        });
      }
    });

    it('PUT /v1/tickets/111 with the "Ticket modification" example: 200, the new locator stored, ticket.updated sent as menta documents it', async () => {
      const t = await tenant(ctx, 'menta-modify');
      await createEvent(t, lionKingSpelledOut());
      await syncTickets(t, MENTA_TICKETS_STANDARD);
      ok(await t.mp.post('/v1/webhooks', { url: receiver.url, eventTypes: ['ticket.updated'] }));

      const res = ok(await t.mp.put('/v1/tickets/111', MENTA_TICKET_MODIFICATION));
      expect(res.body.data.ticketAccess).toMatchObject(MENTA_TICKET_MODIFICATION.ticketAccess);
      const read = ok(await t.mp.get('/v1/tickets/111')).body.data;
      expect(read.ticketAccess).toMatchObject({ type: 'URL', locator: 'https://platform.com/images/qr-123.png' });

      // The envelope of docs.mentatech.io/en/guides/webhooksIntro.md: `{message: {family, action, data}}`.
      const got = await waitFor(() => receiver.received.find((r) => r.body.includes('"ticket"') && r.body.includes('111')));
      const body: Dyn = JSON.parse(got.body);
      expect(body.message).toMatchObject({ family: 'ticket', action: 'ticket.updated' });
    });

    it('POST /v1/tickets/111/eventAdmission with Content-Type and no body, as published: exactly the published answer', async () => {
      const t = await tenant(ctx, 'menta-admit');
      await createEvent(t, lionKingSpelledOut());
      await syncTickets(t, MENTA_TICKETS_STANDARD);
      const res = ok(await t.mp.post('/v1/tickets/111/eventAdmission'));
      expect(res.body).toEqual(MENTA_ADMISSION_REPLY);
      const read = ok(await t.mp.get('/v1/tickets/111')).body.data;
      expect(read.status).toBe('USED');
      expect(read.admission).toMatchObject({ entryDate: expect.any(String) });
    });

    it('POST /v1/tickets/batch/eventAdmission with the published batch: exactly the published answer, three tickets USED', async () => {
      const t = await tenant(ctx, 'menta-batch');
      await createEvent(t, lionKingSpelledOut());
      await syncTickets(t, MENTA_ADMISSION_BATCH.map((a) => plainTicket(a.ticketId, EVENT, { showId: '4726', ticketOptionId: '0001' })));
      const res = ok(await t.mp.post('/v1/tickets/batch/eventAdmission', MENTA_ADMISSION_BATCH));
      expect(res.body).toEqual(MENTA_ADMISSION_REPLY);
      for (const a of MENTA_ADMISSION_BATCH) {
        const read = ok(await t.mp.get(`/v1/tickets/${a.ticketId}`)).body.data;
        expect(read.status).toBe('USED');
        expect(new Date(read.admission.entryDate).toISOString()).toBe(new Date(a.entryDate).toISOString());
      }
    });

    it('DELETE /v1/tickets/111 (reference fields, no example published) with Content-Type and no body: 200, DELETED', async () => {
      const t = await tenant(ctx, 'menta-delete');
      await createEvent(t, lionKingSpelledOut());
      await syncTickets(t, MENTA_TICKETS_STANDARD);
      const res = ok(await t.mp.delete('/v1/tickets/111'));
      expect(res.body.data).toMatchObject({ ticketId: '111', status: 'DELETED' });
    });
  });

  describe('marketplace URLs and one-time tokens', () => {
    it('GET buyingflow/url/entrypoint with the "Using Login Trust" query (+ the returnTo the reference now requires): a signed-in URL', async () => {
      const t = await tenant(ctx, 'menta-buy-url', { returnOrigins: [SHOP_ORIGIN, 'https://your-platform.com'] });
      const show1124 = { ...structuredClone(MENTA_EVENT_STANDARD.shows[0]!), showId: '1124', date: '2027-06-01T20:00:00.000-04:00' };
      await createEvent(t, lionKingSpelledOut([show1124]));
      const res = ok(await t.mp.get(`/v1/marketplace/buyingflow/url/entrypoint?${MENTA_BUYING_FLOW_QUERY}&returnTo=${encodeURIComponent(MENTA_RETURN_TO)}`));
      expect(typeof res.body.data).toBe('string');
      expect(res.body.data.startsWith(`${PUBLIC_URL}/es/`)).toBe(true);
      const url = new URL(res.body.data as string);
      expect(url.searchParams.get('oneTimeToken')).toEqual(expect.any(String));
      expect(url.searchParams.get('returnTo')).toBe(MENTA_RETURN_TO);
    });

    it('GET sellingflow/url/entrypoint and GET auth/oneTimeToken (reference fields, no example published): 200 with a string', async () => {
      const t = await tenant(ctx, 'menta-sell-url');
      await createEvent(t, lionKingSpelledOut());
      await syncTickets(t, MENTA_TICKETS_STANDARD);
      const sell = ok(await t.mp.get(`/v1/marketplace/sellingflow/url/entrypoint?${FROM_FIELD_LIST.sellingFlowQuery}`));
      expect(String(sell.body.data).startsWith(`${PUBLIC_URL}/es/`)).toBe(true);
      const token = ok(await t.mp.get(`/v1/auth/oneTimeToken?${FROM_FIELD_LIST.oneTimeTokenQuery}`));
      expect(token.body.data).toEqual(expect.any(String));
      expect(String(token.body.data).length).toBeGreaterThanOrEqual(16);
    });

    it('POST /v1/marketplace/checkout/url with the "Generate Checkout Link" body (its ids replaced by real listings): a checkout URL', async () => {
      const t = await tenant(ctx, 'menta-checkout');
      await createEvent(t, lionKingSpelledOut([], { date: FUTURE_DATE }));
      await syncTickets(t, MENTA_TICKETS_STANDARD);
      const listing = ok(await t.mp.post('/v1/marketplace/listings', { ticketIds: ['111'], price: 6000, sellerEmail: 'buyer@emaildomain.com' })).body.data;
      const body = withValues(MENTA_CHECKOUT_URL_BODY, (b) => {
        b.listingIds = [listing.listingId];
      });
      const res = ok(await t.mp.post('/v1/marketplace/checkout/url', body));
      expect(String(res.body.data).startsWith(`${PUBLIC_URL}/es/`)).toBe(true);
    });
  });
});

describe('the purchase-intent reference’s example bodies (purchase-intents.txt)', () => {
  const ctx = useContext();
  let t: Tenant;
  // `deposit.method` is the placeholder "string" (SPEC §7: fixed | percentage), and the example leaves
  // out `availabilityStrategy.withoutSeats`, which the OpenAPI (the exact contract) marks required.
  const strategyBody = withValues(PI_STRATEGY_EXAMPLE, (s) => {
    s.deposit.method = 'percentage';
    s.availabilityStrategy.withoutSeats = false;
  });

  beforeAll(async () => {
    t = await tenant(ctx, 'pi-examples');
    await createEvent(t, plainEvent('pi-gig'));
  });

  it('POST /strategies and PUT /strategies/:id with the examples (placeholders filled): stored and read back as sent', async () => {
    const created = ok(await t.pi.post('/api/purchaseintents/strategies', strategyBody), 201).body;
    const read = ok(await t.pi.get(`/api/purchaseintents/strategies/${created._id}`)).body;
    expect(read).toMatchObject(strategyBody);
    const update = withValues(PI_STRATEGY_UPDATE_EXAMPLE, (s) => {
      s.deposit.method = 'fixed';
      s.availabilityStrategy.withoutSeats = false;
      s.needsApproval = false;
    });
    ok(await t.pi.put(`/api/purchaseintents/strategies/${created._id}`, update));
    expect(ok(await t.pi.get(`/api/purchaseintents/strategies/${created._id}`)).body).toMatchObject(update);
  });

  it('POST /api/purchaseintents with the example (its id placeholders filled): 201, stored, read back as sent', async () => {
    const strategyId = ok(await t.pi.post('/api/purchaseintents/strategies', strategyBody), 201).body._id as string;
    const body = withValues(PI_CREATE_EXAMPLE, (b) => {
      b.eventId = 'pi-gig';
      b.strategyId = strategyId;
      b.tickets[0].ticketTypeId = 'vip';
    });
    const created = ok(await t.pi.post('/api/purchaseintents', body), 201).body;
    expect(created).toMatchObject({ status: 'new', approvalStatus: 'awaiting', eventId: 'pi-gig', strategyId });
    const read = ok(await t.pi.get(`/api/purchaseintents/${created._id}`)).body;
    expect(read).toMatchObject({
      customerId: 'string',
      shopId: 'string',
      salesChannelId: 'string',
      extraFields: {},
      meta: {},
      restrictedCompletion: ['POS'],
      cancellationStrategy: 'cancellationAllowed',
    });
    const [cart] = PI_CREATE_EXAMPLE.tickets;
    expect(read.tickets).toHaveLength(1);
    expect(read.tickets[0]).toMatchObject({
      type: 'ticket',
      name: cart!.name,
      amount: 1,
      price: 10.5,
      ticketTypeId: 'vip',
      seatingInfo: cart!.seatingInfo,
    });
    expect(ok(await t.pi.get('/api/purchaseintents?customerId=string')).body.rows.map((r: Dyn) => String(r._id))).toContain(created._id);
  });

  it('POST /:id/approval with the example ({approvalStatus: awaiting}) on an intent that awaits approval: 200, unchanged', async () => {
    const strategyId = ok(await t.pi.post('/api/purchaseintents/strategies', strategyBody), 201).body._id as string;
    const created = ok(await t.pi.post('/api/purchaseintents', { eventId: 'pi-gig', strategyId, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }] }), 201).body;
    expect(created.approvalStatus).toBe('awaiting');
    const res = ok(await t.pi.post(`/api/purchaseintents/${created._id}/approval`, PI_APPROVAL_EXAMPLE));
    expect(res.body).toMatchObject({ _id: created._id, approvalStatus: 'awaiting', status: 'new' });
  });
});
