import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver, waitFor } from '../../../test/fake-receiver.js';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { emitPurchaseIntentWebhook, emitWebhook } from './index.js';
import { signVivenu } from './pi-webhooks.signing.js';

describe('purchase-intent webhooks (SPEC §7)', () => {
  const ctx = useContext({ workers: true });
  const receivers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });

  async function endpointFor(apiKey: string, url: string, eventTypes?: string[]) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: apiKey }, payload: { url, ...(eventTypes ? { eventTypes } : {}) } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ data: { id: string; secret: string } }>().data;
  }

  it('signs the reference envelope with x-vivenu-signature, after a retry, byte for byte', async () => {
    const receiver = await startReceiver([503, 200]);
    receivers.push(receiver);
    const t = await ctx.createTenant();
    const ep = await endpointFor(t.apiKey, receiver.url, ['purchaseIntent.*']);
    const purchaseIntent = { _id: 'pi_1', status: 'new', approvalStatus: 'approved', sellerId: t.tenantId, realPrice: 10.5 };

    await withTx(ctx.deps.db, (tx) => emitPurchaseIntentWebhook(tx, ctx.deps, t.tenantId, 'purchaseIntent.created', purchaseIntent));

    const delivery = await waitFor(async () => {
      const row = await ctx.deps.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', ep.id).executeTakeFirst();
      return row?.status === 'DELIVERED' ? row : undefined;
    });
    expect(receiver.received.map((r) => r.status)).toEqual([503, 200]);
    const got = receiver.received[1]!;
    expect(JSON.parse(got.body)).toEqual({
      id: delivery.message_id,
      sellerId: t.tenantId,
      webhookId: ep.id,
      type: 'purchaseIntent.created',
      mode: 'prod',
      data: { purchaseIntent },
    });
    expect(Object.keys(JSON.parse(got.body) as object)).toEqual(['id', 'sellerId', 'webhookId', 'type', 'mode', 'data']);
    // What an existing receiver does: hex HMAC-SHA256 of the raw body with the endpoint's secret.
    const expected = createHmac('sha256', ep.secret).update(got.body).digest('hex');
    expect(got.headers['x-vivenu-signature']).toBe(expected);
    expect(got.headers['x-vivenu-signature']).not.toBe(signVivenu('whsec_wrong', got.body));
    expect(receiver.received[0]!.body).toBe(got.body);
    expect(receiver.received[0]!.headers['x-vivenu-signature']).toBe(expected);
    expect(delivery.event_type).toBe('purchaseIntent.created');
  });

  it('reaches only subscribed endpoints, with one message id and a body per endpoint', async () => {
    const all = await startReceiver();
    const exact = await startReceiver();
    receivers.push(all, exact);
    const t = await ctx.createTenant();
    const epAll = await endpointFor(t.apiKey, all.url, ['purchaseIntent.*']);
    const epExact = await endpointFor(t.apiKey, exact.url, ['purchaseIntent.expired']);
    const epOther = await endpointFor(t.apiKey, 'http://127.0.0.1:9/never', ['event.*', 'purchaseIntent.approved']);

    await withTx(ctx.deps.db, (tx) => emitPurchaseIntentWebhook(tx, ctx.deps, t.tenantId, 'purchaseIntent.expired', { _id: 'pi_2' }));

    await waitFor(() => (all.received.length === 1 && exact.received.length === 1 ? true : undefined));
    const rows = await ctx.deps.db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', t.tenantId).execute();
    expect(rows.map((r) => r.endpoint_id).sort()).toEqual([epAll.id, epExact.id].sort());
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(1);
    expect(rows.some((r) => r.endpoint_id === epOther.id)).toBe(false);
    const bodyAll = JSON.parse(all.received[0]!.body) as { id: string; webhookId: string };
    const bodyExact = JSON.parse(exact.received[0]!.body) as { id: string; webhookId: string };
    expect(bodyAll.webhookId).toBe(epAll.id);
    expect(bodyExact.webhookId).toBe(epExact.id);
    expect(bodyAll.id).toBe(bodyExact.id);
    expect(exact.received[0]!.headers['x-vivenu-signature']).toBe(signVivenu(epExact.secret, exact.received[0]!.body));
  });

  it('leaves marketplace deliveries without the vivenu header, and writes nothing on rollback', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const t = await ctx.createTenant();
    const ep = await endpointFor(t.apiKey, receiver.url);
    await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: {} }));
    await waitFor(() => (receiver.received.length === 1 ? true : undefined));
    expect(receiver.received[0]!.headers['x-vivenu-signature']).toBeUndefined();

    await expect(
      withTx(ctx.deps.db, async (tx) => {
        await emitPurchaseIntentWebhook(tx, ctx.deps, t.tenantId, 'purchaseIntent.cancelled', { _id: 'pi_3' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const rows = await ctx.deps.db.selectFrom('webhook_deliveries').select('event_type').where('endpoint_id', '=', ep.id).execute();
    expect(rows.map((r) => r.event_type)).toEqual(['event.created']);
  });
});
