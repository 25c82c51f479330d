import type { Insertable } from 'kysely';
import type { Executor } from '../../db/tx.js';
import type { Actor } from '../audit/index.js';
import type { TicketHistoryTable } from './tickets.tables.js';

/**
 * A ticket's history: what happened to it, in order (`seq`), with who did it. The history is part of
 * the ticket (GET /v1/tickets/:ticketId shows it), so rows are written in the same transaction as the
 * change they describe. This file is the history table's repository.
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
  | 'SOLD';

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
  await ex
    .insertInto('ticket_history')
    .values({ tenant_id: tenantId, ticket_id: ticketId, kind, actor: label(actor), data: JSON.stringify(data ?? {}), at })
    .execute();
}

/** Many history rows in one multi-row INSERT (bulk ingestion, batch admission). */
export async function recordTicketHistoryMany(
  ex: Executor,
  rows: { tenantId: string; ticketId: string; kind: TicketHistoryKind; actor: Actor | string; data: unknown; at: Date }[],
): Promise<void> {
  // 6 parameters a row: 5000 rows stay far below PostgreSQL's 65535 bind parameters.
  for (let i = 0; i < rows.length; i += 5000) {
    const part: Insertable<TicketHistoryTable>[] = rows.slice(i, i + 5000).map((r) => ({
      tenant_id: r.tenantId,
      ticket_id: r.ticketId,
      kind: r.kind,
      actor: label(r.actor),
      data: JSON.stringify(r.data ?? {}),
      at: r.at,
    }));
    await ex.insertInto('ticket_history').values(part).execute();
  }
}

export async function listTicketHistory(ex: Executor, tenantId: string, ticketId: string): Promise<TicketHistoryEntry[]> {
  return ex
    .selectFrom('ticket_history')
    .select(['seq', 'at', 'kind', 'actor', 'data'])
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
}
