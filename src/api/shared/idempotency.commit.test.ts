import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { addCommitHook, runInCommitScope } from '../../db/commit-hooks.js';
import { withTx } from '../../db/tx.js';
import { claimKey, markKeyCommitted, requestHash } from '../../modules/idempotency/index.js';

/**
 * Issue 9, item 15: the `Idempotency-Key` record commits in the same transaction as the change it
 * replays. Triggers record the transaction id of the webhook endpoint's insert and of the key's
 * move to COMMITTED; both must be one transaction, over a real socket (the body then arrives on
 * the socket's own async context) and through inject alike.
 */
describe('Idempotency-Key committed with the change', () => {
  const ctx = useContext({ clock: 'manual' });
  let url = '';
  afterAll(async () => {
    if (url) await ctx.app.close();
  });

  async function installTriggers(): Promise<void> {
    await sql`CREATE TABLE IF NOT EXISTS tx_probe (what text, xid bigint)`.execute(ctx.deps.db);
    await sql`
      CREATE OR REPLACE FUNCTION tx_probe_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO tx_probe VALUES (TG_ARGV[0], txid_current()); RETURN NEW; END $$`.execute(ctx.deps.db);
    await sql`CREATE OR REPLACE TRIGGER probe_endpoint AFTER INSERT ON webhook_endpoints FOR EACH ROW EXECUTE FUNCTION tx_probe_record('endpoint')`.execute(ctx.deps.db);
    await sql`
      CREATE OR REPLACE TRIGGER probe_key AFTER UPDATE ON idempotency_keys FOR EACH ROW
      WHEN (NEW.status = 'COMMITTED') EXECUTE FUNCTION tx_probe_record('key')`.execute(ctx.deps.db);
  }

  async function probes(): Promise<{ what: string; xid: string }[]> {
    const res = await sql<{ what: string; xid: string }>`SELECT what, xid::text AS xid FROM tx_probe ORDER BY what`.execute(ctx.deps.db);
    await sql`DELETE FROM tx_probe`.execute(ctx.deps.db);
    return res.rows;
  }

  it('marks the key COMMITTED inside the transaction that creates the resource, over a socket and through inject', async () => {
    await installTriggers();
    const t = await ctx.createTenant();
    url = await ctx.app.listen({ port: 0, host: '127.0.0.1' });

    const overSocket = await fetch(`${url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: t.apiKey, 'content-type': 'application/json', 'idempotency-key': 'sock-1' },
      body: JSON.stringify({ url: 'https://a.test/hook' }),
    });
    expect(overSocket.status).toBe(200);
    const [endpoint, key] = await probes();
    expect(endpoint?.what).toBe('endpoint');
    expect(key?.what).toBe('key');
    expect(key?.xid).toBe(endpoint?.xid);

    const injected = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { authorization: t.apiKey, 'content-type': 'application/json', 'idempotency-key': 'inject-1' },
      payload: { url: 'https://b.test/hook' },
    });
    expect(injected.statusCode).toBe(200);
    const [e2, k2] = await probes();
    expect(k2?.xid).toBe(e2?.xid);

    const rows = await ctx.deps.db.selectFrom('idempotency_keys').select(['key', 'status']).where('tenant_id', '=', t.tenantId).orderBy('key').execute();
    expect(rows).toEqual([
      { key: 'inject-1', status: 'DONE' },
      { key: 'sock-1', status: 'DONE' },
    ]);
  });

  it('a retry after a crash between the commit and storing the answer is refused, never run again', async () => {
    const t = await ctx.createTenant('crashy');
    const hash = requestHash('POST', '/v1/webhooks', { url: 'https://c.test' });
    // The request claims its key, its change commits (with the key's hook), and the process dies
    // before finishKey stores the answer.
    await new Promise<void>((resolve, reject) => {
      runInCommitScope(() => {
        void (async () => {
          expect(await claimKey(ctx.deps, t.tenantId, 'crash-1', hash)).toEqual({ kind: 'proceed' });
          addCommitHook(markKeyCommitted(t.tenantId, 'crash-1'));
          await withTx(ctx.deps.db, async (tx) => {
            await sql`SELECT 1`.execute(tx);
          });
        })().then(resolve, reject);
      });
    });
    const row = await ctx.deps.db.selectFrom('idempotency_keys').select('status').where('tenant_id', '=', t.tenantId).where('key', '=', 'crash-1').executeTakeFirst();
    expect(row?.status).toBe('COMMITTED');

    // While the first request may still be finishing: a conflict, as before.
    await expect(claimKey(ctx.deps, t.tenantId, 'crash-1', hash)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    // Long after: never taken over (a RUNNING key would be), but said plainly.
    ctx.clock!.advance(6 * 60 * 1000);
    await expect(claimKey(ctx.deps, t.tenantId, 'crash-1', hash)).rejects.toMatchObject({ code: 'IDEMPOTENCY_RESPONSE_LOST' });
  });

  it('a refused request (its transaction rolled back) stays replayable and is not COMMITTED', async () => {
    const t = await ctx.createTenant('refused');
    const send = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/v1/events/rules',
        headers: { authorization: t.apiKey, 'content-type': 'application/json', 'idempotency-key': 'rules-1' },
        payload: [{ externalReferenceEventId: 'nope', ruleType: 'RESALE', rules: { enabled: true } }],
      });
    const first = await send();
    expect(first.statusCode).toBe(404);
    const again = await send();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
  });
});
