import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKeyByPrefix } from '../src/modules/tenants/index.js';
import { useContext } from './harness.js';
import { inParallel, startCluster, type ApiClient, type ApiReply, type Cluster } from './multi-process/cluster.js';
import { startAttributingReceiver, type Received } from './multi-process/receiver.js';

/**
 * The documented scale-out (ARCHITECTURE: stateless API processes + `encore worker` processes on one
 * PostgreSQL): three `encore serve` and two `encore worker` processes, spawned as a user would, on one
 * database and one secret key. Requests are spread over the three APIs; jobs (ticket ingestion,
 * webhook deliveries) are taken by whichever process fetches them first (serve runs job workers too).
 * The database is this file's copy of the migrated template (test/global-setup.ts); the five processes
 * run the migrations at once as they start (none pending: Kysely's migration lock makes that safe).
 * Every invariant is checked with SQL on the shared database at the end of each part.
 */

const LISTINGS = 30;
const BUYERS_PER_LISTING = 10;
const CARD = { ok: '4242424242424242', declined: '4000000000000002' } as const;
/** tenants.service.ts: how long a process trusts a key it looked up (a revocation elsewhere shows after it). */
const KEY_CACHE_TTL_MS = 5_000;
/** listings.memo.ts: how long a process refuses a listing from memory. */
const MEMO_TTL_MS = 1_000;

const eventBody = (ref: string) => ({
  externalReferenceId: ref,
  title: 'Multi-process',
  description: 'One show, one ticket option',
  location: { venueName: 'Sala Apolo', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
  configuration: { policy: 'NONE', currency: 'EUR' },
  shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30 }], priceTypes: [{ priceTypeId: 'adult', title: 'Adult' }] }],
});

const ticketBody = (event: string, ticketId: string) => ({
  externalReferenceEventId: event,
  buyer: `${ticketId.toLowerCase()}@sellers.example`,
  ticketId,
  ticketAccess: { type: 'URL', locator: `https://t.example/${ticketId}` },
  ticketOptionId: 'ga',
  priceTypeId: 'adult',
  price: 30,
});

const sellerOf = (ticketId: string): string => `${ticketId.toLowerCase()}@sellers.example`;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function expectStatus(res: ApiReply, status: number): void {
  expect(res.status, res.text.slice(0, 800)).toBe(status);
}

