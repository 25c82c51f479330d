import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { load, type LoadResult } from './lib/load.js';
import { createEvent, createListings, createTickets, dataOf, withServedTenant, type Served } from './lib/marketplace.js';
import { eventPayload } from './lib/payload.js';
import type { Benchmark, BenchReport, Metric, RunOptions } from './lib/report.js';
import { table } from './lib/report.js';
import { startBare, startBareDb, type Server } from './lib/servers.js';
import { fmtNum } from './lib/stats.js';

/**
 * Issue 11's targets: the Smart Access Layer's buy mode on a show with 2,000 active listings and
 * sell mode for 100 tickets of one fan, beside the bare Fastify route and the bare route + 1 INSERT
 * measured in the same run (the events benchmark's references: the same servers and bodies);
 * and wishlist alerts: 1,000 WISHLIST leads on one show, then 200 listings created, every alert
 * delivered once to a real SMTP server in this process, and the time to the last one.
 */

const TARGET_BUY_RATIO = 0.3;
const LISTINGS = 2_000;
const FAN_TICKETS = 100;
const FAN = 'fan@fans.example';
const LEADS = 1_000;
const ALERT_LISTINGS = 200;
/**
 * The wishlist flow's rules (modules/market-data): a listing alerts the first 50 waiting leads, and a
 * lead is alerted at most once an hour per show, so within the run every lead is alerted exactly once.
 */
const ALERTS_PER_LISTING = 50;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A real SMTP server that keeps the recipient and the time of every message. */
async function startSmtp(): Promise<{ url: string; received: { to: string; body: string; at: number }[]; close(): Promise<void> }> {
  const received: { to: string; body: string; at: number }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address, body: Buffer.concat(chunks).toString(), at: performance.now() });
        done();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function measure(opts: RunOptions, label: string, base: Parameters<typeof load>[0]): Promise<LoadResult> {
  if (opts.warmupS > 0) await load({ ...base, durationS: opts.warmupS });
  opts.log(`  ${label}: measuring ${opts.durationS} s with ${base.connections} connections`);
  const r = await load(base);
  opts.log(`  ${label}: ${fmtNum(r.reqPerSec)} req/s, p99 ${r.latencyP99Ms} ms${r.problems.length ? ` — ${r.problems.join('; ')}` : ''}`);
  return r;
}

/** The events benchmark's references: a fresh event body per request, to the bare server or the bare + INSERT server. */
function eventLoad(server: Server, opts: RunOptions): Parameters<typeof load>[0] {
  let n = 0;
  const run = Math.random().toString(36).slice(2, 8);
  return { url: server.url, method: 'POST', path: '/v1/events', connections: opts.connections, durationS: opts.durationS, body: () => JSON.stringify(eventPayload(`sal-${run}-${++n}`)) };
}

async function setUpMarket(s: Served, opts: RunOptions): Promise<{ fanTickets: string[] }> {
  const headers = { authorization: s.apiKey };
  await createEvent(s.client, s.apiKey, 'sal-bench');
  const sellers = Array.from({ length: LISTINGS }, (_, i) => `S${String(i).padStart(5, '0')}`);
  opts.log(`  set-up: ${LISTINGS} tickets and listings`);
  await createTickets(s.client, s.apiKey, 'sal-bench', sellers);
  await createListings(s.client, s.apiKey, sellers);
  const fanTickets = Array.from({ length: FAN_TICKETS }, (_, i) => `F${String(i).padStart(4, '0')}`);
  const res = await s.client.request(
    'POST',
    '/v1/sync/tickets',
    fanTickets.map((ticketId) => ({ externalReferenceEventId: 'sal-bench', buyer: FAN, ticketId, ticketAccess: { type: 'URL', locator: `https://t.example/${ticketId}` }, ticketOptionId: 'ga', orderId: 'FAN-ORDER' })),
    headers,
  );
  if (res.status !== 200) throw new Error(`POST /v1/sync/tickets answered ${res.status}: ${res.text.slice(0, 500)}`);
  // A fifth of the fan's tickets on sale: FOR_SALE rows with their listing, the rest SELLABLE.
  for (const ticketId of fanTickets.slice(0, FAN_TICKETS / 5)) {
    const listed = await s.client.request('POST', '/v1/marketplace/listings', { ticketIds: [ticketId], price: 45, sellerEmail: FAN }, headers);
    if (listed.status !== 200) throw new Error(`listing ${ticketId} answered ${listed.status}: ${listed.text.slice(0, 300)}`);
  }
  return { fanTickets };
}

