import { sql, type Kysely } from 'kysely';

/**
 * The hosted checkout page (issue 12, SPEC §4.1 item 2; ADR 0017):
 * - `buy_intentions.extended_at`: the one extension of a hold, when it was granted (null: none yet);
 * - `buy_intentions.holder_name`: the named holder the buyer gave for the current payment attempt
 *   (events whose policy names tickets); the settlement makes it the tickets' owner name;
 * - `listings.last_refused_at`: the last time a buyer was turned away from the listing because a
 *   live hold had it, so a hold is extended only when nobody was refused since it began;
 * - `shows_id`: a show by Encore's id alone. The buy page's URL names the show (`shw_…`, unique
 *   across integrators) and nothing else, so the page finds its integrator from the show.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE buy_intentions ADD COLUMN extended_at timestamptz, ADD COLUMN holder_name text;
    ALTER TABLE listings ADD COLUMN last_refused_at timestamptz;
    CREATE UNIQUE INDEX IF NOT EXISTS shows_id ON shows (id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE buy_intentions DROP COLUMN extended_at, DROP COLUMN holder_name;
    ALTER TABLE listings DROP COLUMN last_refused_at;
    DROP INDEX IF EXISTS shows_id;
  `.execute(db);
}
