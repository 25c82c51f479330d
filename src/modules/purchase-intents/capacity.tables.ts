import type { Generated } from 'kysely';

/**
 * The purchase-intent capacity counter of a (show, ticket option) (migration 0029, ADR 0021). Only
 * the database's triggers write it; the repository reads it and locks it.
 */
export interface PurchaseIntentCapacityTable {
  tenant_id: string;
  show_pk: string;
  ticket_option_id: string;
  /** Places held by purchase-intent lines that hold. */
  held: Generated<number>;
  /** Live tickets of the option (every status but CANCELLED, DELETED, INVALID). */
  tickets: Generated<number>;
}