async function smoke(s: Served, buyPath: string, sellBody: string): Promise<string[]> {
  const problems: string[] = [];
  const buy = await s.client.request('GET', buyPath, undefined, { authorization: s.apiKey });
  const components = dataOf<{ components: { id: string; items?: { listingsCount: number }[] }[] }>(buy)?.components ?? [];
  const listed = components.find((c) => c.id === 'resale-list')?.items?.reduce((n, i) => n + i.listingsCount, 0);
  if (buy.status !== 200 || listed !== LISTINGS + FAN_TICKETS / 5) problems.push(`buy mode answered ${buy.status} with ${listed} listings (expected ${LISTINGS + FAN_TICKETS / 5}): ${buy.text.slice(0, 300)}`);
  const sell = await s.client.request('POST', '/v1/wrapper/accesslayer?lang=en', JSON.parse(sellBody), { authorization: s.apiKey });
  const rows = dataOf<{ tickets: { status: string }[] }>(sell)?.tickets ?? [];
  const forSale = rows.filter((r) => r.status === 'FOR_SALE').length;
  const sellable = rows.filter((r) => r.status === 'SELLABLE').length;
  if (sell.status !== 200 || forSale !== FAN_TICKETS / 5 || sellable !== FAN_TICKETS - FAN_TICKETS / 5) {
    problems.push(`sell mode answered ${sell.status} with ${forSale} FOR_SALE and ${sellable} SELLABLE: ${sell.text.slice(0, 300)}`);
  }
  return problems;
}

