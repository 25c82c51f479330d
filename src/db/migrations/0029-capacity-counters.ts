import { sql, type Kysely } from 'kysely';

/**
 * Capacity counters (issue 13, item 3). The purchase-intent capacity check used to lock the ticket
 * option's row and count its live tickets and the places open intents hold under that lock, so every
 * create of one option queued behind the previous one's counting (Lock:tuple) and the count grew with
 * the option's tickets. Now one row per (show, ticket option) carries both numbers:
 *
 * - `held`: places of purchase-intent lines that hold (`purchase_intent_lines.holding`);
 * - `tickets`: tickets of the option that take a place (every status but CANCELLED, DELETED, INVALID).
 *
 * Triggers keep them exact on every write of those two tables, whatever path writes (creates, cart
 * changes, cancel, the expiry sweep, completion, ticket ingestion, event cancellation, ticket
 * deletes), so no caller can forget one. They are statement-level with transition tables: one counter
 * update per (show, option) per statement, taken in key order (two statements never deadlock on
 * counters), never one update per row (a chain of row versions inside one transaction, quadratic for
 * an event cancellation of many tickets). The capacity itself is not copied: the check reads it from
 * the catalogue (`ticket_options`) and the integrator's inventory, so event and inventory edits need
 * no bookkeeping.
 *
 * Rows are created for every ticket option (a trigger on `ticket_options`, and the backfill below for
 * the ones that exist); a counter update that finds no row changes nothing. The triggers are created
 * before the backfill: CREATE TRIGGER takes a lock that waits for writers in flight and holds new ones
 * until this migration commits, so the backfill counts everything written before and the triggers
 * everything after.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purchase_intent_capacity (
      tenant_id text NOT NULL,
      show_pk text NOT NULL,
      ticket_option_id text NOT NULL,
      held int NOT NULL DEFAULT 0,
      tickets int NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, show_pk, ticket_option_id)
    ) WITH (fillfactor = 50);

    -- Adds [tenant, show, option, held, tickets] deltas to the counters, in key order; or, while a
    -- checking create defers them (encore.capacity_defer), keeps them for its commit.
    CREATE FUNCTION purchase_intent_capacity_apply(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE r record;
    BEGIN
      IF current_setting('encore.capacity_defer', true) = 'on' THEN
        PERFORM set_config('encore.capacity_pending',
          (coalesce(nullif(current_setting('encore.capacity_pending', true), '')::jsonb, '[]'::jsonb) || deltas)::text, true);
        RETURN;
      END IF;
      FOR r IN
        SELECT d->>0 AS tenant_id, d->>1 AS show_pk, d->>2 AS ticket_option_id, sum((d->>3)::int) AS held, sum((d->>4)::int) AS tickets
        FROM jsonb_array_elements(deltas) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      LOOP
        CONTINUE WHEN r.held = 0 AND r.tickets = 0;
        UPDATE purchase_intent_capacity SET held = held + r.held, tickets = tickets + r.tickets
        WHERE tenant_id = r.tenant_id AND show_pk = r.show_pk AND ticket_option_id = r.ticket_option_id;
      END LOOP;
    END $$;

    -- The capacity purchase intents check an option against: the integrator's reported one, else
    -- the catalogue's (null: unlimited).
    CREATE FUNCTION purchase_intent_capacity_of(t text, s text, o text) RETURNS int LANGUAGE sql STABLE AS $$
      SELECT coalesce(
        (SELECT capacity FROM show_inventory WHERE tenant_id = t AND show_pk = s AND ticket_option_id = o AND price_type_id = ''),
        (SELECT capacity FROM ticket_options WHERE tenant_id = t AND show_pk = s AND ticket_option_id = o))
    $$;

    -- The first look of a checking create, one round trip: the options (in key order) the committed
    -- counters cannot cover, with the places left (after releasing expired holds, which waits for a
    -- create releasing the same ones and then reads again). When all are covered, the create's
    -- counter changes are deferred to its commit (below), with the request's clock and lock timeout.
    CREATE FUNCTION purchase_intent_capacity_precheck(t text, s text, options text[], amounts int[], now_ timestamptz, lock_timeout_ text)
    RETURNS TABLE (ticket_option_id text, available int) LANGUAGE plpgsql AS $$
    DECLARE
      i int;
      cap int;
      used int;
      short boolean := false;
    BEGIN
      PERFORM set_config('lock_timeout', lock_timeout_, true);
      FOR i IN SELECT g FROM generate_subscripts(options, 1) g ORDER BY options[g] LOOP
        cap := purchase_intent_capacity_of(t, s, options[i]);
        CONTINUE WHEN cap IS NULL;
        SELECT c.held + c.tickets INTO used FROM purchase_intent_capacity c WHERE c.tenant_id = t AND c.show_pk = s AND c.ticket_option_id = options[i];
        CONTINUE WHEN NOT FOUND OR cap - used >= amounts[i];
        UPDATE purchase_intent_lines l SET holding = false
        WHERE l.tenant_id = t AND l.show_pk = s AND l.ticket_option_id = options[i] AND l.holding AND l.expires_at <= now_;
        SELECT c.held + c.tickets INTO used FROM purchase_intent_capacity c WHERE c.tenant_id = t AND c.show_pk = s AND c.ticket_option_id = options[i];
        CONTINUE WHEN cap - used >= amounts[i];
        short := true;
        ticket_option_id := options[i];
        available := greatest(0, cap - used);
        RETURN NEXT;
      END LOOP;
      IF NOT short THEN
        PERFORM set_config('encore.capacity_defer', 'on', true), set_config('encore.capacity_now', now_::text, true);
      END IF;
    END $$;

    -- At the commit of a checking create (a deferred constraint trigger): its deltas are applied,
    -- which takes the counters' row locks only now, and every option it takes places of is checked
    -- against its capacity (the integrator's reported one, else the catalogue's). Past it, expired
    -- holds (encore.capacity_now is the creating request's clock) stop holding; still past it, the
    -- commit fails with 'purchase_intent_capacity' and the places available in DETAIL.
    CREATE FUNCTION purchase_intent_capacity_flush() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      pending jsonb := nullif(current_setting('encore.capacity_pending', true), '')::jsonb;
      r record;
      c record;
      cap int;
    BEGIN
      IF pending IS NULL THEN RETURN NULL; END IF;
      PERFORM set_config('encore.capacity_pending', '', true);
      PERFORM set_config('encore.capacity_defer', 'off', true);
      FOR r IN
        SELECT d->>0 AS tenant_id, d->>1 AS show_pk, d->>2 AS ticket_option_id, sum((d->>3)::int) AS held, sum((d->>4)::int) AS tickets
        FROM jsonb_array_elements(pending) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      LOOP
        CONTINUE WHEN r.held = 0 AND r.tickets = 0;
        UPDATE purchase_intent_capacity SET held = held + r.held, tickets = tickets + r.tickets
        WHERE tenant_id = r.tenant_id AND show_pk = r.show_pk AND ticket_option_id = r.ticket_option_id
        RETURNING held, tickets INTO c;
        CONTINUE WHEN NOT FOUND OR r.held + r.tickets <= 0;
        cap := purchase_intent_capacity_of(r.tenant_id, r.show_pk, r.ticket_option_id);
        CONTINUE WHEN cap IS NULL OR c.held + c.tickets <= cap;
        UPDATE purchase_intent_lines SET holding = false
        WHERE tenant_id = r.tenant_id AND show_pk = r.show_pk AND ticket_option_id = r.ticket_option_id AND holding
          AND expires_at <= current_setting('encore.capacity_now')::timestamptz;
        SELECT held, tickets INTO c FROM purchase_intent_capacity
        WHERE tenant_id = r.tenant_id AND show_pk = r.show_pk AND ticket_option_id = r.ticket_option_id;
        IF c.held + c.tickets > cap THEN
          RAISE EXCEPTION 'purchase_intent_capacity' USING ERRCODE = 'P0001',
            DETAIL = json_build_object('ticketOptionId', r.ticket_option_id, 'available', greatest(0, cap - c.held - c.tickets + r.held + r.tickets))::text;
        END IF;
      END LOOP;
      RETURN NULL;
    END $$;

    CREATE FUNCTION purchase_intent_capacity_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE deltas jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_array(tenant_id, show_pk, ticket_option_id, 0, n)) INTO deltas FROM (
          SELECT tenant_id, show_pk, ticket_option_id, count(*) AS n FROM new_rows
          WHERE status NOT IN ('CANCELLED', 'DELETED', 'INVALID') GROUP BY 1, 2, 3) g;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_array(tenant_id, show_pk, ticket_option_id, 0, -n)) INTO deltas FROM (
          SELECT tenant_id, show_pk, ticket_option_id, count(*) AS n FROM old_rows
          WHERE status NOT IN ('CANCELLED', 'DELETED', 'INVALID') GROUP BY 1, 2, 3) g;
      ELSE
        SELECT jsonb_agg(jsonb_build_array(tenant_id, show_pk, ticket_option_id, 0, n)) INTO deltas FROM (
          SELECT tenant_id, show_pk, ticket_option_id, sum(n) AS n FROM (
            SELECT tenant_id, show_pk, ticket_option_id, -1 AS n FROM old_rows WHERE status NOT IN ('CANCELLED', 'DELETED', 'INVALID')
            UNION ALL
            SELECT tenant_id, show_pk, ticket_option_id, 1 FROM new_rows WHERE status NOT IN ('CANCELLED', 'DELETED', 'INVALID')
          ) u GROUP BY 1, 2, 3 HAVING sum(n) <> 0) g;
      END IF;
      IF deltas IS NOT NULL THEN PERFORM purchase_intent_capacity_apply(deltas); END IF;
      RETURN NULL;
    END $$;

    CREATE FUNCTION purchase_intent_capacity_lines() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE deltas jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_array(tenant_id, show_pk, ticket_option_id, n, 0)) INTO deltas FROM (
          SELECT tenant_id, show_pk, ticket_option_id, sum(amount) AS n FROM new_rows WHERE holding GROUP BY 1, 2, 3) g;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_array(tenant_id, show_pk, ticket_option_id, -n, 0)) INTO deltas FROM (
          SELECT tenant_id, show_pk, ticket_option_id, sum(amount) AS n FROM old_rows WHERE holding GROUP BY 1, 2, 3) g;
      ELSE
        SELECT jsonb_agg(jsonb_build_array(tenant_id, show_pk, ticket_option_id, n, 0)) INTO deltas FROM (
          SELECT tenant_id, show_pk, ticket_option_id, sum(n) AS n FROM (
            SELECT tenant_id, show_pk, ticket_option_id, -amount AS n FROM old_rows WHERE holding
            UNION ALL
            SELECT tenant_id, show_pk, ticket_option_id, amount FROM new_rows WHERE holding
          ) u GROUP BY 1, 2, 3 HAVING sum(n) <> 0) g;
      END IF;
      IF deltas IS NOT NULL THEN PERFORM purchase_intent_capacity_apply(deltas); END IF;
      RETURN NULL;
    END $$;

    -- A new ticket option starts with what already names it (nothing, unless an event PUT re-adds an
    -- option that intents still hold lines of).
    CREATE FUNCTION purchase_intent_capacity_options() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO purchase_intent_capacity (tenant_id, show_pk, ticket_option_id, held, tickets)
      SELECT o.tenant_id, o.show_pk, o.ticket_option_id,
        coalesce((SELECT sum(l.amount) FROM purchase_intent_lines l
                  WHERE l.tenant_id = o.tenant_id AND l.show_pk = o.show_pk AND l.ticket_option_id = o.ticket_option_id AND l.holding), 0),
        (SELECT count(*) FROM tickets t
          WHERE t.tenant_id = o.tenant_id AND t.show_pk = o.show_pk AND t.ticket_option_id = o.ticket_option_id
            AND t.status NOT IN ('CANCELLED', 'DELETED', 'INVALID'))
      FROM new_rows o
      ORDER BY 1, 2, 3
      ON CONFLICT (tenant_id, show_pk, ticket_option_id) DO UPDATE SET held = EXCLUDED.held, tickets = EXCLUDED.tickets;
      RETURN NULL;
    END $$;

    CREATE TRIGGER purchase_intent_capacity_ins AFTER INSERT ON tickets
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_tickets();
    CREATE TRIGGER purchase_intent_capacity_upd AFTER UPDATE ON tickets
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_tickets();
    CREATE TRIGGER purchase_intent_capacity_del AFTER DELETE ON tickets
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_tickets();

    CREATE TRIGGER purchase_intent_capacity_ins AFTER INSERT ON purchase_intent_lines
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_lines();
    CREATE TRIGGER purchase_intent_capacity_upd AFTER UPDATE ON purchase_intent_lines
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_lines();
    CREATE TRIGGER purchase_intent_capacity_del AFTER DELETE ON purchase_intent_lines
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_lines();

    -- Every checking create writes lines, so their first row's deferred trigger runs the flush at commit.
    CREATE CONSTRAINT TRIGGER purchase_intent_capacity_commit AFTER INSERT ON purchase_intent_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION purchase_intent_capacity_flush();

    CREATE TRIGGER purchase_intent_capacity_ins AFTER INSERT ON ticket_options
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_intent_capacity_options();

    -- Backfill (after the triggers: see above).
    INSERT INTO purchase_intent_capacity (tenant_id, show_pk, ticket_option_id, held, tickets)
    SELECT o.tenant_id, o.show_pk, o.ticket_option_id, coalesce(l.n, 0), coalesce(t.n, 0)
    FROM ticket_options o
    LEFT JOIN (SELECT tenant_id, show_pk, ticket_option_id, sum(amount) AS n FROM purchase_intent_lines WHERE holding GROUP BY 1, 2, 3) l
      ON l.tenant_id = o.tenant_id AND l.show_pk = o.show_pk AND l.ticket_option_id = o.ticket_option_id
    LEFT JOIN (SELECT tenant_id, show_pk, ticket_option_id, count(*) AS n FROM tickets WHERE status NOT IN ('CANCELLED', 'DELETED', 'INVALID') GROUP BY 1, 2, 3) t
      ON t.tenant_id = o.tenant_id AND t.show_pk = o.show_pk AND t.ticket_option_id = o.ticket_option_id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER purchase_intent_capacity_ins ON tickets;
    DROP TRIGGER purchase_intent_capacity_upd ON tickets;
    DROP TRIGGER purchase_intent_capacity_del ON tickets;
    DROP TRIGGER purchase_intent_capacity_ins ON purchase_intent_lines;
    DROP TRIGGER purchase_intent_capacity_upd ON purchase_intent_lines;
    DROP TRIGGER purchase_intent_capacity_del ON purchase_intent_lines;
    DROP TRIGGER purchase_intent_capacity_commit ON purchase_intent_lines;
    DROP TRIGGER purchase_intent_capacity_ins ON ticket_options;
    DROP FUNCTION purchase_intent_capacity_options();
    DROP FUNCTION purchase_intent_capacity_flush();
    DROP FUNCTION purchase_intent_capacity_precheck(text, text, text[], int[], timestamptz, text);
    DROP FUNCTION purchase_intent_capacity_of(text, text, text);
    DROP FUNCTION purchase_intent_capacity_lines();
    DROP FUNCTION purchase_intent_capacity_tickets();
    DROP FUNCTION purchase_intent_capacity_apply(jsonb);
    DROP TABLE purchase_intent_capacity;
  `.execute(db);
}
