import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { marketplaceClient } from '../../../test/client.js';
import { admissionHooks, admissionsOf, admit, createEvent, historyOf, insertTickets, ticketRow, type StoredEvent } from '../../modules/tickets/admission.fixtures.js';

describe('POST /v1/tickets/:ticketId/eventAdmission', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  let event: StoredEvent;

  beforeAll(async () => {
    tenant = await ctx.createTenant('gate');
    key = tenant.apiKey;
    const hook = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: key }, payload: { url: 'http://127.0.0.1:9/hook' } });
    expect(hook.statusCode).toBe(200);
    event = await createEvent(ctx, key, 'gate-event');
    await insertTickets(ctx, tenant.tenantId, event, [
      { ticketId: 'T-ok', locator: 'QR-OK' },
      { ticketId: 'T-now' },
      { ticketId: 'T-empty-json' },
      { ticketId: 'T-listed', status: 'LISTED' },
      { ticketId: 'T-retry' },
      { ticketId: 'T-twice' },
      { ticketId: 'T-code', locator: 'QR-RIGHT' },
      { ticketId: 'T-deleted', status: 'DELETED' },
      { ticketId: 'T-cancelled', status: 'CANCELLED', statusReason: 'show night-1 cancelled' },
      { ticketId: 'T-reserved', status: 'RESERVED' },
      { ticketId: 'T-invalid', status: 'INVALID' },
      { ticketId: 'T-bad-input' },
      { ticketId: 'T-extra-field' },
      { ticketId: 'id with spaces/and?odd#chars' },
    ]);
  });

  it('admits a ticket: data true, USED, one admission row, an ADMITTED history row, an audit row and a ticket.admitted webhook', async () => {
    const res = await admit(ctx, key, 'T-ok', { entryDate: '2027-06-01T20:15:30.250+02:00', locator: 'QR-OK' });
    expect(res.status).toBe(200);
    // As the reference answers; the admission itself is read with GET /v1/tickets/:ticketId.
    expect(res.body).toEqual({ status: 200, data: true, errors: null });
    const read = await marketplaceClient(ctx, key).get('/v1/tickets/T-ok');
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ status: 'USED', admission: { entryDate: '2027-06-01T18:15:30.250Z', locator: 'QR-OK', admittedAt: ctx.clock!.now().toISOString() } });

    expect((await ticketRow(ctx, tenant.tenantId, 'T-ok'))?.status).toBe('USED');
    const admissions = await admissionsOf(ctx, tenant.tenantId, 'T-ok');
    expect(admissions).toHaveLength(1);
    expect(admissions[0]).toMatchObject({ entry_date: new Date('2027-06-01T18:15:30.250Z'), locator: 'QR-OK', actor_key_id: tenant.keyId, admitted_at: ctx.clock!.now() });
    const history = await historyOf(ctx, tenant.tenantId, 'T-ok');
    expect(history.map((h) => h.kind)).toEqual(['ADMITTED']);
    expect(history[0]).toMatchObject({ actor: `key:${tenant.keyId}`, data: { entryDate: '2027-06-01T18:15:30.250Z', locator: 'QR-OK' } });

    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenant.tenantId).where('entity_id', '=', 'T-ok').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'ticket.admitted', entity_type: 'ticket', before: { status: 'VALID' }, after: { status: 'USED', entryDate: '2027-06-01T18:15:30.250Z' } });

    const hooks = (await admissionHooks(ctx, tenant.tenantId)).filter((h) => h.message.data.ticketIds.includes('T-ok'));
    expect(hooks).toEqual([
      { message: { family: 'ticket', action: 'ticket.admitted', data: { ticketIds: ['T-ok'], admissions: [{ ticketId: 'T-ok', entryDate: '2027-06-01T18:15:30.250Z' }] } } },
    ]);
  });

  it('takes no body at all, an empty JSON body or {}: entry now, code not checked', async () => {
    ctx.clock!.set('2027-06-01T19:00:00Z');
    const none = await admit(ctx, key, 'T-now');
    expect(none.status).toBe(200);
    expect(none.body.data).toBe(true);
    expect((await admissionsOf(ctx, tenant.tenantId, 'T-now'))[0]).toMatchObject({ entry_date: new Date('2027-06-01T19:00:00Z'), locator: null });

    const empty = await ctx.app.inject({
      method: 'POST',
      url: '/v1/tickets/T-empty-json/eventAdmission',
      headers: { authorization: key, 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(200);
    expect(empty.json().data).toBe(true);
    expect((await admissionsOf(ctx, tenant.tenantId, 'T-empty-json'))[0]).toMatchObject({ entry_date: new Date('2027-06-01T19:00:00Z') });

    // `{}` for the same ticket, at the same (frozen) instant: a repeat, answered the same way.
    const braces = await admit(ctx, key, 'T-empty-json', {});
    expect(braces.status).toBe(200);
    expect(braces.body.data).toBe(true);
    expect(await admissionsOf(ctx, tenant.tenantId, 'T-empty-json')).toHaveLength(1);
  });

  it('admits a LISTED ticket (LISTED → USED)', async () => {
    const res = await admit(ctx, key, 'T-listed', { entryDate: '2027-06-01T19:05:00Z' });
    expect(res.status).toBe(200);
    expect((await ticketRow(ctx, tenant.tenantId, 'T-listed'))?.status).toBe('USED');
    expect((await historyOf(ctx, tenant.tenantId, 'T-listed')).map((h) => h.kind)).toEqual(['ADMITTED']);
    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenant.tenantId).where('entity_id', '=', 'T-listed').executeTakeFirst();
    expect(audit).toMatchObject({ action: 'ticket.admitted', before: { status: 'LISTED' }, after: { status: 'USED' } });
  });

  it('treats a retry of the same scan as a success that writes nothing', async () => {
    const scan = { entryDate: '2027-06-01T19:10:00+00:00', locator: 'code-T-retry' };
    const first = await admit(ctx, key, 'T-retry', scan);
    expect(first.body).toEqual({ status: 200, data: true, errors: null });
    // The same instant written differently is the same scan: the same answer as the first time.
    for (const entryDate of ['2027-06-01T19:10:00+00:00', '2027-06-01T21:10:00.000+02:00']) {
      const again = await admit(ctx, key, 'T-retry', { ...scan, entryDate });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 200, data: true, errors: null });
    }
    expect(await admissionsOf(ctx, tenant.tenantId, 'T-retry')).toHaveLength(1);
    expect(await historyOf(ctx, tenant.tenantId, 'T-retry')).toHaveLength(1);
    const audit = await ctx.deps.db.selectFrom('audit_log').select('id').where('tenant_id', '=', tenant.tenantId).where('entity_id', '=', 'T-retry').execute();
    expect(audit).toHaveLength(1);
    expect((await admissionHooks(ctx, tenant.tenantId)).filter((h) => h.message.data.ticketIds.includes('T-retry'))).toHaveLength(1);
  });

  it('refuses a second, different entry with 409 ALREADY_ADMITTED and the first entry time', async () => {
    expect((await admit(ctx, key, 'T-twice', { entryDate: '2027-06-01T19:20:00Z' })).status).toBe(200);
    const second = await admit(ctx, key, 'T-twice', { entryDate: '2027-06-01T19:21:00Z' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      status: 409,
      data: null,
      errors: [{ code: 'ALREADY_ADMITTED', field: 'ticketId', details: { ticketId: 'T-twice', firstEntryDate: '2027-06-01T19:20:00.000Z' } }],
    });
    expect(second.body.errors![0].message).toContain('2027-06-01T19:20:00.000Z');
    expect(await admissionsOf(ctx, tenant.tenantId, 'T-twice')).toHaveLength(1);
  });

  it("refuses a code that is not the ticket's current access code (409 ACCESS_CODE_MISMATCH), even as a repeat", async () => {
    const wrong = await admit(ctx, key, 'T-code', { entryDate: '2027-06-01T19:30:00Z', locator: 'QR-WRONG' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.errors![0]).toMatchObject({ code: 'ACCESS_CODE_MISMATCH', field: 'locator', details: { ticketId: 'T-code' } });
    expect((await ticketRow(ctx, tenant.tenantId, 'T-code'))?.status).toBe('VALID');
    expect(await admissionsOf(ctx, tenant.tenantId, 'T-code')).toHaveLength(0);

    expect((await admit(ctx, key, 'T-code', { entryDate: '2027-06-01T19:30:00Z', locator: 'QR-RIGHT' })).status).toBe(200);
    const forged = await admit(ctx, key, 'T-code', { entryDate: '2027-06-01T19:30:00Z', locator: 'QR-WRONG' });
    expect(forged.status).toBe(409);
    expect(forged.body.errors![0].code).toBe('ACCESS_CODE_MISMATCH');
  });

  it.each([
    ['T-deleted', 'TICKET_DELETED', { status: 'DELETED' }],
    ['T-cancelled', 'TICKET_CANCELLED', { status: 'CANCELLED', statusReason: 'show night-1 cancelled' }],
    ['T-reserved', 'TICKET_NOT_ADMISSIBLE', { status: 'RESERVED' }],
    ['T-invalid', 'TICKET_NOT_ADMISSIBLE', { status: 'INVALID' }],
  ])('refuses %s with 409 %s and its reason, writing nothing', async (ticketId, code, details) => {
    const res = await admit(ctx, key, ticketId, { entryDate: '2027-06-01T19:40:00Z' });
    expect(res.status).toBe(409);
    expect(res.body.errors![0]).toMatchObject({ code, field: 'ticketId', details: { ticketId, ...details } });
    if (code === 'TICKET_CANCELLED') expect(res.body.errors![0].message).toContain('show night-1 cancelled');
    expect(await admissionsOf(ctx, tenant.tenantId, ticketId)).toHaveLength(0);
    expect(await historyOf(ctx, tenant.tenantId, ticketId)).toHaveLength(0);
    expect((await ticketRow(ctx, tenant.tenantId, ticketId))?.status).toBe(details.status);
  });

  it('admits a ticket whose id needs escaping in the path', async () => {
    const res = await admit(ctx, key, 'id with spaces/and?odd#chars', { entryDate: '2027-06-01T19:45:00Z' });
    expect(res.status).toBe(200);
    expect(res.body.data).toBe(true);
    expect((await ticketRow(ctx, tenant.tenantId, 'id with spaces/and?odd#chars'))?.status).toBe('USED');
  });

  it.each([
    [{ entryDate: 'yesterday' }, 'INVALID_DATE', 'entryDate'],
    [{ entryDate: '2027-06-01T21:00:00' }, 'INVALID_DATE', 'entryDate'],
    [{ entryDate: '2027-02-30T21:00:00Z' }, 'INVALID_DATE', 'entryDate'],
    [{ entryDate: 1780000000 }, 'VALIDATION_ERROR', 'entryDate'],
    [{ entryDate: '' }, 'VALIDATION_ERROR', 'entryDate'],
    [{ locator: '' }, 'VALIDATION_ERROR', 'locator'],
    [{ locator: 42 }, 'VALIDATION_ERROR', 'locator'],
    [[{ entryDate: '2027-06-01T21:00:00Z' }], 'VALIDATION_ERROR', 'body'],
  ])('refuses bad input %j with 400 %s on %s', async (payload, code, field) => {
    const res = await admit(ctx, key, 'T-bad-input', payload);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, data: null, errors: [{ code, field }] });
    expect((await ticketRow(ctx, tenant.tenantId, 'T-bad-input'))?.status).toBe('VALID');
  });

  it('refuses an unknown field under Encore-Strict (400 UNKNOWN_FIELD), and otherwise ignores and names it', async () => {
    const client = marketplaceClient(ctx, key);
    const body = { entryDate: '2027-06-01T19:47:00Z', gate: 'north' };
    const strict = await client.post('/v1/tickets/T-extra-field/eventAdmission', body, { headers: { 'encore-strict': 'true' } });
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ status: 400, data: null, errors: [{ code: 'UNKNOWN_FIELD', field: 'gate' }] });
    expect(await admissionsOf(ctx, tenant.tenantId, 'T-extra-field')).toHaveLength(0);

    const lenient = await client.post('/v1/tickets/T-extra-field/eventAdmission', body);
    expect(lenient.status).toBe(200);
    expect(lenient.body).toEqual({ status: 200, data: true, errors: null });
    expect(lenient.headers['encore-ignored-fields']).toBe('gate');
    expect((await admissionsOf(ctx, tenant.tenantId, 'T-extra-field'))[0]).toMatchObject({ entry_date: new Date('2027-06-01T19:47:00Z') });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/tickets/T-bad-input/eventAdmission',
      headers: { authorization: key, 'content-type': 'application/json' },
      payload: '{"entryDate":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'body' });
  });

  it('answers 404 TICKET_NOT_FOUND for an unknown ticket', async () => {
    const res = await admit(ctx, key, 'nope', { entryDate: '2027-06-01T19:50:00Z' });
    expect(res.status).toBe(404);
    expect(res.body.errors![0]).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketId', details: { ticketId: 'nope' } });
  });

  it("requires a key, and hides another tenant's tickets (404, nothing written)", async () => {
    const none = await admit(ctx, undefined, 'T-bad-input');
    expect(none.status).toBe(401);
    expect(none.body.errors![0].code).toBe('UNAUTHORIZED');
    const wrong = await ctx.app.inject({ method: 'POST', url: '/v1/tickets/T-bad-input/eventAdmission', headers: { authorization: 'enc_sk_nope' } });
    expect(wrong.statusCode).toBe(401);

    const other = await ctx.createTenant('intruder');
    const res = await admit(ctx, other.apiKey, 'T-bad-input', { entryDate: '2027-06-01T19:55:00Z' });
    expect(res.status).toBe(404);
    expect(res.body.errors![0].code).toBe('TICKET_NOT_FOUND');
    expect((await ticketRow(ctx, tenant.tenantId, 'T-bad-input'))?.status).toBe('VALID');
    expect(await admissionsOf(ctx, tenant.tenantId, 'T-bad-input')).toHaveLength(0);
  });
});
