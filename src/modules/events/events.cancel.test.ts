import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { DEMO_EVENT, addWebhookEndpoint, auditOf, call, deliveriesOf, fullEvent } from './events.fixtures.js';
import { cancelEventInTx } from './index.js';

describe('POST /v1/events/:externalReferenceId/cancellation', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;

  const cancelled = async (ref: string) =>
    (await deliveriesOf(ctx, tenant.tenantId, 'event.cancelled')).filter((h) => h.message.data.externalReferenceId === ref);

  beforeAll(async () => {
    tenant = await ctx.createTenant('canceller');
    key = tenant.apiKey;
    await addWebhookEndpoint(ctx, key);
    expect((await call(ctx, key, 'POST', '/v1/events', DEMO_EVENT)).status).toBe(200);
    expect((await call(ctx, key, 'POST', '/v1/events', fullEvent('multi'))).status).toBe(200);
  });

  it('cancels a single-show event without showId, with webhook and audit', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events/demo-concert/cancellation');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'CANCELLED', shows: [{ showId: 'demo-show-1', status: 'CANCELLED' }] });
    expect(res.body.data.cancelledAt).toEqual(expect.any(String));
    expect(res.body.data.shows[0].cancelledAt).toEqual(expect.any(String));

    const row = await ctx.deps.db.selectFrom('events').selectAll().where('tenant_id', '=', tenant.tenantId).where('external_reference_id', '=', 'demo-concert').executeTakeFirstOrThrow();
    expect(row.status).toBe('CANCELLED');
    expect(row.cancelled_at).toBeInstanceOf(Date);

    const hooks = await cancelled('demo-concert');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message).toMatchObject({ family: 'event', action: 'event.cancelled', data: { status: 'CANCELLED' } });
    expect(hooks[0]!.message.data.showId).toBeUndefined();
    const audit = (await auditOf(ctx, tenant.tenantId, 'event.cancelled')).filter((a) => a.entity_id === row.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { status: 'LIVE' }, after: { status: 'CANCELLED' } });
  });

  it('is idempotent: a repeat succeeds with no new webhook or audit row', async () => {
    const first = (await call(ctx, key, 'GET', '/v1/events/demo-concert')).body.data;
    const again = await call(ctx, key, 'POST', '/v1/events/demo-concert/cancellation');
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first);
    const withShow = await call(ctx, key, 'POST', '/v1/events/demo-concert/cancellation?showId=demo-show-1');
    expect(withShow.status).toBe(200);
    expect(await cancelled('demo-concert')).toHaveLength(1);
    expect((await auditOf(ctx, tenant.tenantId, 'event.cancelled')).filter((a) => a.entity_id === first.id)).toHaveLength(1);
  });

  it('requires showId for a multi-show event, listing the shows', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events/multi/cancellation');
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'SHOW_ID_REQUIRED', field: 'showId', details: { showIds: ['night-1', 'night-2'] } });
  });

  it('cancels one show; the event follows when its last show is cancelled', async () => {
    const one = await call(ctx, key, 'POST', '/v1/events/multi/cancellation?showId=night-1');
    expect(one.status).toBe(200);
    expect(one.body.data.status).toBe('LIVE');
    expect(one.body.data.shows.map((s: { status: string }) => s.status)).toEqual(['CANCELLED', 'LIVE']);
    let hooks = await cancelled('multi');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message.data).toMatchObject({ showId: 'night-1', status: 'LIVE' });

    expect((await call(ctx, key, 'POST', '/v1/events/multi/cancellation?showId=night-1')).status).toBe(200);
    expect(await cancelled('multi')).toHaveLength(1);

    const two = await call(ctx, key, 'POST', '/v1/events/multi/cancellation?showId=night-2');
    expect(two.status).toBe(200);
    expect(two.body.data.status).toBe('CANCELLED');
    expect(two.body.data.shows.map((s: { status: string }) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
    hooks = await cancelled('multi');
    expect(hooks).toHaveLength(2);
    expect(hooks[1]!.message.data).toMatchObject({ showId: 'night-2', status: 'CANCELLED' });
    expect((await auditOf(ctx, tenant.tenantId, 'event.show_cancelled')).filter((a) => a.entity_id === two.body.data.id)).toHaveLength(2);

    // Nothing is left to choose between: a whole-event repeat is a plain success.
    expect((await call(ctx, key, 'POST', '/v1/events/multi/cancellation')).status).toBe(200);
    expect(await cancelled('multi')).toHaveLength(2);
  });

  it('404s an unknown event, an unknown show and another tenant’s event', async () => {
    const e = await call(ctx, key, 'POST', '/v1/events/ghost/cancellation');
    expect(e.status).toBe(404);
    expect(e.body.errors![0]!.code).toBe('EVENT_NOT_FOUND');
    await call(ctx, key, 'POST', '/v1/events', fullEvent('live'));
    const s = await call(ctx, key, 'POST', '/v1/events/live/cancellation?showId=night-9');
    expect(s.status).toBe(404);
    expect(s.body.errors![0]).toMatchObject({ code: 'SHOW_NOT_FOUND', field: 'showId' });
    const other = await ctx.createTenant('stranger');
    const o = await call(ctx, other.apiKey, 'POST', '/v1/events/live/cancellation?showId=night-1');
    expect(o.status).toBe(404);
    expect(o.body.errors![0]!.code).toBe('EVENT_NOT_FOUND');
    expect((await call(ctx, key, 'GET', '/v1/events/live')).body.data.status).toBe('LIVE');
  });

  it('401s without a key and with a wrong key', async () => {
    expect((await call(ctx, undefined, 'POST', '/v1/events/live/cancellation?showId=night-1')).status).toBe(401);
    expect((await call(ctx, 'nope', 'POST', '/v1/events/live/cancellation?showId=night-1')).status).toBe(401);
  });

  it('cancelEventInTx runs inside the caller’s transaction and reports what it cancelled', async () => {
    const actor = { tenantId: tenant.tenantId, keyId: tenant.keyId, label: 'test' };
    // A later flow failing after the cancellation rolls it back entirely.
    await expect(
      withTx(ctx.deps.db, async (tx) => {
        await cancelEventInTx(tx, ctx.deps, actor, 'live', 'night-2');
        throw new Error('ticket step failed');
      }),
    ).rejects.toThrow('ticket step failed');
    expect((await call(ctx, key, 'GET', '/v1/events/live')).body.data.shows[1].status).toBe('LIVE');

    const outcome = await withTx(ctx.deps.db, (tx) => cancelEventInTx(tx, ctx.deps, actor, 'live', 'night-2'));
    const view = (await call(ctx, key, 'GET', '/v1/events/live')).body.data;
    expect(outcome).toMatchObject({ changed: true, eventCancelled: false, eventId: view.id, cancelledShowIds: [view.shows[1].id] });
    const repeat = await withTx(ctx.deps.db, (tx) => cancelEventInTx(tx, ctx.deps, actor, 'live', 'night-2'));
    expect(repeat).toMatchObject({ changed: false, cancelledShowIds: [] });
  });
});
