import { sql, type Kysely } from 'kysely';

/**
 * The tenant's default language (SPEC §1.1): the hosted pages' language when a request names none
 * or one Encore does not speak (`lang=pt`). Spain is the launch market, hence `es`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tenants ADD COLUMN default_language text NOT NULL DEFAULT 'es' CHECK (default_language IN ('es', 'en'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tenants DROP COLUMN default_language`.execute(db);
}
