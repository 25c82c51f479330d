import { sql, type Kysely } from 'kysely';

/**
 * An `Idempotency-Key` record is marked COMMITTED inside the transaction of the change it guards
 * (ADR 0003 addendum): a process that dies between that commit and storing the response leaves a
 * COMMITTED record, and a retry is told the request was applied instead of running it again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_status_check;
    ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_status_check CHECK (status IN ('RUNNING', 'COMMITTED', 'DONE'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_status_check;
    ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_status_check CHECK (status IN ('RUNNING', 'DONE'));
  `.execute(db);
}
