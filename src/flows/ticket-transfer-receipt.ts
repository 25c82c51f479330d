import type { Deps } from '../app/deps.js';
import { getEventsByIds } from '../modules/events/index.js';
import { findTicketsForSeller, listTicketHistory } from '../modules/tickets/index.js';
import { transferTicketSummary, type TransferTicketSummary } from './ticket-transfer.js';

/**
 * What the transfer page shows once a ticket was given (POST → 303 → GET): read back from the
 * ticket's own history (the TRANSFERRED row the transfer wrote), never from the URL, so a reload
 * shows the same and a crafted URL shows nothing. Only the fan who gave the ticket sees it: the row
 * must name them as the previous owner. Beside ticket-transfer.ts, which it only reads.
 */

export interface TransferReceipt {
  transferId: string;
  ticket: TransferTicketSummary;
  newOwnerEmail: string;
  newOwnerName: string | null;
  transferredAt: Date;
}

interface TransferredData {
  transferId?: unknown;
  previousOwnerEmail?: unknown;
  newOwnerEmail?: unknown;
  newOwnerName?: unknown;
}

/** The transfer `transferId` of the ticket by `email`, or undefined when there is none (or it was someone else's). */
export async function transferReceipt(
  deps: Pick<Deps, 'db'>,
  input: { tenantId: string; showPk: string; ticketId: string; transferId: string; email: string },
): Promise<TransferReceipt | undefined> {
  const email = input.email.trim().toLowerCase();
  const [t] = await findTicketsForSeller(deps.db, input.tenantId, [input.ticketId], []);
  if (!t || t.showPk !== input.showPk) return undefined;
  const history = await listTicketHistory(deps.db, input.tenantId, t.ticketId);
  const row = history.find((h) => {
    if (h.kind !== 'TRANSFERRED') return false;
    const d = h.data as TransferredData;
    return d.transferId === input.transferId && typeof d.previousOwnerEmail === 'string' && d.previousOwnerEmail.toLowerCase() === email;
  });
  if (!row) return undefined;
  const data = row.data as TransferredData;
  const [event] = await getEventsByIds(deps.db, input.tenantId, [t.eventId]);
  const show = event?.shows.find((s) => s.id === t.showPk);
  if (!event || !show) return undefined;
  return {
    transferId: input.transferId,
    ticket: transferTicketSummary(event, show, t),
    newOwnerEmail: typeof data.newOwnerEmail === 'string' ? data.newOwnerEmail : '',
    newOwnerName: typeof data.newOwnerName === 'string' && data.newOwnerName !== '' ? data.newOwnerName : null,
    transferredAt: row.at,
  };
}
