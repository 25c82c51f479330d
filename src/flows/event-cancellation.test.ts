import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../test/harness.js';
import { withTx } from '../db/tx.js';
import { cancelEventInTx } from '../modules/events/index.js';
import { cancelTicketsOfShowsInTx, lockEventTicketsForCancellation } from '../modules/tickets/index.js';
import { auditOf, call, createEvents, historyOf, ticket, ticketRow } from '../modules/tickets/tickets.fixtures.js';

describe('event cancellation flow: the event’s tickets are cancelled in the same transaction', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  const status = async (id: string) => (await ticketRow(ctx, tenant.tenantId, id))?.status;

  beforeAll(async () => {
    tenant = await ctx.createTenant('flow');
    key = tenant.apiKey;
    await createEvents(ctx, key);
    const res = await call(ctx, key, 'POST', '/v1/sync/tickets', [
      ticket('solo-1'),
      ticket('solo-2'),
      ticket('solo-del'),
      ticket('d1-1', { showId: 'd1' }, 'duo'),
      ticket('d2-1', { showId: 'd2' }, 'duo'),
    ]);
    expect(res.body.data.map((r: { status: string }) => r.status)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED']);
    expect((await call(ctx, key, 'DELETE', '/v1/tickets/solo-del')).status).toBe(200);
  });

  it('cancelling a whole event cancels its live tickets (EVENT_CANCELLED), with history and audit, and leaves deleted ones alone', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events/solo/cancellation');
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('CANCELLED');
    expect(await ticketRow(ctx, tenant.tenantId, 'solo-1')).toMatchObject({ status: 'CANCELLED', status_reason: 'EVENT_CANCELLED' });
    expect(await status('solo-2')).toBe('CANCELLED');
    expect(await ticketRow(ctx, tenant.tenantId, 'solo-del')).toMatchObject({ status: 'DELETED', status_reason: 'DELETED_BY_INTEGRATOR' });
    expect((await historyOf(ctx, tenant.tenantId, 'solo-1')).at(-1)).toMatchObject({ kind: 'CANCELLED', data: { reason: 'EVENT_CANCELLED' } });
    expect((await historyOf(ctx, tenant.tenantId, 'solo-del')).map((h) => h.kind)).toEqual(['CREATED', 'DELETED']);
    const audit = await auditOf(ctx, tenant.tenantId, 'tickets.cancelled');
    expect(audit.at(-1)!.after).toMatchObject({ reason: 'EVENT_CANCELLED', count: 2 });

    // The ticket view shows it; a cancelled ticket can no longer change.
    expect((await call(ctx, key, 'GET', '/v1/tickets/solo-1')).body.data).toMatchObject({ status: 'CANCELLED', statusReason: 'EVENT_CANCELLED' });
    const edit = await call(ctx, key, 'PUT', '/v1/tickets/solo-1', { buyer: 'x@fans.example' });
    expect(edit.status).toBe(409);
    expect(edit.body.errors![0]!.code).toBe('TICKET_CANCELLED');

    // A repeat cancels nothing more.
    expect((await call(ctx, key, 'POST', '/v1/events/solo/cancellation')).status).toBe(200);
    expect(await historyOf(ctx, tenant.tenantId, 'solo-1')).toHaveLength(2);
  });

  it('cancelling one show cancels only that show’s tickets (SHOW_CANCELLED)', async () => {
    const res = await call(ctx, key, 'POST', '/v1/events/duo/cancellation?showId=d1');
    expect(res.status).toBe(200);
    expect(await ticketRow(ctx, tenant.tenantId, 'd1-1')).toMatchObject({ status: 'CANCELLED', status_reason: 'SHOW_CANCELLED' });
    expect(await status('d2-1')).toBe('VALID');
  });

  it('rolls the ticket cancellation back with the event when a later step fails', async () => {
    const actor = { tenantId: tenant.tenantId, keyId: tenant.keyId, label: 'test' };
    await expect(
      withTx(ctx.deps.db, async (tx) => {
        await lockEventTicketsForCancellation(tx, tenant.tenantId, 'duo');
        const outcome = await cancelEventInTx(tx, ctx.deps, actor, 'duo', 'd2');
        expect(await cancelTicketsOfShowsInTx(tx, ctx.deps, actor, outcome.cancelledShowIds, 'SHOW_CANCELLED')).toBe(1);
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    expect(await status('d2-1')).toBe('VALID');
    expect((await call(ctx, key, 'GET', '/v1/events/duo')).body.data.shows[1].status).toBe('LIVE');
  });

  it('a ticket written while the cancellation runs is either cancelled with the show or refused', async () => {
    // Sync ingestion of many tickets into d2, racing the cancellation of d2.
    const batch = Array.from({ length: 800 }, (_, i) => ticket(`race-${i}`, { showId: 'd2' }, 'duo'));
    const [ingest, cancel] = await Promise.all([
      call(ctx, key, 'POST', '/v1/sync/tickets', batch),
      new Promise((r) => setTimeout(r, 5)).then(() => call(ctx, key, 'POST', '/v1/events/duo/cancellation?showId=d2')),
    ]);
    expect(cancel.status).toBe(200);
    expect(ingest.status).toBe(200);
    const rows = await ctx.deps.db.selectFrom('tickets').select(['status']).where('tenant_id', '=', tenant.tenantId).where('ticket_id', 'like', 'race-%').execute();
    // Either all were written before the cancellation (and cancelled by it) or all were refused after it.
    expect(rows.every((r) => r.status === 'CANCELLED')).toBe(true);
    if (rows.length === 0) expect(ingest.body.data[0].errors[0].code).toMatch(/^(SHOW_CANCELLED|EVENT_CANCELLED)$/);
    expect(await status('d2-1')).toBe('CANCELLED');
  });
});
