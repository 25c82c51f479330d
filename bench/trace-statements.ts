/**
 * `npx tsx bench/trace-statements.ts`: the statements one event create, one purchase-intent create
 * and one resale purchase (reserve, then pay) send, read from the embedded PostgreSQL's log
 * (log_statement = all): the round trips a request costs, and the ones to cut.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createEvent, createListings, createTickets, dataOf, withServedTenant } from './lib/marketplace.js';
import { createCapacityEvent, createCheckingStrategy, OPTION_ID } from './lib/purchase-intents.js';

await withServedTenant(4, console.log, async ({ client, db, apiKey, dataDir }) => {
  const strategyId = await createCheckingStrategy(client, apiKey, true);
  const showId = await createCapacityEvent(client, apiKey, 'warm', 10);
  const headers = { authorization: `Bearer ${apiKey}` };
  await client.request('POST', '/api/purchaseintents', { eventId: showId, strategyId, customerId: 'c0', tickets: [{ ticketTypeId: OPTION_ID, amount: 1, price: 30 }] }, headers);
  await createEvent(client, apiKey, 'resale');
  await createTickets(client, apiKey, 'resale', ['T1', 'T2']);
  const listings = await createListings(client, apiKey, ['T1', 'T2']);
  const buy = async (listingId: string, user: string) => {
    const reserved = await client.request('POST', '/v1/marketplace/buyingflow/buyIntention', { items: [listingId], user }, { authorization: apiKey });
    const intention = dataOf<{ intentionId: string; paymentUrl: string }>(reserved)!;
    const secret = new URL(intention.paymentUrl).searchParams.get('secret');
    mark('pay');
    return client.request('POST', `/v1/checkout/${encodeURIComponent(intention.intentionId)}/pay`, { secret, cardNumber: '4242424242424242' });
  };
  await db.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await db.query('SELECT pg_reload_conf()');
  await new Promise((r) => setTimeout(r, 300));
  let file = '';
  const mark = (label: string) => file && fs.appendFileSync(file, `\n===== ${label}\n`);
  await buy(listings[0]!, 'warm@x.example');
  const log = fs.readdirSync(dataDir, { recursive: true }).map(String).find((f) => f.endsWith('postgres.log'));
  file = path.join(dataDir, log ?? 'postgres.log');
  mark('event create');
  await createCapacityEvent(client, apiKey, 'traced', 10);
  await new Promise((r) => setTimeout(r, 300));
  mark('purchase-intent create');
  const res = await client.request('POST', '/api/purchaseintents', { eventId: showId, strategyId, customerId: 'c1', tickets: [{ ticketTypeId: OPTION_ID, amount: 1, price: 30 }] }, headers);
  await new Promise((r) => setTimeout(r, 300));
  mark(`purchase-intent answered ${res.status}; resale purchase: reserve`);
  const paid = await buy(listings[1]!, 'traced@x.example');
  await new Promise((r) => setTimeout(r, 300));
  mark(`end (${paid.status})`);
  const text = fs.readFileSync(file, 'utf8');
  console.log(text.slice(text.indexOf('===== event create')));
});
