import { sql, type Kysely } from 'kysely';

/**
 * A tenant's theme (issue 11): the colours and logo of the Smart Access Layer's components (and, next,
 * of the hosted pages). `{}` means Encore's defaults; set with `tenant create --theme-*`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tenants ADD COLUMN theme jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tenants DROP COLUMN theme`.execute(db);
}
