import { sql, type Kysely } from 'kysely';

/** A purchase intent's `identification` (the reference's legal identification documents), as sent. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE purchase_intents ADD COLUMN identification jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE purchase_intents DROP COLUMN identification`.execute(db);
}
