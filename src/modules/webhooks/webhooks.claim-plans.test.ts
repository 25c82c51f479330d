import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import type { Tx } from '../../db/tx.js';
import { claimStatements, webhooksRepository as repo } from './webhooks.repository.js';

/**
 * The dispatcher's claim runs every round in every process: each of its statements must read the
 * index meant for it on a table with a long history and no statistics (never analysed), not the
 * endpoint's whole history (ADR 0019).
 */
describe('the webhook claim plans', () => {
  const ctx = useContext();

  async function explain(tx: Tx, statement: RawBuilder<unknown>): Promise<string> {
    const compiled = statement.compile(tx);
    const { rows } = await tx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it('reads webhook_deliveries_due and webhook_deliveries_claimed, never the whole backlog of an endpoint', async () => {
    const t = await ctx.createTenant();
    const now = new Date();
    for (const id of ['whk_plan_a', 'whk_plan_b']) {
      await ctx.deps.db
        .insertInto('webhook_endpoints')
        .values({ tenant_id: t.tenantId, id, url: 'https://hooks.example.com/', secret: 'whsec_x', description: null, event_types: [], enabled: true, created_at: now, updated_at: now })
        .execute();
    }
    // A backlog (every index on the table as big as the one meant for the claim), a few in flight.
    await sql`
      INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, message_id, event_type, body, status, next_attempt_at, created_at, claimed_until)
      SELECT ${t.tenantId}, 'whd_plan_' || g, CASE WHEN g % 2 = 0 THEN 'whk_plan_a' ELSE 'whk_plan_b' END, 'msg_' || g, 'event.updated', '{}',
             'PENDING', ${now}::timestamptz - interval '1 minute', ${now}::timestamptz - interval '1 hour',
             CASE WHEN g > 19990 THEN ${now}::timestamptz + interval '1 minute' END
      FROM generate_series(1, 20000) AS g
    `.execute(ctx.deps.db);
    const { rows } = await sql<{ analysed: boolean }>`SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname = 'webhook_deliveries'`.execute(ctx.deps.db);
    expect(rows[0]?.analysed).toBe(false);

    await ctx.deps.db.transaction().execute(async (tx) => {
      await repo.preferOrderedIndexes(tx);
      const ready = await explain(tx, claimStatements.readyEndpoints(now, 8, 64));
      const claim = await explain(tx, claimStatements.claim([{ tenantId: t.tenantId, endpointId: 'whk_plan_a', count: 8, cap: 8 }], now, new Date(now.getTime() + 60_000)));
      for (const plan of [ready, claim]) {
        expect(plan).toContain('webhook_deliveries_due');
        expect(plan).toContain('webhook_deliveries_claimed');
        expect(plan).not.toContain('webhook_deliveries_endpoint');
        expect(plan).not.toMatch(/Seq Scan on webhook_deliveries/);
      }
      // And the statements do what the plans say: 8 due deliveries of endpoint a, less the 5 in flight.
      const endpoints = await repo.lockReadyEndpoints(tx, now, 8, 64);
      expect(endpoints.map((e) => [e.id, e.slots])).toEqual(expect.arrayContaining([['whk_plan_a', 3], ['whk_plan_b', 3]]));
      const claimed = await repo.claimDeliveries(tx, [{ tenantId: t.tenantId, endpointId: 'whk_plan_a', count: 8, cap: 8 }], now, new Date(now.getTime() + 60_000));
      expect(claimed).toHaveLength(3);
    });
  });
});