/** 1,000 WISHLIST leads on a second show, then 200 listings; waits for every alert at the SMTP server. */
async function wishlistRun(s: Served, smtp: Awaited<ReturnType<typeof startSmtp>>, opts: RunOptions): Promise<{ metrics: Metric[]; problems: string[]; detail: string[][] }> {
  const headers = { authorization: s.apiKey };
  const problems: string[] = [];
  await createEvent(s.client, s.apiKey, 'wish-bench');
  const leads = Array.from({ length: LEADS }, (_, i) => ({ type: 'WISHLIST', externalReferenceEventId: 'wish-bench', showId: 'main', buyer: { email: `lead${i}@wish.example` } }));
  const bulk = await s.client.request('POST', '/v1/marketdata/users/bulk', leads, headers);
  const created = (dataOf<{ status: string }[]>(bulk) ?? []).filter((r) => r.status === 'created').length;
  if (bulk.status !== 200 || created !== LEADS) throw new Error(`leads bulk answered ${bulk.status} with ${created} created: ${bulk.text.slice(0, 300)}`);
  const sellers = Array.from({ length: ALERT_LISTINGS }, (_, i) => `W${String(i).padStart(4, '0')}`);
  await createTickets(s.client, s.apiKey, 'wish-bench', sellers);
  opts.log(`  wishlist: ${LEADS} leads waiting; creating ${ALERT_LISTINGS} listings`);
  const before = smtp.received.length;
  const t0 = performance.now();
  await createListings(s.client, s.apiKey, sellers);
  const listedMs = performance.now() - t0;
  const expected = Math.min(LEADS, ALERT_LISTINGS * ALERTS_PER_LISTING);
  const deadline = Date.now() + 10 * 60_000;
  while (smtp.received.length - before < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const mails = smtp.received.slice(before);
  const lastMs = mails.length > 0 ? Math.max(...mails.map((m) => m.at)) - t0 : NaN;
  // Once per (lead, listing): the mail names the listing's ticket in its buy-page link.
  const pairs = new Set(mails.map((m) => `${m.to} ${/ticketId=([A-Z0-9]+)/.exec(m.body.replace(/=\r?\n/g, ''))?.[1] ?? '?'}`));
  // Give a late duplicate the chance to arrive before counting.
  await new Promise((r) => setTimeout(r, 2000));
  const all = smtp.received.slice(before);
  const leadsMailed = new Set(all.map((m) => m.to));
  if (all.length !== expected) problems.push(`wishlist: ${all.length} mails arrived, expected ${expected} (every lead once: 50 per listing, a lead at most once an hour)`);
  if (leadsMailed.size !== all.length) problems.push(`wishlist: ${all.length - leadsMailed.size} leads mailed more than once`);
  if (pairs.size !== mails.length) problems.push(`wishlist: ${mails.length - pairs.size} duplicate alerts (same lead and listing)`);
  if ([...pairs].some((p) => p.endsWith(' ?'))) problems.push('wishlist: a mail without the listing’s link');
  const seconds = lastMs / 1000;
  return {
    problems,
    metrics: [
      { metric: `wishlist: alerts delivered (${LEADS} leads, ${ALERT_LISTINGS} listings)`, value: `${fmtNum(mails.length)} of ${fmtNum(expected)}, to ${fmtNum(new Set(mails.map((m) => m.to)).size)} distinct leads` },
      { metric: 'wishlist: time from the first listing to the last alert at the SMTP server', value: `${fmtNum(seconds, 1)} s (${fmtNum(mails.length / seconds)} mails/s)` },
    ],
    detail: [
      ['listings created (8 in flight)', `${fmtNum(listedMs / 1000, 1)} s`],
      ['alerts per listing', `at most ${ALERTS_PER_LISTING}, a lead at most once an hour per show`],
      ['last alert delivered', `${fmtNum(seconds, 1)} s after the first listing request`],
    ],
  };
}

export const accessLayerBench: Benchmark = {
  name: 'access-layer',
  title: 'Smart Access Layer (buy mode, 2,000 listings; sell mode, 100 tickets) and wishlist alerts',
  async run(opts): Promise<BenchReport> {
    const problems: string[] = [];
    opts.log('  bare Fastify baseline: starting');
    const bare = await startBare();
    let bareResult: LoadResult;
    try {
      bareResult = await measure(opts, 'bare', eventLoad(bare, opts));
    } finally {
      await bare.stop();
    }
    const smtp = await startSmtp();
    try {
      return await withServedTenant(
        8,
        opts.log,
        async (s) => {
          const { fanTickets } = await setUpMarket(s, opts);
          const headers = { authorization: s.apiKey };
          const buyPath = '/v1/wrapper/accesslayer?type=buy&eventId=sal-bench&showId=main&lang=en';
          const sellBody = JSON.stringify({ user: FAN, tickets: fanTickets.map((ticketId) => ({ ticketId })) });
          problems.push(...(await smoke(s, buyPath, sellBody)));
          const buy = await measure(opts, 'buy mode', { url: s.encore.url, method: 'GET', path: buyPath, headers, connections: opts.connections, durationS: opts.durationS });
          // Every request a miss: a language tag of its own (negotiated to en) defeats the process cache.
          let miss = 0;
          const uncached = await measure(opts, 'buy mode, uncached', { url: s.encore.url, method: 'GET', path: buyPath, pathFor: () => `${buyPath}-x-${++miss}`, headers, connections: opts.connections, durationS: opts.durationS });
          const sell = await measure(opts, 'sell mode', { url: s.encore.url, method: 'POST', path: '/v1/wrapper/accesslayer?lang=en', headers, connections: opts.connections, durationS: opts.durationS, body: () => sellBody });
          opts.log('  bare Fastify + 1 INSERT: starting on the same embedded PostgreSQL');
          const bareDb = await startBareDb(s.dataDir);
          let dbResult: LoadResult;
          try {
            dbResult = await measure(opts, 'bare + INSERT', eventLoad(bareDb, opts));
          } finally {
            await bareDb.stop();
          }
          const wish = await wishlistRun(s, smtp, opts);
          for (const [name, r] of [
            ['bare', bareResult],
            ['buy mode', buy],
            ['buy mode, uncached', uncached],
            ['sell mode', sell],
            ['bare + 1 INSERT', dbResult],
          ] as const) {
            if (r.problems.length) problems.push(`${name}: ${r.problems.join('; ')}`);
          }
          problems.push(...wish.problems);
          const ratio = (a: LoadResult, b: LoadResult) => a.reqPerSec / b.reqPerSec;
          const buyRatio = ratio(buy, dbResult);
          const summary: Metric[] = [
            { metric: `buy mode (${LISTINGS} active listings) throughput`, value: `${fmtNum(buy.reqPerSec)} req/s` },
            { metric: 'buy mode p99 latency', value: `${buy.latencyP99Ms} ms` },
            { metric: 'ratio buy mode / bare + 1 INSERT', value: fmtNum(buyRatio, 2), target: `≥ ${TARGET_BUY_RATIO}`, pass: buyRatio >= TARGET_BUY_RATIO },
            { metric: 'ratio buy mode / bare', value: fmtNum(ratio(buy, bareResult), 2) },
            { metric: 'buy mode computed every time (cache missed) throughput / p99', value: `${fmtNum(uncached.reqPerSec)} req/s / ${uncached.latencyP99Ms} ms` },
            { metric: 'ratio buy mode computed every time / bare + 1 INSERT', value: fmtNum(ratio(uncached, dbResult), 2) },
            { metric: `sell mode (${FAN_TICKETS} tickets, one token per CTA) throughput`, value: `${fmtNum(sell.reqPerSec)} req/s` },
            { metric: 'sell mode p99 latency', value: `${sell.latencyP99Ms} ms` },
            { metric: 'ratio sell mode / bare + 1 INSERT', value: fmtNum(ratio(sell, dbResult), 2) },
            { metric: 'ratio sell mode / bare', value: fmtNum(ratio(sell, bareResult), 3) },
            { metric: 'reference: bare Fastify throughput / p99', value: `${fmtNum(bareResult.reqPerSec)} req/s / ${bareResult.latencyP99Ms} ms` },
            { metric: 'reference: bare Fastify + 1 INSERT throughput / p99', value: `${fmtNum(dbResult.reqPerSec)} req/s / ${dbResult.latencyP99Ms} ms` },
            ...wish.metrics,
          ];
          const row = (name: string, r: LoadResult) => [name, fmtNum(r.reqPerSec), String(r.latencyP50Ms), String(r.latencyP99Ms), fmtNum(r.ok2xx)];
          const details = [
            `Every run lasts ${opts.durationS} s with ${opts.connections} connections after ${opts.warmupS} s of warm-up. Buy mode: \`GET ${buyPath}\` on a show with ${LISTINGS} ACTIVE listings (one seller each) plus the fan's, ` +
              'as integrators call it, answered from the process cache for up to ACCESS_LAYER_CACHE_MS (1 s); then the same with a language tag of its own per request (`lang=en-x-N`), so every answer is computed. ' +
              `Sell mode: \`POST /v1/wrapper/accesslayer\` with the ${FAN_TICKETS} tickets of one fan (${FAN_TICKETS / 5} listed), which issues a single-use token per CTA URL (${FAN_TICKETS + FAN_TICKETS / 5} per call). ` +
              'Both read with a fixed number of queries whatever the count (asserted in src/api/marketplace/access-layer*.routes.test.ts). The references are the events benchmark’s: the bare Fastify route validating and answering an event body, and the same plus one INSERT, on the same embedded PostgreSQL.',
            '',
            table(['run', 'req/s', 'p50 ms', 'p99 ms', '2xx'], [row('bare Fastify', bareResult), row('buy mode (process cache, 1 s)', buy), row('buy mode, every request a miss', uncached), row('sell mode', sell), row('bare + 1 INSERT', dbResult)]),
            '',
            `Wishlist alerts: ${LEADS} WISHLIST leads on one show (one bulk call), then ${ALERT_LISTINGS} listings created 8 at a time; serve delivers the outbox to an SMTP server in the benchmark process (smtp-server), which counts every message and its (recipient, listing) pair.`,
            '',
            table(['wishlist', 'value'], wish.detail),
          ].join('\n');
          return { summary, details, problems };
        },
        { SMTP_URL: smtp.url },
      );
    } finally {
      await smtp.close();
    }
  },
};
