import type { ColumnType } from 'kysely';

/** A fan signed in on the hosted pages (migration 0026); owned by the fan-sessions module. */
export interface FanSessionsTable {
  tenant_id: string;
  /** `fss_…`: what the audit log names; never the token or its hash. */
  id: string;
  /** SHA-256 (hex) of the cookie's token; the token itself is never stored. */
  token_hash: string;
  /** Lower-cased. */
  email: string;
  created_at: Date;
  /** Moved at most once an hour (a read within the hour writes nothing). */
  last_seen_at: Date;
  /** `last_seen_at` + 30 days (sliding); set to the end instant when the session is ended, so one index serves the sweep. */
  expires_at: Date;
  ended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The one live sign-in code of a fan's e-mail at a tenant (migration 0026); a new code replaces it. */
export interface FanEmailCodesTable {
  tenant_id: string;
  /** Lower-cased; with tenant_id, the key: one code per e-mail and tenant. */
  email: string;
  /** `fec_…`: names the code in the audit log and the mail's `ref`, and salts its hash. */
  id: string;
  /** SHA-256 (hex) of `<id>:<code>`; the code itself is only in the mail. */
  code_hash: string;
  created_at: Date;
  expires_at: Date;
  /** Wrong codes tried so far; at the limit the code is burned (refused even when right). */
  failed_tries: ColumnType<number, number | undefined, number>;
}
