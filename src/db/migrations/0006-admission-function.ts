import { sql, type Kysely } from 'kysely';

/**
 * The admission write statement (see `admissionRepository.admitAndRead` and ADR 0007) as a PL/pgSQL
 * function, for one reason: plan caching. Kysely sends unnamed extended-protocol statements, so the
 * data-modifying CTE was planned again on every call (~0.3 ms of PostgreSQL CPU, the biggest piece
 * of a single admission). PL/pgSQL keeps the plans of its statements per session, so on a pooled
 * connection a statement is planned once (after five custom plans PostgreSQL settles on a generic
 * one). That pays only where the generic plan is good: the statement over arrays gets a bad one
 * (arrays of unknown length: measured ~20 times slower on batches of 1,000, and much slower for one
 * ticket too), so the function holds it twice. One ticket (the single endpoint) runs a copy with
 * scalars (`p_read[1]`, `p_ids[1]`) whose generic plan is primary-key lookups and is reused; more
 * (the batch) runs the array statement with `plan_cache_mode = force_custom_plan` for that statement,
 * planned on every call for its arrays as before. Keep the two copies alike.
 * The function holds no business rule of its own: the admissible statuses come from the state machine
 * as a parameter, and the decision stays in `admission.plan.ts`.
 *
 * Semantics are those of the statement it replaces, one statement and one snapshot:
 * - a ticket moves to USED only while its status is in `p_admissible` and it still has the code the
 *   scan carries (a NULL locator skips the code check); the UPDATE takes the row locks in the order
 *   of the primary key, and the caller sorts `p_ids`;
 * - one admission per ticket: the admissions primary key, ON CONFLICT DO NOTHING;
 * - one ADMITTED history row per admission (`{entryDate, locator}`);
 * - returns the tickets named in `p_read` as they were when the statement started
 *   (`admitted_now` false), plus one row per ticket this call admitted (`admitted_now` true, the
 *   other columns NULL).
 * Every step is linear in the number of scans whatever the planner estimates (generic plans
 * included): tickets are found through their primary key (ANY), results come back as a UNION.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION admit_tickets(
      p_tenant_id text,
      p_ids text[],
      p_entry_dates timestamptz[],
      p_locators text[],
      p_read text[],
      p_admissible text[],
      p_now timestamptz,
      p_actor text,
      p_key_id text
    ) RETURNS TABLE (admitted_now boolean, ticket_id text, status text, status_reason text, access_locator text, entry_date timestamptz)
    LANGUAGE plpgsql VOLATILE AS $fn$
    #variable_conflict use_column
    DECLARE
      v_mode text := current_setting('plan_cache_mode');
    BEGIN
      IF cardinality(p_read) = 1 AND coalesce(cardinality(p_ids), 0) <= 1 THEN
        -- One ticket (the single endpoint): the same statement with scalars, whose generic plan is
        -- primary-key lookups, so its cached plan is reused.
        RETURN QUERY
        WITH state AS (
          SELECT t.ticket_id, t.status, t.status_reason, t.access_locator, a.entry_date
          FROM tickets t
          LEFT JOIN admissions a ON a.tenant_id = t.tenant_id AND a.ticket_id = t.ticket_id
          WHERE t.tenant_id = p_tenant_id AND t.ticket_id = p_read[1]
        ), moved AS (
          UPDATE tickets t SET status = 'USED', updated_at = p_now
          WHERE t.tenant_id = p_tenant_id AND t.ticket_id = p_ids[1]
            AND t.status = ANY(p_admissible)
            AND (p_locators[1] IS NULL OR t.access_locator = p_locators[1])
          RETURNING t.ticket_id, p_entry_dates[1] AS entry_date, p_locators[1] AS locator
        ), admitted AS (
          INSERT INTO admissions AS a (tenant_id, ticket_id, entry_date, locator, admitted_at, actor_key_id)
          SELECT p_tenant_id, m.ticket_id, m.entry_date, m.locator, p_now, p_key_id FROM moved m
          ON CONFLICT (tenant_id, ticket_id) DO NOTHING
          RETURNING a.ticket_id, a.entry_date, a.locator
        ), history AS (
          INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
          SELECT p_tenant_id, ad.ticket_id, p_now, 'ADMITTED', p_actor,
                 jsonb_strip_nulls(jsonb_build_object('entryDate', to_char(ad.entry_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'locator', ad.locator))
          FROM admitted ad
        )
        SELECT false, s.ticket_id, s.status, s.status_reason, s.access_locator, s.entry_date FROM state s
        UNION ALL
        SELECT true, ad.ticket_id, NULL::text, NULL::text, NULL::text, NULL::timestamptz FROM admitted ad;
        RETURN;
      END IF;
      -- A batch is planned for its own arrays: the generic plan, made for arrays of unknown length,
      -- is no good for either size.
      PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
      RETURN QUERY
      WITH state AS (
        SELECT t.ticket_id, t.status, t.status_reason, t.access_locator, a.entry_date
        FROM tickets t
        LEFT JOIN admissions a ON a.tenant_id = t.tenant_id AND a.ticket_id = t.ticket_id
        WHERE t.tenant_id = p_tenant_id AND t.ticket_id = ANY(p_read)
      ), scan AS (
        SELECT * FROM unnest(p_ids, p_entry_dates, p_locators) AS s(ticket_id, entry_date, locator)
      ), moved AS (
        UPDATE tickets t SET status = 'USED', updated_at = p_now
        FROM scan
        WHERE t.tenant_id = p_tenant_id AND t.ticket_id = ANY(p_ids) AND t.ticket_id = scan.ticket_id
          AND t.status = ANY(p_admissible)
          AND (scan.locator IS NULL OR t.access_locator = scan.locator)
        RETURNING scan.ticket_id, scan.entry_date, scan.locator
      ), admitted AS (
        INSERT INTO admissions AS a (tenant_id, ticket_id, entry_date, locator, admitted_at, actor_key_id)
        SELECT p_tenant_id, m.ticket_id, m.entry_date, m.locator, p_now, p_key_id FROM moved m
        ON CONFLICT (tenant_id, ticket_id) DO NOTHING
        RETURNING a.ticket_id, a.entry_date, a.locator
      ), history AS (
        INSERT INTO ticket_history (tenant_id, ticket_id, at, kind, actor, data)
        SELECT p_tenant_id, ad.ticket_id, p_now, 'ADMITTED', p_actor,
               jsonb_strip_nulls(jsonb_build_object('entryDate', to_char(ad.entry_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'locator', ad.locator))
        FROM admitted ad
        ORDER BY ad.ticket_id
      )
      SELECT false, s.ticket_id, s.status, s.status_reason, s.access_locator, s.entry_date FROM state s
      UNION ALL
      SELECT true, ad.ticket_id, NULL::text, NULL::text, NULL::text, NULL::timestamptz FROM admitted ad;
      PERFORM set_config('plan_cache_mode', v_mode, true);
    END
    $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION admit_tickets(text, text[], timestamptz[], text[], text[], text[], timestamptz, text, text);`.execute(db);
}
