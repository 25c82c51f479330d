import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { admissionsOf, admit, admitMany, createEvent, historyOf, insertTickets, ticketRow, type StoredEvent } from './admission.fixtures.js';

/**
 * Scanners race: the same ticket is scanned at two gates, or a scanner retries while its first
 * request is still running. Requests sent with Promise.all through app.inject run concurrently on
 * separate pool connections, so each test below is a real race in PostgreSQL.
 */
describe('admission under concurrency', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  let event: StoredEvent;

  beforeAll(async () => {
    tenant = await ctx.createTenant('gates');
    key = tenant.apiKey;
    event = await createEvent(ctx, key, 'race-event');
  });

  it('a double scan of one ticket from two connections records exactly one admission (same scan: both succeed)', async () => {
    for (let round = 0; round < 10; round++) {
      const ticketId = `SAME-${round}`;
      await insertTickets(ctx, tenant.tenantId, event, [{ ticketId }]);
      const scan = { entryDate: '2027-06-01T19:00:00Z', locator: `code-${ticketId}` };
      const [a, b] = await Promise.all([admit(ctx, key, ticketId, scan), admit(ctx, key, ticketId, scan)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      // One of them recorded the entry, the other saw it recorded: both answer as the reference does.
      expect([a.body.data, b.body.data]).toEqual([true, true]);
      expect(await admissionsOf(ctx, tenant.tenantId, ticketId)).toHaveLength(1);
      expect(await historyOf(ctx, tenant.tenantId, ticketId)).toHaveLength(1);
      expect((await ticketRow(ctx, tenant.tenantId, ticketId))?.status).toBe('USED');
    }
  });

  it('a double scan at two different times: one 200, one 409 ALREADY_ADMITTED naming the winner', async () => {
    for (let round = 0; round < 10; round++) {
      const ticketId = `DIFF-${round}`;
      await insertTickets(ctx, tenant.tenantId, event, [{ ticketId }]);
      const dates = ['2027-06-01T19:00:01Z', '2027-06-01T19:00:02Z'];
      const replies = await Promise.all(dates.map((entryDate) => admit(ctx, key, ticketId, { entryDate })));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = replies.findIndex((r) => r.status === 200);
      const loser = replies.find((r) => r.status === 409)!;
      expect(replies[winner]!.body.data).toBe(true);
      const stored = await admissionsOf(ctx, tenant.tenantId, ticketId);
      expect(stored).toHaveLength(1);
      const first = stored[0]!.entry_date.toISOString();
      expect(first).toBe(new Date(dates[winner]!).toISOString());
      expect(loser.body.errors![0]).toMatchObject({ code: 'ALREADY_ADMITTED', details: { firstEntryDate: first } });
      expect(await historyOf(ctx, tenant.tenantId, ticketId)).toHaveLength(1);
    }
  });

  it('twenty gates scanning one ticket at once: exactly one admission', async () => {
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'CROWD' }]);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => admit(ctx, key, 'CROWD', { entryDate: `2027-06-01T19:01:${String(i).padStart(2, '0')}Z` })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.errors![0].code === 'ALREADY_ADMITTED')).toBe(true);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(19);
    expect(await admissionsOf(ctx, tenant.tenantId, 'CROWD')).toHaveLength(1);
  });

  it('overlapping batches in parallel: every ticket admitted once, each scan reported exactly once as admitted or repeated', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `OVL-${String(i).padStart(3, '0')}`);
    await insertTickets(ctx, tenant.tenantId, event, ids.map((ticketId) => ({ ticketId })));
    // Four batches over the same tickets in different orders, the same entry time: all must succeed.
    const orders = [ids, [...ids].reverse(), [...ids.slice(200), ...ids.slice(0, 200)], ids.filter((_, i) => i % 2 === 0)];
    const replies = await Promise.all(orders.map((order) => admitMany(ctx, key, order.map((ticketId) => ({ ticketId, entryDate: '2027-06-01T19:30:00Z' })))));
    for (const r of replies) expect(r.body).toEqual({ status: 200, data: true, errors: null });
    const stored = (await admissionsOf(ctx, tenant.tenantId)).filter((a) => a.ticket_id.startsWith('OVL-'));
    expect(stored).toHaveLength(400);
    const history = await ctx.deps.db
      .selectFrom('ticket_history')
      .select(['ticket_id'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('ticket_id', 'like', 'OVL-%')
      .execute();
    expect(history).toHaveLength(400);
    // One audit row per batch that admitted something, listing each ticket exactly once across them.
    const audit = await ctx.deps.db.selectFrom('audit_log').select('after').where('tenant_id', '=', tenant.tenantId).where('action', '=', 'ticket.batch_admitted').execute();
    const listed = audit.flatMap((a) => (a.after as { ticketIds: string[] }).ticketIds).filter((id) => id.startsWith('OVL-'));
    expect(listed.sort()).toEqual(ids);
  });

  it('a ticket deleted while its scan waits for the row lock is refused, not admitted', async () => {
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'DEL-RACE' }]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const deleting = ctx.deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('tickets').set({ status: 'DELETED' }).where('tenant_id', '=', tenant.tenantId).where('ticket_id', '=', 'DEL-RACE').execute();
      locked();
      await gate;
    });
    await isLocked;
    // The scan reads the ticket as VALID (the delete is not committed), then waits on the row lock.
    const scanning = admit(ctx, key, 'DEL-RACE', { entryDate: '2027-06-01T19:40:00Z' });
    await new Promise((r) => setTimeout(r, 150));
    release();
    await deleting;
    const res = await scanning;
    expect(res.status).toBe(409);
    expect(res.body.errors![0].code).toBe('TICKET_DELETED');
    expect(await admissionsOf(ctx, tenant.tenantId, 'DEL-RACE')).toHaveLength(0);
    expect((await ticketRow(ctx, tenant.tenantId, 'DEL-RACE'))?.status).toBe('DELETED');
  });

  it('a code replaced while the scan waits is refused with ACCESS_CODE_MISMATCH', async () => {
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'RECODE', locator: 'OLD' }]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const recoding = ctx.deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('tickets').set({ access_locator: 'NEW' }).where('tenant_id', '=', tenant.tenantId).where('ticket_id', '=', 'RECODE').execute();
      locked();
      await gate;
    });
    await isLocked;
    const scanning = admit(ctx, key, 'RECODE', { entryDate: '2027-06-01T19:41:00Z', locator: 'OLD' });
    await new Promise((r) => setTimeout(r, 150));
    release();
    await recoding;
    const res = await scanning;
    expect(res.status).toBe(409);
    expect(res.body.errors![0]).toMatchObject({ code: 'ACCESS_CODE_MISMATCH', field: 'locator' });
    expect((await ticketRow(ctx, tenant.tenantId, 'RECODE'))?.status).toBe('VALID');
    expect((await admit(ctx, key, 'RECODE', { entryDate: '2027-06-01T19:41:00Z', locator: 'NEW' })).status).toBe(200);
  });
});
