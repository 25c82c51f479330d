/** The reservation-mail outbox (migration 0013): one PENDING row per mail asked for. */
export interface PurchaseIntentMailsTable {
  tenant_id: string;
  id: string;
  intent_id: string;
  recipient: string;
  template: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  payload: unknown;
  created_at: Date;
  sent_at: Date | null;
}

/** A seat (`_type` 6) held by one intent per show (migration 0013). */
export interface PurchaseIntentSeatsTable {
  tenant_id: string;
  show_pk: string;
  seat_id: string;
  intent_id: string;
  created_at: Date;
}
