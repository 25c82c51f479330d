import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, type LoadResult } from './lib/load.js';
import { createEvent, createListings, createTickets, dataOf, sellerOf, withServedTenant, type Served } from './lib/marketplace.js';
import type { Benchmark, BenchReport, Metric, RunOptions } from './lib/report.js';
import { table } from './lib/report.js';
import { startBareBytes } from './lib/servers.js';
import { fmtNum } from './lib/stats.js';

/**
 * Issue 12's targets for the hosted pages: the buy page of a show with 500 active listings and the
 * checkout page, in requests/s and p99 beside a bare Fastify route sending the very same bytes from
 * memory (measured in the same run; target ≥ 0.3); and the weight of every page (HTML + CSS + JS,
 * uncompressed; the checkout ≤ 30 KB), with no web font and no request to any other host.
 */

const TARGET_RATIO = 0.3;
/** What the figures mean, kept with the benchmark so every rewrite of BENCHMARKS.md carries it. */
const NOTE =
  "The buy page meets its ratio only through the public-page cache (`PAGE_CACHE_MS`, 1 s: a visitor who is not signed in gets the page rendered at most once a second per process, with their own nonces and CSRF token); it lands right at the target (0.25–0.31 over this session's runs, depending on the machine's other load). The checkout page misses: it is one fan's private page, rendered on every request from about 16 statements (the intention, its items, listings and tickets, the event tree and rules, the tenant, the extension's two demand checks; several are read twice), while the reference does no I/O at all; caching it would show a stale state right after paying when the next request lands on another process. Removing the repeated reads is the next step; 0.3 of bytes from memory would need the page from memory.";
const WEIGHT_LIMIT = 30 * 1024;
const LISTINGS = 500;
/** The integrator's site: the buying-flow entrypoint requires a returnTo on it. */
const SHOP = 'https://shop.bench.example';

interface PageUrl {
  name: string;
  path: string;
  cookie?: string | undefined;
}

interface Weight {
  name: string;
  status: number;
  html: number;
  assets: number;
  foreign: string[];
  fonts: boolean;
}

async function measure(opts: RunOptions, label: string, base: Parameters<typeof load>[0]): Promise<LoadResult> {
  if (opts.warmupS > 0) await load({ ...base, durationS: opts.warmupS });
  opts.log(`  ${label}: measuring ${opts.durationS} s with ${base.connections} connections`);
  const r = await load(base);
  opts.log(`  ${label}: ${fmtNum(r.reqPerSec)} req/s, p99 ${r.latencyP99Ms} ms${r.problems.length ? ` — ${r.problems.join('; ')}` : ''}`);
  return r;
}

const pathOf = (url: string): string => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

