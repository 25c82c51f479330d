import type { ColumnType } from 'kysely';

export interface OneTimeTokensTable {
  tenant_id: string;
  /** `ott_…`: what the audit log names; never the token. */
  id: string;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  /** Lower-cased. */
  user_email: string;
  method: 'email';
  created_at: Date;
  expires_at: Date;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
