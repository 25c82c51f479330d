/**
 * Set-up and checks of the purchase-intents benchmark: a checking strategy through
 * `POST /api/purchaseintents/strategies`, one event per round whose single show has one ticket option
 * of a given capacity (`POST /v1/events`), and the database count of the places held for that option.
 */
import type pg from 'pg';
import { dataOf, type Client } from './marketplace.js';

export const OPTION_ID = 'ga';

/** A strategy with checkAvailability (and createTickets: RESERVED tickets); returns its `_id`. */
export async function createCheckingStrategy(client: Client, apiKey: string, createTickets: boolean): Promise<string> {
  const res = await client.request(
    'POST',
    '/api/purchaseintents/strategies',
    {
      name: 'bench-checked',
      availabilityStrategy: { createTickets, checkAvailability: true, withoutSeats: false, createValidTickets: false },
      expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
      needsApproval: false,
      cancellationStrategy: 'cancellationAllowed',
    },
    { authorization: `Bearer ${apiKey}` },
  );
  const id = (JSON.parse(res.text) as { _id?: string })._id;
  if (res.status !== 201 || !id) throw new Error(`POST /api/purchaseintents/strategies answered ${res.status}: ${res.text.slice(0, 500)}`);
  return id;
}

/** One event with one show and one ticket option `ga` (30 EUR, `capacity`); returns the show's Encore id. */
export async function createCapacityEvent(client: Client, apiKey: string, ref: string, capacity: number): Promise<string> {
  const res = await client.request(
    'POST',
    '/v1/events',
    {
      externalReferenceId: ref,
      title: 'Purchase-intent benchmark',
      description: 'One show, one ticket option with a capacity',
      location: { venueName: 'Sala Apolo', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: OPTION_ID, title: 'General', price: 30, capacity }] }],
    },
    { authorization: apiKey },
  );
  const showId = dataOf<{ shows?: { id?: string }[] }>(res)?.shows?.[0]?.id;
  if (res.status !== 200 || !showId) throw new Error(`POST /v1/events answered ${res.status}: ${res.text.slice(0, 500)}`);
  return showId;
}

/** What the database holds for one ticket option of one show. */
export interface Held {
  /** Sum of the line amounts of `new` intents. */
  placesHeld: number;
  newIntents: number;
  /** Tickets of the option not INVALID/CANCELLED/DELETED, and those of them RESERVED. */
  liveTickets: number;
  reservedTickets: number;
}

export async function heldFor(db: pg.Pool, tenantId: string, showPk: string, optionId: string): Promise<Held> {
  const intents = await db.query<{ places: string | null; intents: string }>(
    `SELECT sum(l.amount) AS places, count(DISTINCT p.id) AS intents
       FROM purchase_intent_lines l
       JOIN purchase_intents p ON p.tenant_id = l.tenant_id AND p.id = l.intent_id
      WHERE l.tenant_id = $1 AND l.show_pk = $2 AND l.ticket_option_id = $3 AND p.status = 'new'`,
    [tenantId, showPk, optionId],
  );
  const tickets = await db.query<{ live: string; reserved: string }>(
    `SELECT count(*) FILTER (WHERE status NOT IN ('INVALID', 'CANCELLED', 'DELETED')) AS live, count(*) FILTER (WHERE status = 'RESERVED') AS reserved
       FROM tickets WHERE tenant_id = $1 AND show_pk = $2 AND ticket_option_id = $3`,
    [tenantId, showPk, optionId],
  );
  return {
    placesHeld: Number(intents.rows[0]?.places ?? 0),
    newIntents: Number(intents.rows[0]?.intents ?? 0),
    liveTickets: Number(tickets.rows[0]?.live ?? 0),
    reservedTickets: Number(tickets.rows[0]?.reserved ?? 0),
  };
}
