/** Reported inventory of a show, or of one ticket option / price type of it (migration 0019). '' = not narrowed. */
export interface ShowInventoryTable {
  tenant_id: string;
  show_pk: string;
  ticket_option_id: string;
  price_type_id: string;
  capacity: number | null;
  released_tickets: number | null;
  reserved_space: number | null;
  sold_out: boolean | null;
  sold_percentage: number | null;
  updated_at: Date;
}
