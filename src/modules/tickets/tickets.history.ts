import type { Executor } from '../../db/tx.js';
import type { Actor } from '../audit/index.js';
import { ticketHistoryRepository as repo } from './history.repository.js';

/**
 * A ticket's history: what happened to it, in order (`seq`), with who did it. The history is part of
 * the ticket (GET /v1/tickets/:ticketId shows it), so rows are written in the same transaction as the
 * change they describe.
 */
export type TicketHistoryKind =
  | 'CREATED'
  | 'UPDATED'
  | 'OWNER_CHANGED'
  | 'ACCESS_CHANGED'
  | 'ACCESS_LOCKED'
  | 'ACCESS_UNLOCKED'
  | 'DELETED'
  | 'CANCELLED'
  | 'ADMITTED'
  | 'LISTED'
  | 'UNLISTED'
  | 'SOLD'
  | 'TRANSFERRED';

export interface TicketHistoryEntry {
  seq: number;
  at: Date;
  kind: string;
  actor: string;
  data: unknown;
}

function label(actor: Actor | string): string {
  return typeof actor === 'string' ? actor : actor.label;
}

/** One history row, in the caller's transaction. */
export async function recordTicketHistory(
  ex: Executor,
  tenantId: string,
  ticketId: string,
  kind: TicketHistoryKind,
  actor: Actor | string,
  data: unknown,
  at: Date,
): Promise<void> {
  await repo.insert(ex, { tenant_id: tenantId, ticket_id: ticketId, kind, actor: label(actor), data: JSON.stringify(data ?? {}), at });
}

/** Many history rows in one multi-row INSERT (bulk ingestion, batch admission). */
export async function recordTicketHistoryMany(
  ex: Executor,
  rows: { tenantId: string; ticketId: string; kind: TicketHistoryKind; actor: Actor | string; data: unknown; at: Date }[],
): Promise<void> {
  await repo.insertMany(
    ex,
    rows.map((r) => ({ tenant_id: r.tenantId, ticket_id: r.ticketId, kind: r.kind, actor: label(r.actor), data: JSON.stringify(r.data ?? {}), at: r.at })),
  );
}

export async function listTicketHistory(ex: Executor, tenantId: string, ticketId: string): Promise<TicketHistoryEntry[]> {
  return repo.list(ex, tenantId, ticketId);
}
