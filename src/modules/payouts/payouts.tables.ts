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

export type PayoutAccountKind = 'IBAN' | 'ACCOUNT';

/**
 * Where a seller's payouts go (SPEC §4.1 item 7), one per seller (lower-cased email) of a tenant. The
 * account number is stored only sealed (lib/secret-box.ts, bound to tenant and seller); `last4` is
 * what may be shown.
 */
export interface PayoutAccountsTable {
  tenant_id: string;
  seller_email: string;
  holder_name: string;
  kind: PayoutAccountKind;
  number_sealed: string;
  last4: string;
  /** ISO 3166 alpha-2: an IBAN's first two letters, or the country given with an account number. */
  country: string | null;
  /** Routing number, sort code, BSB… given with an account number (it names a bank, not an account: not sealed). */
  bank_code: string | null;
  created_at: Date;
  updated_at: Date;
}
