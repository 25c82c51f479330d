import type { Executor } from '../../db/tx.js';
import { fanTicketsRepository as repo } from './fan-tickets.repository.js';
import { storable } from './tickets.resale.js';

/**
 * A fan's own tickets, for the hosted "my tickets" page (SPEC §4.1 item 6): which tickets the fan
 * holds, and each ticket's access code with whether it may be shown. The code is the fan's entry to
 * the venue: it is shown only when UNLOCKED (a TICKET_SHIELD keeps it LOCKED until `unlockAt`; a
 * resold ticket waits LOCKED, without a code, until the integrator re-issues it).
 */

/** The tickets `email` holds with this tenant (optionally of one order), at most `limit`. */
export async function ticketIdsOfOwner(ex: Executor, tenantId: string, email: string, opts: { orderId?: string | undefined; limit: number }): Promise<string[]> {
  if (opts.orderId !== undefined && !storable(opts.orderId)) return [];
  return repo.idsOfOwner(ex, tenantId, email.trim().toLowerCase(), opts.orderId, opts.limit);
}

export interface TicketAccess {
  ticketId: string;
  type: 'URL' | 'API' | 'OTHER';
  status: 'LOCKED' | 'UNLOCKED';
  /** The code itself: only when UNLOCKED and there is one (never a LOCKED ticket's). */
  locator: string | null;
  /** When a TICKET_SHIELD opens the code. */
  unlockAt: Date | null;
  /** A resold ticket waiting for the integrator's new code. */
  reissuePending: boolean;
}

export async function ticketAccessOf(ex: Executor, tenantId: string, ticketIds: readonly string[]): Promise<Map<string, TicketAccess>> {
  const rows = await repo.accessOf(ex, tenantId, ticketIds.filter(storable));
  return new Map(
    rows.map((r) => [
      r.ticket_id,
      {
        ticketId: r.ticket_id,
        type: r.access_type,
        status: r.access_status,
        locator: r.access_status === 'UNLOCKED' && r.access_locator !== '' ? r.access_locator : null,
        unlockAt: r.access_unlock_at,
        reissuePending: r.access_reissue_pending,
      },
    ]),
  );
}
