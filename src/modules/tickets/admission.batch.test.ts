import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { admissionHooks, admissionsOf, admit, admitMany, createEvent, historyOf, insertTickets, ticketRow, type StoredEvent } from './admission.fixtures.js';

describe('POST /v1/tickets/batch/eventAdmission', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  let event: StoredEvent;

  const at = (minute: number) => `2027-06-01T19:${String(minute).padStart(2, '0')}:00Z`;

  beforeAll(async () => {
    tenant = await ctx.createTenant('gate');
    key = tenant.apiKey;
    const hook = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: key }, payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['ticket.*'] } });
    expect(hook.statusCode).toBe(200);
    event = await createEvent(ctx, key, 'batch-event');
  });

  it('admits every ticket of an all-valid batch: data true, one audit row and one webhook for the batch', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `ALL-${i}`);
    await insertTickets(ctx, tenant.tenantId, event, ids.map((ticketId) => ({ ticketId })));
    const res = await admitMany(ctx, key, ids.map((ticketId, i) => ({ ticketId, entryDate: at(i % 60), ...(i % 2 ? { locator: `code-${ticketId}` } : {}) })));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 200, data: true, errors: null });

    const rows = (await admissionsOf(ctx, tenant.tenantId)).filter((a) => a.ticket_id.startsWith('ALL-'));
    expect(rows).toHaveLength(50);
    const byId = new Map(rows.map((r) => [r.ticket_id, r]));
    expect(byId.get('ALL-7')).toMatchObject({ entry_date: new Date(at(7)), locator: 'code-ALL-7', actor_key_id: tenant.keyId });
    expect(byId.get('ALL-8')?.locator).toBeNull();
    const statuses = await ctx.deps.db.selectFrom('tickets').select(['status']).where('tenant_id', '=', tenant.tenantId).where('ticket_id', 'in', ids).execute();
    expect(statuses.every((s) => s.status === 'USED')).toBe(true);
    expect((await historyOf(ctx, tenant.tenantId, 'ALL-3')).map((h) => [h.kind, h.data])).toEqual([['ADMITTED', { entryDate: '2027-06-01T19:03:00.000Z', locator: 'code-ALL-3' }]]);

    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenant.tenantId).where('action', '=', 'ticket.batch_admitted').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: 'admission_batch', actor_key_id: tenant.keyId, after: { scans: 50, admitted: 50 } });
    expect([...(audit[0]!.after as { ticketIds: string[] }).ticketIds].sort()).toEqual([...ids].sort());

    const hooks = await admissionHooks(ctx, tenant.tenantId);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message).toMatchObject({ family: 'ticket', action: 'ticket.admitted' });
    expect([...hooks[0]!.message.data.ticketIds].sort()).toEqual([...ids].sort());
    expect(hooks[0]!.message.data.admissions).toContainEqual({ ticketId: 'ALL-7', entryDate: '2027-06-01T19:07:00.000Z' });
  });

  it('records every valid scan of a mixed batch and reports one error per refused scan', async () => {
    await insertTickets(ctx, tenant.tenantId, event, [
      { ticketId: 'M-ok-1' },
      { ticketId: 'M-ok-2', status: 'LISTED' },
      { ticketId: 'M-deleted', status: 'DELETED' },
      { ticketId: 'M-cancelled', status: 'CANCELLED', statusReason: 'event cancelled' },
      { ticketId: 'M-reserved', status: 'RESERVED' },
      { ticketId: 'M-code', locator: 'RIGHT' },
      { ticketId: 'M-earlier' },
      { ticketId: 'M-repeat' },
      { ticketId: 'M-dup-same' },
      { ticketId: 'M-dup-diff' },
      { ticketId: 'M-bad-date' },
      { ticketId: 'M-ok-3' },
    ]);
    expect((await admit(ctx, key, 'M-earlier', { entryDate: at(1) })).status).toBe(200);
    expect((await admit(ctx, key, 'M-repeat', { entryDate: at(2) })).status).toBe(200);
    const hooksBefore = (await admissionHooks(ctx, tenant.tenantId)).length;

    const res = await admitMany(ctx, key, [
      { ticketId: 'M-ok-1', entryDate: at(10) }, // 0 ok
      { ticketId: 'M-unknown', entryDate: at(10) }, // 1 not found
      { ticketId: 'M-deleted', entryDate: at(10) }, // 2 deleted
      { ticketId: 'M-cancelled', entryDate: at(10) }, // 3 cancelled
      { ticketId: 'M-code', entryDate: at(10), locator: 'WRONG' }, // 4 code mismatch
      { ticketId: 'M-earlier', entryDate: at(10) }, // 5 already admitted at 19:01
      { ticketId: 'M-repeat', entryDate: at(2) }, // 6 repeat: success
      { ticketId: 'M-dup-same', entryDate: at(11) }, // 7 ok
      { ticketId: 'M-dup-same', entryDate: at(11) }, // 8 the same scan twice in one batch: success
      { ticketId: 'M-dup-diff', entryDate: at(12) }, // 9 ok
      { ticketId: 'M-dup-diff', entryDate: at(13) }, // 10 a second entry in the same batch: already admitted
      { ticketId: 'M-bad-date', entryDate: 'tonight' }, // 11 invalid date
      { ticketId: 'M-ok-2', entryDate: at(14) }, // 12 ok (LISTED)
      { ticketId: 'M-reserved', entryDate: at(14) }, // 13 not admissible
      { ticketId: 'M-ok-3', entryDate: '2027-06-01T21:15:00+02:00', locator: 'code-M-ok-3' }, // 14 ok
      { ticketId: 'M-code', entryDate: at(16), locator: 'RIGHT' }, // 15 ok: the right code after a wrong one
    ]);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(200);
    expect(res.body.data).toBe(false);
    expect(res.body.errors!.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['[1].ticketId', 'TICKET_NOT_FOUND'],
      ['[2].ticketId', 'TICKET_DELETED'],
      ['[3].ticketId', 'TICKET_CANCELLED'],
      ['[4].locator', 'ACCESS_CODE_MISMATCH'],
      ['[5].ticketId', 'ALREADY_ADMITTED'],
      ['[10].ticketId', 'ALREADY_ADMITTED'],
      ['[11].entryDate', 'INVALID_DATE'],
      ['[13].ticketId', 'TICKET_NOT_ADMISSIBLE'],
    ]);
    const errors = res.body.errors!;
    for (const e of errors) expect(e.details.ticketId).toEqual(expect.any(String));
    expect(errors[2].details).toMatchObject({ ticketId: 'M-cancelled', statusReason: 'event cancelled' });
    expect(errors[4].details).toEqual({ ticketId: 'M-earlier', firstEntryDate: '2027-06-01T19:01:00.000Z' });
    expect(errors[5].details).toEqual({ ticketId: 'M-dup-diff', firstEntryDate: '2027-06-01T19:12:00.000Z' });

    const stored = new Map((await admissionsOf(ctx, tenant.tenantId)).map((a) => [a.ticket_id, a.entry_date.toISOString()]));
    expect(stored.get('M-ok-1')).toBe('2027-06-01T19:10:00.000Z');
    expect(stored.get('M-ok-2')).toBe('2027-06-01T19:14:00.000Z');
    expect(stored.get('M-ok-3')).toBe('2027-06-01T19:15:00.000Z');
    expect(stored.get('M-dup-same')).toBe('2027-06-01T19:11:00.000Z');
    expect(stored.get('M-dup-diff')).toBe('2027-06-01T19:12:00.000Z');
    expect(stored.get('M-code')).toBe('2027-06-01T19:16:00.000Z');
    expect(stored.get('M-earlier')).toBe('2027-06-01T19:01:00.000Z');
    expect(stored.get('M-repeat')).toBe('2027-06-01T19:02:00.000Z');
    for (const id of ['M-deleted', 'M-cancelled', 'M-reserved', 'M-bad-date', 'M-unknown']) expect(stored.has(id), id).toBe(false);
    for (const [id, status] of [
      ['M-ok-1', 'USED'],
      ['M-ok-2', 'USED'],
      ['M-code', 'USED'],
      ['M-deleted', 'DELETED'],
      ['M-cancelled', 'CANCELLED'],
      ['M-reserved', 'RESERVED'],
      ['M-bad-date', 'VALID'],
    ] as const) {
      expect((await ticketRow(ctx, tenant.tenantId, id))?.status, id).toBe(status);
    }
    // One history row per admitted ticket, none for repeats.
    expect(await historyOf(ctx, tenant.tenantId, 'M-dup-same')).toHaveLength(1);
    expect(await historyOf(ctx, tenant.tenantId, 'M-repeat')).toHaveLength(1);

    const hooks = await admissionHooks(ctx, tenant.tenantId);
    expect(hooks).toHaveLength(hooksBefore + 1);
    const batchHook = hooks.find((h) => h.message.data.ticketIds.includes('M-ok-1'));
    expect([...batchHook!.message.data.ticketIds].sort()).toEqual(['M-code', 'M-dup-diff', 'M-dup-same', 'M-ok-1', 'M-ok-2', 'M-ok-3']);
  });

  it('answers data true for a batch of repeats only, writing nothing', async () => {
    const before = await ctx.deps.db.selectFrom('audit_log').select('id').where('tenant_id', '=', tenant.tenantId).execute();
    const res = await admitMany(ctx, key, [{ ticketId: 'M-repeat', entryDate: at(2) }, { ticketId: 'M-ok-1', entryDate: '2027-06-01T21:10:00+02:00' }]);
    expect(res.body).toEqual({ status: 200, data: true, errors: null });
    const after = await ctx.deps.db.selectFrom('audit_log').select('id').where('tenant_id', '=', tenant.tenantId).execute();
    expect(after).toHaveLength(before.length);
  });

  it('answers data false when every scan is refused', async () => {
    const res = await admitMany(ctx, key, [{ ticketId: 'ghost-1', entryDate: at(1) }, { ticketId: 'ghost\u0000nul', entryDate: at(1) }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 200, data: false, errors: [{ code: 'TICKET_NOT_FOUND', field: '[0].ticketId' }, { code: 'TICKET_NOT_FOUND', field: '[1].ticketId' }] });
  });

  it('admits a large batch (5,000 scans) in one request', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `BIG-${i}`);
    await insertTickets(ctx, tenant.tenantId, event, ids.map((ticketId) => ({ ticketId })));
    const res = await admitMany(ctx, key, ids.map((ticketId) => ({ ticketId, entryDate: at(30) })));
    expect(res.body).toEqual({ status: 200, data: true, errors: null });
    const n = await ctx.deps.db
      .selectFrom('admissions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenant.tenantId)
      .where('ticket_id', 'like', 'BIG-%')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(5000);
  });

  it.each([
    [[], 'body'],
    [{ ticketId: 'x', entryDate: '2027-06-01T19:00:00Z' }, 'body'],
    [[{ ticketId: 'x' }], '[0].entryDate'],
    [[{ entryDate: '2027-06-01T19:00:00Z' }], '[0].ticketId'],
    [[{ ticketId: '', entryDate: '2027-06-01T19:00:00Z' }], '[0].ticketId'],
    [[{ ticketId: 7, entryDate: '2027-06-01T19:00:00Z' }], '[0].ticketId'],
    [[{ ticketId: 'x', entryDate: '2027-06-01T19:00:00Z', locator: null }], '[0].locator'],
    [[null], '[0]'],
  ])('refuses a malformed body %j with 400 on %s, recording nothing', async (payload, field) => {
    const res = await admitMany(ctx, key, payload);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, data: null, errors: [{ code: 'VALIDATION_ERROR', field }] });
  });

  it('refuses an unknown field under Encore-Strict for the whole batch (UNKNOWN_FIELD), and otherwise ignores and names it', async () => {
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'EXTRA-1' }, { ticketId: 'EXTRA-2' }]);
    const client = marketplaceClient(ctx, key);
    const body = [
      { ticketId: 'EXTRA-1', entryDate: at(35) },
      { ticketId: 'EXTRA-2', entryDate: at(35), gate: 3 },
    ];
    const strict = await client.post('/v1/tickets/batch/eventAdmission', body, { headers: { 'encore-strict': 'true' } });
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ status: 400, data: null, errors: [{ code: 'UNKNOWN_FIELD', field: '[1].gate' }] });
    expect(await admissionsOf(ctx, tenant.tenantId, 'EXTRA-1')).toHaveLength(0);

    const lenient = await client.post('/v1/tickets/batch/eventAdmission', body);
    expect(lenient.body).toEqual({ status: 200, data: true, errors: null });
    expect(lenient.headers['encore-ignored-fields']).toBe('[1].gate');
    expect((await admissionsOf(ctx, tenant.tenantId)).filter((a) => a.ticket_id.startsWith('EXTRA-'))).toHaveLength(2);
  });

  it('refuses more than 10,000 scans', async () => {
    const res = await admitMany(ctx, key, Array.from({ length: 10_001 }, (_, i) => ({ ticketId: `x${i}`, entryDate: '2027-06-01T19:00:00Z' })));
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'body' });
  });

  it("requires a key, and treats another tenant's tickets as unknown", async () => {
    await insertTickets(ctx, tenant.tenantId, event, [{ ticketId: 'MINE' }]);
    const none = await admitMany(ctx, undefined, [{ ticketId: 'MINE', entryDate: at(40) }]);
    expect(none.status).toBe(401);
    const other = await ctx.createTenant('intruder');
    const res = await admitMany(ctx, other.apiKey, [{ ticketId: 'MINE', entryDate: at(40) }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: false, errors: [{ code: 'TICKET_NOT_FOUND', field: '[0].ticketId', details: { ticketId: 'MINE' } }] });
    expect((await ticketRow(ctx, tenant.tenantId, 'MINE'))?.status).toBe('VALID');
    expect(await admissionsOf(ctx, tenant.tenantId, 'MINE')).toHaveLength(0);
  });
});
