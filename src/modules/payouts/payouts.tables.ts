export type PayoutStatus = 'SCHEDULED' | 'RELEASED' | 'CANCELLED';

export interface PayoutsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  listing_id: string;
  seller_email: string;
  amount_minor: number;
  currency: string;
  status: PayoutStatus;
  release_at: Date;
  released_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
}
