import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/tx.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * The tickets table as an ownership change writes it (tickets.ownership.ts says what the change
 * means). Every `ids` argument is distinct, sorted and holds no NUL.
 */
export const ownershipRepository = {
  /**
   * The tickets of `ids` still in one of `from`: VALID for the new owner (`buyer` replaced whole:
   * the old owner's phone or CRM id are not the new owner's), access code superseded and emptied,
   * LOCKED until the integrator re-issues it. The old owner is read in the same statement (a FOR
   * UPDATE sub-select, in ticket_id order, joined to the UPDATE), so the RETURNING gives both.
   * `content_hash` is left alone: an identical re-send of the original ticket stays a no-op.
   */
  async changeOwner(
    tx: Tx,
    input: { tenantId: string; ids: readonly string[]; from: readonly TicketStatus[]; buyer: Record<string, string>; newOwnerEmail: string; now: Date },
  ): Promise<{ ticket_id: string; previous_owner_email: string | null }[]> {
    const { tenantId, now } = input;
    const { rows } = await sql<{ ticket_id: string; previous_owner_email: string | null }>`
    WITH prev AS (
      SELECT ticket_id, buyer_email, access_locator FROM tickets
      WHERE tenant_id = ${tenantId} AND ticket_id = ANY(${input.ids}::text[]) AND status = ANY(${input.from}::text[])
      ORDER BY ticket_id
      FOR UPDATE
    )
    UPDATE tickets t SET
      status = 'VALID',
      buyer = ${JSON.stringify(input.buyer)}::jsonb,
      buyer_email = ${input.newOwnerEmail}::text,
      access_reissue_pending = true,
      access_status = 'LOCKED',
      superseded_locators = CASE
        WHEN prev.access_locator = '' OR prev.access_locator = ANY(t.superseded_locators) THEN t.superseded_locators
        ELSE array_append(t.superseded_locators, prev.access_locator)
      END,
      access_locator = '',
      access_version = t.access_version + 1,
      updated_at = ${now}::timestamptz
    FROM prev
    WHERE t.tenant_id = ${tenantId} AND t.ticket_id = prev.ticket_id
    RETURNING t.ticket_id, prev.buyer_email AS previous_owner_email`.execute(tx);
    return rows;
  },

  async findStatus(ex: Executor, tenantId: string, ticketId: string): Promise<{ status: TicketStatus } | undefined> {
    return ex.selectFrom('tickets').select('status').where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
  },
};
