import { sql, type Kysely } from 'kysely';

/**
 * Who named a buy intention's buyer (issue 4 follow-up). The integrator names it (`user` of a buy
 * intention, login trust on a checkout URL) for good; the hosted checkout page names it for one
 * payment attempt only, so a buyer who mistyped their email can correct it after a declined card.
 * `buyer_from_checkout` marks the second case: a failed attempt then clears the email again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE buy_intentions ADD COLUMN buyer_from_checkout boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE buy_intentions DROP COLUMN buyer_from_checkout`.execute(db);
}
