import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../../test/fake-receiver.js';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { deliver, emitWebhook } from './index.js';

describe('the 24-hour retry window', () => {
  const ctx = useContext({ clock: 'manual' });

  it('keeps retrying within 24 hours and gives up (FAILED) after, each attempt logged', async () => {
    const receiver = await startReceiver([503]);
    try {
      const t = await ctx.createTenant();
      const ep = (await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url: receiver.url } })).json().data;
      await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: {} }));
      const { id } = await ctx.deps.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', ep.id).executeTakeFirstOrThrow();

      const first = await deliver(ctx.deps, t.tenantId, id);
      expect(first).toMatchObject({ status: 'PENDING', attempts: 1, last_status_code: 503 });
      expect(first!.next_attempt_at).not.toBeNull();

      ctx.clock!.advance(23 * 60 * 60 * 1000);
      const second = await deliver(ctx.deps, t.tenantId, id);
      expect(second).toMatchObject({ status: 'PENDING', attempts: 2 });

      ctx.clock!.advance(2 * 60 * 60 * 1000);
      const last = await deliver(ctx.deps, t.tenantId, id);
      expect(last).toMatchObject({ status: 'FAILED', attempts: 3, last_error: 'HTTP 503', next_attempt_at: null });

      // A FAILED delivery is not attempted again by a stray job.
      const again = await deliver(ctx.deps, t.tenantId, id);
      expect(again).toMatchObject({ status: 'FAILED', attempts: 3 });
      expect(receiver.received).toHaveLength(3);
      const attempts = await ctx.deps.db.selectFrom('webhook_attempts').select('attempt').where('delivery_id', '=', id).execute();
      expect(attempts).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('logs connection failures as attempts with the error', async () => {
    const closed = await startReceiver();
    await closed.close(); // a port nobody listens on any more
    const t = await ctx.createTenant();
    const ep = (await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url: closed.url } })).json().data;
    await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: {} }));
    const { id } = await ctx.deps.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', ep.id).executeTakeFirstOrThrow();
    const row = await deliver(ctx.deps, t.tenantId, id);
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, last_status_code: null });
    expect(row!.last_error).toMatch(/ECONNREFUSED/);
  });
});
