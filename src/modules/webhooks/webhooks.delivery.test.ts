import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver, waitFor } from '../../../test/fake-receiver.js';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { verifyWebhookSignature } from '../../lib/signing.js';
import { emitWebhook, retryDelayMs } from './index.js';

describe('retry schedule', () => {
  it('doubles from the base, caps at one hour, jitters by ±10%', () => {
    expect(retryDelayMs(1, 10_000, 0.5)).toBe(10_000);
    expect(retryDelayMs(2, 10_000, 0.5)).toBe(20_000);
    expect(retryDelayMs(5, 10_000, 0.5)).toBe(160_000);
    expect(retryDelayMs(30, 10_000, 0.5)).toBe(3_600_000);
    expect(retryDelayMs(1, 10_000, 0)).toBe(9_000);
    expect(retryDelayMs(1, 10_000, 1)).toBe(11_000);
  });
});

describe('webhook delivery from the outbox', () => {
  const ctx = useContext({ workers: true });
  const receivers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });

  async function endpointFor(apiKey: string, url: string, eventTypes?: string[]) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: apiKey }, payload: { url, ...(eventTypes ? { eventTypes } : {}) } });
    return res.json().data as { id: string; secret: string };
  }

  it('a receiver that answers 500 three times then 200 gets the message accepted exactly once, signed', async () => {
    const receiver = await startReceiver([500, 500, 500, 200]);
    receivers.push(receiver);
    const t = await ctx.createTenant();
    const ep = await endpointFor(t.apiKey, receiver.url);

    await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: { externalReferenceId: 'e1' } }));

    const delivery = await waitFor(async () => {
      const row = await ctx.deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', ep.id).executeTakeFirst();
      return row?.status === 'DELIVERED' ? row : undefined;
    });
    // Give a stray duplicate (if the retry logic were wrong) the chance to arrive.
    await new Promise((r) => setTimeout(r, 700));

    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(receiver.received.filter((r) => r.status === 200)).toHaveLength(1);
    const accepted = receiver.received[3]!;
    expect(JSON.parse(accepted.body)).toEqual({ message: { family: 'event', action: 'event.created', data: { externalReferenceId: 'e1' } } });
    const signature = accepted.headers['encore-signature'] as string;
    expect(verifyWebhookSignature(ep.secret, accepted.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifyWebhookSignature('whsec_wrong', accepted.body, signature, Math.floor(Date.now() / 1000))).toBe(false);
    // Every attempt carries the same event id, so a receiver can deduplicate.
    expect(new Set(receiver.received.map((r) => r.headers['encore-event-id'])).size).toBe(1);
    expect(receiver.received[0]!.headers['encore-event-id']).toBe(delivery.message_id);

    expect(delivery.attempts).toBe(4);
    const attempts = await ctx.deps.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', delivery.id).orderBy('attempt').execute();
    expect(attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);

    const log = await ctx.app.inject({ method: 'GET', url: `/v1/webhooks/${ep.id}/deliveries`, headers: { authorization: t.apiKey } });
    expect(log.json().data).toMatchObject({ total: 1, items: [{ id: delivery.id, status: 'DELIVERED', attempts: 4, eventType: 'event.created' }] });
    expect(log.json().data.items[0].attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 500, 200]);
  });

  it('writes nothing when the business transaction rolls back', async () => {
    const t = await ctx.createTenant();
    const ep = await endpointFor(t.apiKey, 'http://127.0.0.1:9/never');
    await expect(
      withTx(ctx.deps.db, async (tx) => {
        await emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'updated', data: {} });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const rows = await ctx.deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', ep.id).execute();
    expect(rows).toEqual([]);
  });

  it('sends only the event types an endpoint subscribed to, and nothing to disabled endpoints', async () => {
    const t = await ctx.createTenant();
    const listings = await endpointFor(t.apiKey, 'http://127.0.0.1:9/a', ['listing.*']);
    const events = await endpointFor(t.apiKey, 'http://127.0.0.1:9/b', ['event.cancelled']);
    const all = await endpointFor(t.apiKey, 'http://127.0.0.1:9/c');
    await ctx.app.inject({ method: 'PUT', url: `/v1/webhooks/${all.id}`, headers: { authorization: t.apiKey }, payload: { url: 'http://127.0.0.1:9/c', enabled: false } });
    await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'cancelled', data: {} }));
    const rows = await ctx.deps.db.selectFrom('webhook_deliveries').select('endpoint_id').where('tenant_id', '=', t.tenantId).execute();
    expect(rows.map((r) => r.endpoint_id)).toEqual([events.id]);
    expect(rows.map((r) => r.endpoint_id)).not.toContain(listings.id);
  });

  it('redelivers a delivered message on request, with the same event id', async () => {
    const receiver = await startReceiver([200]);
    receivers.push(receiver);
    const t = await ctx.createTenant();
    const ep = await endpointFor(t.apiKey, receiver.url);
    await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: { n: 1 } }));
    const delivery = await waitFor(async () => {
      const row = await ctx.deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', ep.id).executeTakeFirst();
      return row?.status === 'DELIVERED' ? row : undefined;
    });
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${delivery.id}/redeliver`, headers: { authorization: t.apiKey } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ id: delivery.id, status: 'PENDING' });
    await waitFor(() => (receiver.received.length === 2 ? true : undefined));
    expect(receiver.received[1]!.headers['encore-event-id']).toBe(delivery.message_id);
    const final = await waitFor(async () => {
      const row = await ctx.deps.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', delivery.id).executeTakeFirst();
      return row?.status === 'DELIVERED' && row.attempts === 2 ? row : undefined;
    });
    expect(final.attempts).toBe(2);
  });
});