async function apiUrl(s: Served, method: string, url: string, body?: unknown): Promise<string> {
  const res = await s.client.request(method, url, body, { authorization: s.apiKey });
  const data = dataOf<unknown>(res);
  const found = typeof data === 'string' ? data : (data as { paymentUrl?: string } | undefined)?.paymentUrl;
  if (res.status !== 200 || typeof found !== 'string') throw new Error(`${method} ${url} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return found;
}

/** Follows the one-time-token hop of a signed link: the session cookie and the clean path. */
async function signedIn(base: string, url: string): Promise<{ path: string; cookie: string }> {
  const res = await fetch(`${base}${pathOf(url)}`, { redirect: 'manual' });
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const location = res.headers.get('location');
  if (res.status !== 303 || !location || !cookies.some((c) => c.startsWith('encore_session='))) throw new Error(`the signed link answered ${res.status} without a session`);
  return { path: location, cookie: cookies.join('; ') };
}

async function weigh(base: string, page: PageUrl): Promise<Weight> {
  const res = await fetch(`${base}${page.path}`, { headers: page.cookie ? { cookie: page.cookie } : {} });
  const html = await res.text();
  const refs = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))
    // A data: URL (the empty favicon) is no request at all.
    .filter((r) => !r.startsWith('data:'));
  const origin = new URL(base).origin;
  const foreign = refs.filter((r) => new URL(r, base).origin !== origin);
  let assets = 0;
  let fonts = /@font-face|\.woff2?|fonts\.googleapis/.test(html);
  for (const r of refs.filter((x) => new URL(x, base).origin === origin)) {
    const a = await fetch(new URL(r, base));
    const text = await a.text();
    if (/@font-face|\.woff2?/.test(text)) fonts = true;
    assets += Buffer.byteLength(text);
  }
  return { name: page.name, status: res.status, html: Buffer.byteLength(html), assets, foreign, fonts };
}

async function ratioRun(opts: RunOptions, s: Served, label: string, page: PageUrl): Promise<{ encore: LoadResult; bare: LoadResult; bytes: number }> {
  const res = await fetch(`${s.encore.url}${page.path}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${label} answered ${res.status}`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'encore-page-')), 'page.html');
  fs.writeFileSync(file, body);
  const encore = await measure(opts, label, { url: s.encore.url, method: 'GET', path: page.path, connections: opts.connections, durationS: opts.durationS });
  const bareServer = await startBareBytes(file);
  let bare: LoadResult;
  try {
    bare = await measure(opts, `${label}: bare bytes`, { url: bareServer.url, method: 'GET', path: '/page', connections: opts.connections, durationS: opts.durationS });
  } finally {
    await bareServer.stop();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  return { encore, bare, bytes: body.length };
}

const kb = (n: number): string => `${fmtNum(n / 1024, 1)} KB`;

export const pagesBench: Benchmark = {
  name: 'pages',
  title: 'Hosted pages: buy page (500 listings) and checkout beside bare bytes; every page’s weight',
  async run(opts): Promise<BenchReport> {
    return withServedTenant(8, opts.log, async (s) => {
      const problems: string[] = [];
      await createEvent(s.client, s.apiKey, 'pages-bench');
      const sellers = Array.from({ length: LISTINGS + 3 }, (_, i) => `P${String(i).padStart(5, '0')}`);
      opts.log(`  set-up: ${LISTINGS} listings, and tickets for the seller pages`);
      await createTickets(s.client, s.apiKey, 'pages-bench', sellers);
      // Prices from 40 to 64.95: a page of distinct offers (identical ones are one row with a count).
      const listingIds = await createListings(s.client, s.apiKey, sellers.slice(0, LISTINGS), 8, (i) => 40 + (i % 100) * 0.25);
      const base = s.encore.url;
      const seller = sellerOf(sellers[LISTINGS]!);
      const trust = `&loginTrust[withMethod]=email&loginTrust[user]=${encodeURIComponent(seller)}`;

      const buyUrl = await apiUrl(s, 'GET', `/v1/marketplace/buyingflow/url/entrypoint?externalReferenceEventId=pages-bench&showId=main&lang=en&returnTo=${encodeURIComponent(`${SHOP}/events/pages-bench`)}`);
      const saleUrl = await apiUrl(s, 'GET', `/v1/events/tickets/salePublicUrl?ticketId=${sellers[0]}&lang=en`);
      const paymentUrl = await apiUrl(s, 'POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listingIds[LISTINGS - 1]], user: 'buyer@fans.example' });
      const sell = await signedIn(base, await apiUrl(s, 'GET', `/v1/marketplace/sellingflow/url/entrypoint?ticketId=${sellers[LISTINGS]}&lang=en${trust}`));
      const detailsUrl = await apiUrl(s, 'GET', `/v1/marketplace/sellingflow/details/url?ticketId=${sellers[0]}&lang=en`);
      const tenantPath = `/en/marketplace/tenants/${s.tenantId}`;
      const pages: PageUrl[] = [
        { name: `buy (${LISTINGS} listings)`, path: pathOf(buyUrl) },
        { name: 'sale public URL', path: pathOf(saleUrl) },
        { name: 'checkout', path: pathOf(paymentUrl) },
        { name: 'sell a ticket', path: sell.path, cookie: sell.cookie },
        { name: 'listing details (not the seller: sign-in)', path: pathOf(detailsUrl) },
        { name: 'my tickets', path: `${tenantPath}/tickets`, cookie: sell.cookie },
        { name: 'payout details', path: `${tenantPath}/payout-details`, cookie: sell.cookie },
        { name: 'sign-in', path: `/en/signin?tenant=${s.tenantId}` },
        { name: 'not found', path: '/en/no-such-page' },
      ];
      const weights: Weight[] = [];
      for (const p of pages) weights.push(await weigh(base, p));
      for (const w of weights) {
        if (w.status >= 500) problems.push(`${w.name} answered ${w.status}`);
        if (w.foreign.length) problems.push(`${w.name} requests other hosts: ${w.foreign.join(', ')}`);
      }
      const checkout = weights.find((w) => w.name === 'checkout')!;

      const buyRun = await ratioRun(opts, s, 'buy page', pages[0]!);
      const checkoutRun = await ratioRun(opts, s, 'checkout page', pages[2]!);
      for (const r of [buyRun, checkoutRun]) problems.push(...r.encore.problems, ...r.bare.problems);
      const ratio = (r: typeof buyRun): number => r.encore.reqPerSec / r.bare.reqPerSec;

      const summary: Metric[] = [
        { metric: `buy page, ${LISTINGS} listings (${kb(buyRun.bytes)}): req/s vs bare bytes`, value: `${fmtNum(ratio(buyRun), 2)} (${fmtNum(buyRun.encore.reqPerSec)} vs ${fmtNum(buyRun.bare.reqPerSec)}; p99 ${buyRun.encore.latencyP99Ms} vs ${buyRun.bare.latencyP99Ms} ms)`, target: `≥ ${TARGET_RATIO}`, pass: ratio(buyRun) >= TARGET_RATIO },
        { metric: `checkout page (${kb(checkoutRun.bytes)}): req/s vs bare bytes`, value: `${fmtNum(ratio(checkoutRun), 2)} (${fmtNum(checkoutRun.encore.reqPerSec)} vs ${fmtNum(checkoutRun.bare.reqPerSec)}; p99 ${checkoutRun.encore.latencyP99Ms} vs ${checkoutRun.bare.latencyP99Ms} ms)`, target: `≥ ${TARGET_RATIO}`, pass: ratio(checkoutRun) >= TARGET_RATIO },
        { metric: 'checkout page weight (HTML + CSS + JS, uncompressed)', value: kb(checkout.html + checkout.assets), target: '≤ 30 KB', pass: checkout.html + checkout.assets <= WEIGHT_LIMIT },
        { metric: 'web fonts, requests to other hosts (every page)', value: `${weights.some((w) => w.fonts) ? 'fonts found' : 'no fonts'}, ${weights.reduce((n, w) => n + w.foreign.length, 0)} foreign requests`, target: 'none', pass: !weights.some((w) => w.fonts || w.foreign.length > 0) },
      ];
      const details = [
        `Encore \`serve\` on a fresh embedded PostgreSQL; one show with ${LISTINGS} active listings. Each page is fetched as a browser would (signed-in pages with the session cookie a one-time-token link sets); the reference is a bare Fastify route sending the same bytes from memory (\`bench/lib/bare-bytes-server.ts\`), measured in the same run with the same ${opts.connections} connections for ${opts.durationS} s.`,
        '',
        table(
          ['run', 'req/s', 'p50 ms', 'p99 ms'],
          [
            ['buy page', fmtNum(buyRun.encore.reqPerSec), String(buyRun.encore.latencyP50Ms), String(buyRun.encore.latencyP99Ms)],
            ['buy page bytes, bare', fmtNum(buyRun.bare.reqPerSec), String(buyRun.bare.latencyP50Ms), String(buyRun.bare.latencyP99Ms)],
            ['checkout page', fmtNum(checkoutRun.encore.reqPerSec), String(checkoutRun.encore.latencyP50Ms), String(checkoutRun.encore.latencyP99Ms)],
            ['checkout bytes, bare', fmtNum(checkoutRun.bare.reqPerSec), String(checkoutRun.bare.latencyP50Ms), String(checkoutRun.bare.latencyP99Ms)],
          ],
        ),
        '',
        NOTE,
        '',
        'Every page’s weight (uncompressed; the CSS and the script are shared and cached a year, so a second page costs only its HTML):',
        '',
        table(
          ['page', 'status', 'HTML', 'CSS + JS', 'total'],
          weights.map((w) => [w.name, String(w.status), kb(w.html), kb(w.assets), kb(w.html + w.assets)]),
        ),
      ].join('\n');
      return { summary, details, problems };
        },
    // BENCH_NODE_OPTIONS=--cpu-prof… profiles the served process (where the time of a page goes).
    process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : undefined,
    { returnOrigins: [SHOP] });
  },
};
