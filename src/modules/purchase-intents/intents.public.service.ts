import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import type { Executor } from '../../db/tx.js';
import { toMajor } from '../../lib/money.js';
import type { Actor } from '../audit/index.js';
import { intentView, type IntentRow } from './intents.model.js';
import { publicIntentsRepository as pub } from './intents.public.repository.js';
import { notFound, type IntentView } from './intents.service.js';

/**
 * The public, secret-guarded purchase-intent endpoints (SPEC §7, ADR 0011): no API key; the intent's
 * `secret` is the credential, and a missing or wrong one is a 404 exactly like an unknown id.
 * The reads that need other modules (tickets, the show) and the checkout are flows
 * (flows/purchase-intent-public.ts, flows/purchase-intent-checkout.ts).
 */

export type PublicDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

export const publicActor = (tenantId: string): Actor => ({ tenantId, label: 'public:purchaseintents' });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The intent for its secret's holder; a missing or wrong secret is indistinguishable from an unknown id. */
export async function findBySecret(ex: Executor, id: string, secret: string | undefined, opts: { lock?: boolean } = {}): Promise<IntentRow> {
  if (secret === undefined || secret === '') throw notFound(id);
  const rows = await pub.findById(ex, id, opts);
  const row = rows.find((r) => sameSecret(r.secret, secret));
  if (!row) throw notFound(id);
  return row;
}

export async function getPublicIntent(deps: Pick<Deps, 'db'>, id: string, secret: string | undefined): Promise<IntentView> {
  return intentView(await findBySecret(deps.db, id, secret));
}

/** Encore's ticket status → the reference's ticket status enum (VALID, INVALID, RESERVED, …). */
function publicTicketStatus(status: string): 'VALID' | 'INVALID' | 'RESERVED' {
  if (status === 'RESERVED') return 'RESERVED';
  if (status === 'VALID' || status === 'LISTED' || status === 'USED') return 'VALID';
  return 'INVALID';
}

/** A ticket of an intent, as the tickets module keeps it. */
export interface IntentTicket {
  ticket_id: string;
  ticket_option_id: string;
  status: string;
  price_minor: number | null;
  currency: string;
  access_locator: string;
  access_status: string;
  props: unknown;
  created_at: Date;
  updated_at: Date;
}

/**
 * The intent's tickets as the reference shapes them (`GET …/tickets`): the tickets it issued
 * (`createTickets`, or at completion). `barcode` is the access code once it is UNLOCKED; while the
 * ticket is only reserved (LOCKED) it is a placeholder and `barcodeRevealed` is false. `secret` is a
 * digest of the access code, stable and not the code itself.
 */
export function publicTicketsView(row: IntentRow, tickets: readonly IntentTicket[], options: ReadonlyMap<string, { title: string; priceMinor: number }>): Record<string, unknown>[] {
  const people = { name: row.name, firstname: row.firstname, lastname: row.lastname, email: row.email };
  return tickets.map((t) => {
    const option = options.get(t.ticket_option_id);
    const revealed = t.access_status === 'UNLOCKED';
    const seating = (t.props as { seating?: { row?: string; seat?: string; section?: string } } | null)?.seating;
    const seat = seating ? [seating.section, seating.row, seating.seat].filter((v) => typeof v === 'string' && v !== '').join(' / ') : '';
    return {
      _id: t.ticket_id,
      sellerId: row.tenant_id,
      eventId: row.event_ref,
      ticketTypeId: t.ticket_option_id,
      ticketName: option?.title ?? t.ticket_option_id,
      ...(option ? { regularPrice: toMajor(option.priceMinor, row.currency) } : {}),
      ...(t.price_minor !== null ? { realPrice: toMajor(t.price_minor, t.currency) } : {}),
      ...Object.fromEntries(Object.entries(people).filter(([, v]) => v !== null)),
      status: publicTicketStatus(t.status),
      completed: row.status === 'complete',
      secret: createHash('sha256').update(`ticket-secret:${t.access_locator}`).digest('base64url').slice(0, 24),
      barcode: revealed ? t.access_locator : `locked:${t.ticket_id}`,
      barcodeRevealed: revealed,
      ...(seat !== '' ? { seat } : {}),
      type: 'SINGLE',
      deliveryType: 'VIRTUAL',
      ...(row.transaction_id !== null ? { transactionId: row.transaction_id } : {}),
      createdAt: t.created_at.toISOString(),
      updatedAt: t.updated_at.toISOString(),
    };
  });
}

/**
 * The tenants that hold an intent with this id (ids are random: one, or none). For CORS only: it
 * reveals nothing to the caller, who learns at most whether its own origin is allowed.
 */
export async function tenantsOfPublicIntent(deps: Pick<Deps, 'db'>, id: string): Promise<string[]> {
  return (await pub.findById(deps.db, id)).map((r) => r.tenant_id);
}
