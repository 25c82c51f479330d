export type PaymentStatus = 'PROCESSING' | 'SUCCEEDED' | 'DECLINED' | 'FAILED' | 'REFUNDED';

export interface PaymentsTable {
  tenant_id: string;
  id: string;
  intention_id: string;
  provider: string;
  provider_ref: string | null;
  status: PaymentStatus;
  amount_minor: number;
  currency: string;
  card_last4: string | null;
  failure_code: string | null;
  failure_message: string | null;
  refund_ref: string | null;
  created_at: Date;
  updated_at: Date;
}