describe('three serve and two worker processes on one database', () => {
  const ctx = useContext(); // this process only checks: it runs no job workers
  let cluster: Cluster;
  let api: ApiClient[];
  const pids = (): number[] => (cluster ? [...cluster.serves, ...cluster.workers].flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid])) : []);
  const roleOf = (pid: number | undefined): string => {
    const s = cluster.serves.findIndex((p) => p.child.pid === pid);
    if (s >= 0) return `serve ${s + 1}`;
    const w = cluster.workers.findIndex((p) => p.child.pid === pid);
    return w >= 0 ? `worker ${w + 1}` : 'unknown';
  };
  /** Receiver A answers 200; receiver B fails its first six requests (retried, by any process). */
  const receivers = { a: undefined as Awaited<ReturnType<typeof startAttributingReceiver>> | undefined, b: undefined as Awaited<ReturnType<typeof startAttributingReceiver>> | undefined };
  const db = () => ctx.deps.db;

  beforeAll(async () => {
    [receivers.a, receivers.b] = await Promise.all([startAttributingReceiver(() => 200, pids), startAttributingReceiver((n) => (n < 6 ? 500 : 200), pids)]);
    const t0 = performance.now();
    cluster = await startCluster({
      serves: 3,
      workers: 2,
      env: {
        DATABASE_URL: ctx.databaseUrl,
        // One deployment: one key (the harness made it; sealed values and CSRF tokens must open everywhere).
        ENCORE_SECRET_KEY: process.env.ENCORE_SECRET_KEY!,
        PUBLIC_URL: 'http://encore.test',
        WEBHOOK_PRIVATE_NETWORKS: 'allow',
        WEBHOOK_RETRY_BASE_MS: '50',
        SANDBOX_FAIL_DELAY_MS: '50',
        LOG_LEVEL: 'warn',
        // Five processes × (10 + 4 for the job queue) stay well under a default max_connections of
        // 100, next to the other test files' databases on the same server.
        DATABASE_POOL_SIZE: '10',
      },
    });
    api = cluster.api;
    console.info(`three serve and two worker processes up in ${Math.round(performance.now() - t0)} ms`);
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all([...(cluster?.serves ?? []), ...(cluster?.workers ?? [])].map((p) => p.stop()));
    await Promise.all([receivers.a?.close(), receivers.b?.close()]);
    // Every process shut down cleanly on SIGTERM.
    expect(codes.every((c) => c === 0), cluster ? [...cluster.serves, ...cluster.workers].map((p) => p.output().slice(-1500)).join('\n---\n') : '').toBe(true);
  }, 60_000);

  /** The most sessions on the test's database at once, sampled until stopped. */
  function sampleSessions(): { stop(): Promise<number> } {
    let max = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()`.execute(db());
        max = Math.max(max, rows[0]!.n);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return max;
      },
    };
  }

  describe('the on-sale race and the purchase, buyers spread over the three APIs', () => {
    let race: { tenantId: string; apiKey: string; showPk: string; listingIds: string[]; ticketIds: string[] };
    /** Per listing, the buyer whose 200 won it and the processes everyone asked. */
    const winners = new Map<string, { intentionId: string; secret: string; user: string }[]>();

    beforeAll(async () => {
      const t = await ctx.createTenant('race');
      const event = await api[0]!.call('POST', '/v1/events', { key: t.apiKey, body: eventBody('onsale') });
      expectStatus(event, 200);
      const ticketIds = Array.from({ length: LISTINGS }, (_, i) => `R-${i}`);
      const synced = await api[1]!.call('POST', '/v1/sync/tickets', { key: t.apiKey, body: ticketIds.map((id) => ticketBody('onsale', id)) });
      expectStatus(synced, 200);
      expect((synced.body.data as { status: string }[]).every((r) => r.status === 'CREATED'), synced.text.slice(0, 500)).toBe(true);
      const listingIds = new Array<string>(LISTINGS);
      await inParallel(LISTINGS, 6, async (i) => {
        const res = await api[i % 3]!.call('POST', '/v1/marketplace/listings', { key: t.apiKey, body: { ticketIds: [ticketIds[i]], price: 30, sellerEmail: sellerOf(ticketIds[i]!) } });
        expectStatus(res, 200);
        listingIds[i] = res.body.data.listingId as string;
      });
      race = { tenantId: t.tenantId, apiKey: t.apiKey, showPk: event.body.data.shows[0].id as string, listingIds, ticketIds };
    }, 30_000);

    it(`${LISTINGS} listings × ${BUYERS_PER_LISTING} buyers over three APIs: one winner each, every ticket sold once, no payment without its ticket`, async () => {
      const answers: { listing: string; status: number; code: string | undefined; via: number }[] = [];
      const payAnswers: { status: number; code: string | undefined; orderStatus: string | undefined }[] = [];
      const sessions = sampleSessions();
      // Buyers of one listing are consecutive and on different processes, so each listing's ten
      // requests are in flight at once on all three APIs. No more in flight than that: five processes
      // may hold 5 × (20 + 4) sessions, more than a stock PostgreSQL's 100, which CI shares between files.
      await inParallel(LISTINGS * BUYERS_PER_LISTING, 18, async (n) => {
        const i = Math.floor(n / BUYERS_PER_LISTING);
        const listing = race.listingIds[i]!;
        const via = (i + n) % 3;
        const user = `buyer${n}@buyers.example`;
        const res = await api[via]!.call('POST', '/v1/marketplace/buyingflow/buyIntention', { key: race.apiKey, body: { items: [listing], user } });
        answers.push({ listing, status: res.status, code: res.body?.errors?.[0]?.code as string | undefined, via });
        if (res.status !== 200) return;
        const intentionId = res.body.data.intentionId as string;
        const secret = new URL(res.body.data.paymentUrl as string).searchParams.get('secret')!;
        winners.set(listing, [...(winners.get(listing) ?? []), { intentionId, secret, user }]);
        // The winner pays on the other two APIs: a third of them first with a declined card, then with
        // a good one; the others press Pay on both at once (a double click through a load balancer).
        const pay = async (p: number, cardNumber: string) => {
          const r = await api[p]!.call('POST', `/v1/checkout/${intentionId}/pay`, { body: { secret, cardNumber } });
          payAnswers.push({ status: r.status, code: r.body?.errors?.[0]?.code as string | undefined, orderStatus: r.body?.data?.order?.status as string | undefined });
          return r;
        };
        if (i % 3 === 0) {
          const declined = await pay((via + 1) % 3, CARD.declined);
          expect(declined.body.data.payment.status, declined.text).toBe('DECLINED');
          await pay((via + 2) % 3, CARD.ok);
        } else {
          await Promise.all([pay((via + 1) % 3, CARD.ok), pay((via + 2) % 3, CARD.ok)]);
        }
      });

      console.info(`database sessions during the race: at most ${await sessions.stop()} (five processes, each a pool of up to 20 and pg-boss's 4)`);

      // The answers: exactly one 200 per listing, every other buyer 409 LISTING_UNAVAILABLE.
      expect(answers).toHaveLength(LISTINGS * BUYERS_PER_LISTING);
      expect(answers.filter((a) => a.status !== 200 && !(a.status === 409 && a.code === 'LISTING_UNAVAILABLE'))).toEqual([]);
      for (const id of race.listingIds) expect(winners.get(id), id).toHaveLength(1);
      expect(new Set(answers.filter((a) => a.status === 200).map((a) => a.via)).size, 'winners on every API').toBeGreaterThan(1);
      // Paying twice at once: one charge goes through; the other waits its turn (409) or answers the finished payment.
      expect(payAnswers.filter((p) => !(p.status === 200 || (p.status === 409 && p.code === 'PAYMENT_IN_PROGRESS')))).toEqual([]);

      // The database agrees.
      const t = race.tenantId;
      const intentions = await db().selectFrom('buy_intentions').select(['id', 'status', 'buyer_email', 'order_id']).where('tenant_id', '=', t).execute();
      expect(intentions.map((r) => r.id).sort()).toEqual([...winners.values()].map(([w]) => w!.intentionId).sort());
      expect(intentions.filter((r) => r.status !== 'COMPLETED')).toEqual([]);

      const listings = await db().selectFrom('listings').select(['id', 'status', 'sold_order_id', 'hold_intention_id']).where('tenant_id', '=', t).execute();
      expect(listings).toHaveLength(LISTINGS);
      expect(listings.filter((l) => l.status !== 'SOLD' || l.sold_order_id === null)).toEqual([]);

      const orders = await db().selectFrom('orders').select(['id', 'intention_id', 'payment_id', 'status', 'buyer_email']).where('tenant_id', '=', t).execute();
      expect(orders).toHaveLength(LISTINGS);
      expect(orders.filter((o) => o.status !== 'COMPLETED')).toEqual([]);
      expect(new Set(orders.map((o) => o.intention_id)).size).toBe(LISTINGS);

      // Every ticket in exactly one completed order, now owned by the buyer who won its listing.
      const { rows: sold } = await sql<{ ticket_id: string; n: number; buyer: string; owner: string | null; listing_id: string }>`
        SELECT oi.ticket_id, count(*)::int AS n, min(o.buyer_email) AS buyer, min(tk.buyer_email) AS owner, min(oi.listing_id) AS listing_id
          FROM order_items oi
          JOIN orders o ON o.tenant_id = oi.tenant_id AND o.id = oi.order_id AND o.status = 'COMPLETED'
          JOIN tickets tk ON tk.tenant_id = oi.tenant_id AND tk.ticket_id = oi.ticket_id
         WHERE oi.tenant_id = ${t}
         GROUP BY oi.ticket_id`.execute(db());
      expect(sold.map((r) => r.ticket_id).sort()).toEqual([...race.ticketIds].sort());
      expect(sold.filter((r) => r.n !== 1)).toEqual([]);
      for (const r of sold) {
        const [w] = winners.get(r.listing_id)!;
        expect(r, r.ticket_id).toMatchObject({ buyer: w!.user, owner: w!.user });
      }

      // Payments: one SUCCEEDED per intention, each the payment of its order; none in flight; the
      // declined attempts charged nothing and settled nothing.
      const payments = await db().selectFrom('payments').innerJoin('payment_lines', (j) => j.onRef('payment_lines.tenant_id', '=', 'payments.tenant_id').onRef('payment_lines.payment_id', '=', 'payments.id')).select(['payments.id', 'payments.status', 'payment_lines.subject_id']).where('payments.tenant_id', '=', t).execute();
      const succeeded = payments.filter((p) => p.status === 'SUCCEEDED');
      expect(succeeded).toHaveLength(LISTINGS);
      expect(new Set(succeeded.map((p) => p.subject_id)).size).toBe(LISTINGS);
      expect(payments.filter((p) => p.status !== 'SUCCEEDED' && p.status !== 'DECLINED')).toEqual([]);
      expect(payments.filter((p) => p.status === 'DECLINED')).toHaveLength(LISTINGS / 3);
      const orderOfPayment = new Map(orders.map((o) => [o.payment_id, o]));
      for (const p of succeeded) expect(orderOfPayment.get(p.id), `payment ${p.id} has its order`).toMatchObject({ intention_id: p.subject_id, status: 'COMPLETED' });
      const payouts = await db().selectFrom('payouts').select(['order_id']).where('tenant_id', '=', t).execute();
      expect(payouts.map((p) => p.order_id).sort()).toEqual(orders.map((o) => o.id).sort());
    }, 60_000);

    it('a sold listing stays unbuyable on every process, from memory and once the memory has expired', async () => {
      const tryAll = async (round: string) => {
        const replies = await Promise.all(
          race.listingIds.flatMap((id) => api.map((a, p) => a.call('POST', '/v1/marketplace/buyingflow/buyIntention', { key: race.apiKey, body: { items: [id], user: `late-${round}-${p}@buyers.example` } }))),
        );
        expect(replies.filter((r) => !(r.status === 409 && r.body.errors[0].code === 'LISTING_UNAVAILABLE')).map((r) => r.text)).toEqual([]);
      };
      await tryAll('now');
      await new Promise((r) => setTimeout(r, MEMO_TTL_MS + 200));
      await tryAll('later');
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM buy_intentions WHERE tenant_id = ${race.tenantId}`.execute(db());
      expect(rows[0]!.n).toBe(LISTINGS);
    }, 30_000);

    it("a hold that ends behind the processes' backs: their memories only refuse, and exactly one new buyer gets the listing", async () => {
      const listing = await freshListing(race, 'FREED-1');
      const first = await api[0]!.call('POST', '/v1/marketplace/buyingflow/buyIntention', { key: race.apiKey, body: { items: [listing], user: 'holder@buyers.example' } });
      expectStatus(first, 200);
      // Every process now refuses it, the two others from a database read they remember.
      for (const a of api) expectStatus(await a.call('POST', '/v1/marketplace/buyingflow/buyIntention', { key: race.apiKey, body: { items: [listing], user: 'early@buyers.example' } }), 409);
      // The hold runs out (as if its ten minutes had passed): the database frees the listing at once,
      // while each process may still refuse it from memory for up to MEMO_TTL_MS.
      await db().updateTable('buy_intentions').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('tenant_id', '=', race.tenantId).where('id', '=', first.body.data.intentionId as string).execute();
      await db().updateTable('listings').set({ hold_expires_at: sql<Date>`now() - interval '1 second'` }).where('tenant_id', '=', race.tenantId).where('id', '=', listing).execute();
      const freedAt = performance.now();
      const grants: { via: number; intentionId: string; afterMs: number }[] = [];
      // Buyers on all three APIs keep trying until one got it and the memories have surely expired.
      for (;;) {
        const elapsed = performance.now() - freedAt;
        if ((grants.length > 0 && elapsed > MEMO_TTL_MS + 500) || elapsed > 10_000) break;
        const replies = await Promise.all(api.flatMap((a, p) => [0, 1].map((k) => a.call('POST', '/v1/marketplace/buyingflow/buyIntention', { key: race.apiKey, body: { items: [listing], user: `again${p}${k}@buyers.example` } }))));
        replies.forEach((r, k) => {
          if (r.status === 200) grants.push({ via: Math.floor(k / 2), intentionId: r.body.data.intentionId as string, afterMs: performance.now() - freedAt });
          else expect(r.status === 409 && r.body.errors[0].code === 'LISTING_UNAVAILABLE', r.text).toBe(true);
        });
        await new Promise((r) => setTimeout(r, 50));
      }
      console.info(`freed listing: granted once, on serve ${grants[0]?.via === undefined ? '?' : grants[0].via + 1}, ${Math.round(grants[0]?.afterMs ?? -1)} ms after the hold ended`);
      expect(grants, 'exactly one buyer gets the freed listing (and the memories do not refuse it for ever)').toHaveLength(1);
      const row = await db().selectFrom('listings').select(['status', 'hold_intention_id']).where('tenant_id', '=', race.tenantId).where('id', '=', listing).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'RESERVED', hold_intention_id: grants[0]!.intentionId });
    }, 30_000);

    it("the public buy page cached by one process never sells: a listing sold meanwhile is refused from that page's form on every process", async () => {
      const listing = await freshListing(race, 'PAGE-1');
      // A visitor opens the buy page on serve 1 (rendered, then cached there for PAGE_CACHE_MS).
      const page = await fetch(`${api[0]!.url}/en/marketplace/shows/${race.showPk}`, { headers: { accept: 'text/html' } });
      const html = await page.text();
      expect(page.status, html.slice(0, 500)).toBe(200);
      expect(html).toContain(listing);
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      expect(csrf).toBeDefined();
      // Someone buys it through the API on serve 2.
      expectStatus(await api[1]!.call('POST', '/v1/marketplace/buyingflow/buyIntention', { key: race.apiKey, body: { items: [listing], user: 'api-buyer@buyers.example' } }), 200);
      // The page's Buy, sent to every process (the CSRF token of serve 1's page is good on all: one
      // key), is turned back to the page with the "taken" notice; none makes an intention.
      for (const a of api) {
        const res = await fetch(`${a.url}/en/marketplace/shows/${race.showPk}/buy`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
          body: new URLSearchParams({ _csrf: csrf!, listingId: listing }).toString(),
        });
        expect(res.status, await res.text()).toBe(303);
        expect(res.headers.get('location')).toContain('notice=taken');
      }
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM buy_intention_items WHERE tenant_id = ${race.tenantId} AND listing_id = ${listing}`.execute(db());
      expect(rows[0]!.n).toBe(1);
    }, 30_000);

    /** A new ticket and its listing in the race's show (sync is rate limited: one call each). */
    async function freshListing(r: typeof race, ticketId: string): Promise<string> {
      expectStatus(await api[2]!.call('POST', '/v1/sync/tickets', { key: r.apiKey, body: [ticketBody('onsale', ticketId)] }), 200);
      const res = await api[1]!.call('POST', '/v1/marketplace/listings', { key: r.apiKey, body: { ticketIds: [ticketId], price: 30, sellerEmail: sellerOf(ticketId) } });
      expectStatus(res, 200);
      return res.body.data.listingId as string;
    }
  });

  it('an ingestion split over the three APIs, the jobs taken by any process: every ticket exactly once', async () => {
    const t = await ctx.createTenant('ingest');
    expectStatus(await api[2]!.call('POST', '/v1/events', { key: t.apiKey, body: eventBody('ingest') }), 200);
    const BATCHES = 12;
    const SIZE = 250;
    const batch = (b: number) => Array.from({ length: SIZE }, (_, k) => ticketBody('ingest', `I-${b * SIZE + k}`));
    // Every batch once, and three of them a second time on another API at the same moment (a client's retry).
    const sends = [...Array.from({ length: BATCHES }, (_, b) => ({ b, via: b % 3 })), { b: 0, via: 1 }, { b: 4, via: 2 }, { b: 8, via: 0 }];
    const jobs: { jobId: string; via: number }[] = [];
    await Promise.all(
      sends.map(async ({ b, via }) => {
        const res = await api[via]!.call('POST', '/v1/tickets', { key: t.apiKey, body: batch(b) });
        expectStatus(res, 200);
        expect(res.body.data.accepted).toBe(SIZE);
        jobs.push({ jobId: res.body.data.jobId as string, via });
      }),
    );
    const deadline = Date.now() + 45_000;
    for (;;) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ingestion_jobs WHERE tenant_id = ${t.tenantId} AND status IN ('COMPLETED', 'FAILED')`.execute(db());
      if (rows[0]!.n === jobs.length) break;
      if (Date.now() > deadline) throw new Error(`ingestion jobs not finished: ${rows[0]!.n} of ${jobs.length}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Each job as another API reports it.
    for (const j of jobs) {
      const res = await api[(j.via + 1) % 3]!.call('GET', `/v1/jobs/${j.jobId}`, { key: t.apiKey });
      expectStatus(res, 200);
      expect(res.body.data, j.jobId).toMatchObject({ status: 'COMPLETED', total: SIZE, processed: SIZE, failed: 0 });
    }
    const { rows: counts } = await sql<{ tickets: number; distinct_ids: number; created: number; created_twice: number }>`
      SELECT (SELECT count(*)::int FROM tickets WHERE tenant_id = ${t.tenantId}) AS tickets,
             (SELECT count(DISTINCT ticket_id)::int FROM tickets WHERE tenant_id = ${t.tenantId}) AS distinct_ids,
             (SELECT count(*)::int FROM ticket_history WHERE tenant_id = ${t.tenantId} AND kind = 'CREATED') AS created,
             (SELECT count(*)::int FROM (SELECT ticket_id FROM ticket_history WHERE tenant_id = ${t.tenantId} AND kind = 'CREATED' GROUP BY ticket_id HAVING count(*) > 1) x) AS created_twice`.execute(db());
    expect(counts[0]).toEqual({ tickets: BATCHES * SIZE, distinct_ids: BATCHES * SIZE, created: BATCHES * SIZE, created_twice: 0 });
  }, 60_000);

  it('webhooks of changes made on the three APIs, delivered by any process: every delivery reaches its endpoint exactly once', async () => {
    const t = await ctx.createTenant('hooks');
    expectStatus(await api[0]!.call('POST', '/v1/webhooks', { key: t.apiKey, body: { url: receivers.a!.url } }), 200);
    expectStatus(await api[1]!.call('POST', '/v1/webhooks', { key: t.apiKey, body: { url: receivers.b!.url } }), 200);
    // Ten events per API, at once.
    await inParallel(30, 9, async (i) => expectStatus(await api[i % 3]!.call('POST', '/v1/events', { key: t.apiKey, body: eventBody(`hook-${i}`) }), 200));
    // One more, sent with one Idempotency-Key to all three APIs at the same moment: one event, one message.
    const same = await Promise.all(api.map((a) => a.call('POST', '/v1/events', { key: t.apiKey, body: eventBody('hook-idem'), headers: { 'idempotency-key': 'idem-1' } })));
    expect(same.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    expect(same.filter((r) => !(r.status === 200 || (r.status === 409 && r.body.errors[0].code === 'IDEMPOTENCY_CONFLICT'))).map((r) => r.text)).toEqual([]);

    const deliveries = await db().selectFrom('webhook_deliveries').select(['id', 'endpoint_id', 'message_id', 'body', 'status']).where('tenant_id', '=', t.tenantId).execute();
    expect(deliveries.filter((d) => d.body.includes('"hook-idem"'))).toHaveLength(2); // one message, two endpoints
    expect(deliveries).toHaveLength(2 * 31);
    const deadline = Date.now() + 40_000;
    for (;;) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE tenant_id = ${t.tenantId} AND status = 'DELIVERED'`.execute(db());
      if (rows[0]!.n === deliveries.length) break;
      if (Date.now() > deadline) throw new Error(`webhooks not delivered: ${rows[0]!.n} of ${deliveries.length}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // A moment for a duplicate to show up, if a second process were to send one.
    await new Promise((r) => setTimeout(r, 500));

    const endpoints = await db().selectFrom('webhook_endpoints').select(['id', 'url']).where('tenant_id', '=', t.tenantId).execute();
    const all: (Received & { endpoint: string })[] = [];
    for (const e of endpoints) {
      const receiver = e.url === receivers.a!.url ? receivers.a! : receivers.b!;
      const mine = deliveries.filter((d) => d.endpoint_id === e.id);
      const ok = receiver.received.filter((r) => r.status === 200 && mine.some((d) => d.id === r.deliveryId));
      // Once per delivery, and once per message per endpoint, byte for byte the stored body.
      expect(ok.map((r) => r.deliveryId).sort()).toEqual(mine.map((d) => d.id).sort());
      expect(new Set(ok.map((r) => r.eventId)).size).toBe(mine.length);
      for (const r of ok) expect(r.body).toBe(mine.find((d) => d.id === r.deliveryId)!.body);
      all.push(...receiver.received.filter((r) => mine.some((d) => d.id === r.deliveryId)).map((r) => ({ ...r, endpoint: e.id })));
    }
    // Receiver B refused its first six requests: those deliveries were retried until they got through.
    expect(receivers.b!.received.filter((r) => r.status === 500)).toHaveLength(6);
    const byProcess = new Map<string, number>();
    for (const r of all) byProcess.set(roleOf(r.senderPid), (byProcess.get(roleOf(r.senderPid)) ?? 0) + 1);
    console.info(`webhook requests by sending process: ${[...byProcess].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    // Deliveries are shared out between processes (attribution needs Linux's /proc).
    if (!byProcess.has('unknown')) expect(byProcess.size).toBeGreaterThan(1);
  }, 60_000);

  describe('in-memory shortcuts refuse no less than the database, on any process', () => {
    it('the sync rate limit (60 a minute per key) holds across the three APIs together', async () => {
      const t = await ctx.createTenant('limits');
      const statuses: number[] = [];
      // An empty batch is refused by validation (400) after it was counted; a 429 is refused before.
      await inParallel(72, 18, async (i) => {
        const res = await api[i % 3]!.call('POST', '/v1/sync/tickets', { key: t.apiKey, body: [] });
        statuses.push(res.status);
      });
      expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
      // Windows are fixed minutes: a burst that straddles two may use both, but no window grants more than 60.
      const windows = await db().selectFrom('rate_limit_windows').select(['count']).where('tenant_id', '=', t.tenantId).execute();
      expect(sum(windows.map((w) => w.count))).toBe(72);
      expect(statuses.filter((s) => s !== 429)).toHaveLength(sum(windows.map((w) => Math.min(60, w.count))));
      expect(statuses.filter((s) => s === 429)).toHaveLength(sum(windows.map((w) => Math.max(0, w.count - 60))));
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 57_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
      // A full window refuses on every process.
      const filler = await Promise.all(Array.from({ length: 60 }, (_, i) => api[i % 3]!.call('POST', '/v1/sync/tickets', { key: t.apiKey, body: [] })));
      expect(filler.filter((r) => r.status !== 400 && r.status !== 429)).toEqual([]);
      for (const a of api) expectStatus(await a.call('POST', '/v1/sync/tickets', { key: t.apiKey, body: [] }), 429);
    }, 30_000);

    it(`a key revoked elsewhere stops working on every process within the key cache's ${KEY_CACHE_TTL_MS / 1000} s, and never comes back`, async () => {
      const t = await ctx.createTenant('revoked');
      // Every process has just looked the key up (and keeps it for KEY_CACHE_TTL_MS).
      for (const a of api) expectStatus(await a.call('GET', '/v1/events', { key: t.apiKey }), 200);
      // Revoked by another process (this one, through the tenants service, as `encore key revoke`).
      await revokeKeyByPrefix(ctx.deps, t.apiKey.slice(0, 12));
      const revokedAt = performance.now();
      const refusedAfter: (number | undefined)[] = api.map(() => undefined);
      for (;;) {
        const elapsed = performance.now() - revokedAt;
        if ((refusedAfter.every((ms) => ms !== undefined) && elapsed > KEY_CACHE_TTL_MS + 500) || elapsed > KEY_CACHE_TTL_MS + 10_000) break;
        const replies = await Promise.all(api.map((a) => a.call('GET', '/v1/events', { key: t.apiKey })));
        replies.forEach((r, p) => {
          if (r.status === 401) refusedAfter[p] ??= performance.now() - revokedAt;
          else {
            expectStatus(r, 200);
            expect(refusedAfter[p], `serve ${p + 1} accepted the key again after refusing it`).toBeUndefined();
          }
        });
        await new Promise((r) => setTimeout(r, 100));
      }
      console.info(`revoked key refused by serve 1/2/3 after ${refusedAfter.map((ms) => Math.round(ms ?? -1)).join(' / ')} ms`);
      // The bound is the cache's lifetime; the margin is this loop's own pace on a busy machine.
      for (const ms of refusedAfter) expect(ms).toBeLessThanOrEqual(KEY_CACHE_TTL_MS + 2_000);
    }, 30_000);
  });
});
