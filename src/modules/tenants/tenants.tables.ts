import type { ColumnType, Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  name: string;
  default_currency: string;
  return_origins: string[];
  /** `es` or `en`: the pages' language when a request names none Encore speaks. */
  default_language: Generated<'es' | 'en'>;
  /** How long a buy intention holds its listings. */
  resale_hold_minutes: Generated<number>;
  /** Fees when no FEES rule applies (FeesSettings of the events module). */
  default_fees: ColumnType<unknown, string | undefined, string>;
  /** Colours and logo of the Smart Access Layer (ThemeSettings); `{}`: Encore's defaults. */
  theme: ColumnType<unknown, string | undefined, string>;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: string;
  /** The first characters of the key, shown in listings and used to revoke; not a secret. */
  prefix: string;
  key_hash: string;
  created_at: Generated<Date>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
