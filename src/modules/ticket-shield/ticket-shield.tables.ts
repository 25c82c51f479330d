import type { ColumnType, Generated } from 'kysely';

/** One opened (show, scope, unlock time): the unlock job's exactly-once record (ADR 0009). */
export interface TicketShieldUnlocksTable {
  tenant_id: string;
  /** `shu_…` */
  id: string;
  event_id: string;
  show_pk: string;
  /** The governing rule's scope inside the show; null = the whole show (or the whole event). */
  ticket_option_id: string | null;
  price_type_id: string | null;
  /** The governing rule when the shield opened; null when it had been removed. */
  rule_id: string | null;
  unlock_at: Date;
  unlocked_at: ColumnType<Date, Date, Date>;
  /** Tickets opened under this record (a late straggler adds to it, without a second webhook). */
  ticket_count: Generated<number>;
  /** Whether `event.unlock` went out for it (only when at least one ticket opened). */
  announced: Generated<boolean>;
}
