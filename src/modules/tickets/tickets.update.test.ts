import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { addWebhookEndpoint, auditOf, call, createEvents, fullTicket, historyOf, ticket, ticketRow, webhooksOf, type Dyn } from './tickets.fixtures.js';

describe('GET, PUT and DELETE /v1/tickets/:ticketId', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  const put = (id: string, body: unknown, k = key) => call(ctx, k, 'PUT', `/v1/tickets/${id}`, body);

  beforeAll(async () => {
    tenant = await ctx.createTenant('editor');
    key = tenant.apiKey;
    await createEvents(ctx, key);
    await addWebhookEndpoint(ctx, key);
    const seed = [fullTicket('t-full'), ticket('t-own'), ticket('t-access'), ticket('t-move'), ticket('t-del'), ticket('t-used'), ticket('t-noop'), ticket('t-bad'), ticket('t-extra')];
    const res = await call(ctx, key, 'POST', '/v1/sync/tickets', seed);
    expect(res.body.data.every((r: Dyn) => r.status === 'CREATED')).toBe(true);
  });

  it('GET shows the ticket as sent, money in major units, status, admission and history', async () => {
    const res = await call(ctx, key, 'GET', '/v1/tickets/t-full');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      ticketId: 't-full',
      externalReferenceEventId: 'solo',
      showId: 'main',
      ticketOptionId: 'vip',
      priceTypeId: 'adult',
      buyer: { email: 'Ana@Fans.example', phone: '+34600111222', id: 'crm-1', firstName: 'Ana', lastName: 'García' },
      buyerEmailExternal: 'ana@crm.example',
      ticketAccess: { type: 'API', locator: 'code-t-full', status: 'LOCKED', version: 1, reissuePending: false },
      price: 95.5,
      currency: 'EUR',
      primarySaleBuyerData: { firstName: 'Ana', lastName: 'García', identificationType: 'DNI', identificationNumber: '123X', phoneNumber: '+34600111222' },
      nominalTicket: { fullName: 'Ana García', identification: '123X' },
      props: { seating: { row: '7', seat: '12', section: 'B', door: '3', image: 'https://img.example/seat.png' }, urls: { pdf: 'https://t.example/pdf' } },
      primarySalesFee: { type: 'FIXED', value: 2.5 },
      orderId: 'order-1',
      tags: ['channel:web', 'promo:spring'],
      status: 'VALID',
      statusReason: null,
      admission: null,
      history: [{ seq: expect.any(Number), at: '2026-01-01T00:00:00.000Z', kind: 'CREATED', actor: `key:${tenant.keyId}`, data: { via: 'sync' } }],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('GET shows an admission when there is one', async () => {
    await ctx.deps.db
      .insertInto('admissions')
      .values({ tenant_id: tenant.tenantId, ticket_id: 't-used', entry_date: new Date('2027-06-01T20:00:00Z'), locator: 'https://t.example/t-used', admitted_at: new Date('2027-06-01T20:00:01Z'), actor_key_id: null })
      .execute();
    await ctx.deps.db.updateTable('tickets').set({ status: 'USED' }).where('ticket_id', '=', 't-used').execute();
    const res = await call(ctx, key, 'GET', '/v1/tickets/t-used');
    expect(res.body.data).toMatchObject({
      status: 'USED',
      admission: { entryDate: '2027-06-01T20:00:00.000Z', admittedAt: '2027-06-01T20:00:01.000Z', locator: 'https://t.example/t-used' },
    });
  });

  it('PUT with a new buyer is an ownership change, recorded with the previous and new owner', async () => {
    ctx.clock!.advance(1000);
    const res = await put('t-own', { buyer: { email: 'new@fans.example', firstName: 'Nuevo' } });
    expect(res.status).toBe(200);
    expect(res.body.data.buyer).toEqual({ email: 'new@fans.example', firstName: 'Nuevo' });
    const row = await ticketRow(ctx, tenant.tenantId, 't-own');
    expect(row).toMatchObject({ buyer_email: 'new@fans.example', access_version: 1, status: 'VALID' });
    const history = await historyOf(ctx, tenant.tenantId, 't-own');
    expect(history.map((h) => h.kind)).toEqual(['CREATED', 'OWNER_CHANGED']);
    expect(history[1]!.data).toEqual({ previousOwner: 't-own@fans.example', newOwner: { email: 'new@fans.example', firstName: 'Nuevo' } });
    expect(res.body.data.history.map((h: { kind: string }) => h.kind)).toEqual(['CREATED', 'OWNER_CHANGED']);

    const hooks = (await webhooksOf(ctx, tenant.tenantId, 'ticket.updated')).filter((h) => h.message.data.ticketId === 't-own');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message.data.buyer).toEqual({ email: 'new@fans.example', firstName: 'Nuevo' });
    const audit = (await auditOf(ctx, tenant.tenantId, 'ticket.updated')).filter((a) => a.entity_id === 't-own');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { buyer: 't-own@fans.example' }, after: { buyer: { email: 'new@fans.example' } } });
  });

  it('PUT with a new ticketAccess replaces the access code and bumps its version', async () => {
    const res = await put('t-access', { ticketAccess: { type: 'OTHER', locator: 'NEW-CODE-1' } });
    expect(res.status).toBe(200);
    expect(res.body.data.ticketAccess).toEqual({ type: 'OTHER', locator: 'NEW-CODE-1', status: 'UNLOCKED', version: 2, reissuePending: false });
    const history = await historyOf(ctx, tenant.tenantId, 't-access');
    expect(history.at(-1)).toMatchObject({ kind: 'ACCESS_CHANGED', data: { previousVersion: 1, version: 2, type: 'OTHER', status: 'UNLOCKED' } });
    // The new content is the reference for re-sends: the old body is now different content.
    const resend = await call(ctx, key, 'POST', '/v1/sync/tickets', [ticket('t-access')]);
    expect(resend.body.data[0].errors[0].code).toBe('TICKET_EXISTS');
    const same = await call(ctx, key, 'POST', '/v1/sync/tickets', [ticket('t-access', { ticketAccess: { type: 'OTHER', locator: 'NEW-CODE-1' } })]);
    expect(same.body.data[0].status).toBe('UNCHANGED');
  });

  it('PUT moves a ticket to another event, show and option, checked like a new ticket; null clears optional fields', async () => {
    const refused = await put('t-move', { externalReferenceEventId: 'duo' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0]).toMatchObject({ code: 'SHOW_ID_REQUIRED', field: 'showId' });
    const res = await put('t-move', { externalReferenceEventId: 'duo', showId: 'd2', ticketOptionId: 'vip', price: 80, tags: ['a:b'] });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ externalReferenceEventId: 'duo', showId: 'd2', ticketOptionId: 'vip', price: 80, tags: ['a:b'] });
    const cleared = await put('t-move', { price: null, tags: null });
    expect(cleared.body.data).toMatchObject({ price: null, tags: [] });
    expect((await historyOf(ctx, tenant.tenantId, 't-move')).at(-1)).toMatchObject({ kind: 'UPDATED', data: { fields: ['price', 'tags'] } });
  });

  it('PUT of what is stored changes nothing: no history, audit or webhook', async () => {
    const res = await put('t-noop', { buyer: 't-noop@fans.example', ticketId: 't-noop' });
    expect(res.status).toBe(200);
    expect(await historyOf(ctx, tenant.tenantId, 't-noop')).toHaveLength(1);
    expect((await webhooksOf(ctx, tenant.tenantId, 'ticket.updated')).filter((h) => h.message.data.ticketId === 't-noop')).toHaveLength(0);
  });

  it('PUT bad input: each case its status, code and field', async () => {
    const cases: [unknown, number, string, string | undefined][] = [
      [{}, 400, 'VALIDATION_ERROR', 'body'],
      [{ buyer: null }, 400, 'VALIDATION_ERROR', 'buyer'],
      [{ ticketId: 'other' }, 400, 'VALIDATION_ERROR', 'ticketId'],
      [{ ticketOptionId: 'nope' }, 400, 'UNKNOWN_REFERENCE', 'ticketOptionId'],
      [{ priceTypeId: 'child' }, 400, 'UNKNOWN_REFERENCE', 'priceTypeId'],
      [{ externalReferenceEventId: 'ghost' }, 404, 'EVENT_NOT_FOUND', 'externalReferenceEventId'],
      [{ showId: 'nope' }, 404, 'SHOW_NOT_FOUND', 'showId'],
      [{ price: { amount: 5, currency: 'USD' } }, 400, 'INVALID_CURRENCY', 'price.currency'],
      [{ buyer: { lastName: 'X' } }, 400, 'VALIDATION_ERROR', 'buyer'],
      [{ nominalTicket: { fullName: 'A\u0000' } }, 400, 'VALIDATION_ERROR', 'nominalTicket.fullName'],
      [[], 400, 'VALIDATION_ERROR', undefined],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await put('t-bad', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.errors![0]!.code, JSON.stringify(body)).toBe(code);
      if (field) expect(res.body.errors!.map((e) => e.field), JSON.stringify(body)).toContain(field);
    }
    expect(await historyOf(ctx, tenant.tenantId, 't-bad')).toHaveLength(1);
  });

  it('PUT with unknown fields: 400 UNKNOWN_FIELD under Encore-Strict, otherwise ignored (not stored) and named', async () => {
    const body = { colour: 'red', tags: ['seen:yes'], props: { seating: { row: '9', colour: 'blue' } } };
    const strict = await call(ctx, key, 'PUT', '/v1/tickets/t-extra', body, { headers: { 'encore-strict': 'true' } });
    expect(strict.status).toBe(400);
    expect(strict.body.errors![0]).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'colour', details: { fields: ['colour', 'props.seating.colour'] } });
    expect(await historyOf(ctx, tenant.tenantId, 't-extra')).toHaveLength(1);

    const lenient = await put('t-extra', body);
    expect(lenient.status).toBe(200);
    expect(lenient.headers['encore-ignored-fields']).toBe('colour, props.seating.colour');
    expect(lenient.body.data).toMatchObject({ tags: ['seen:yes'], props: { seating: { row: '9' } } });
    expect(lenient.body.data).not.toHaveProperty('colour');
    expect(lenient.body.data.props.seating).not.toHaveProperty('colour');
    const row = await ticketRow(ctx, tenant.tenantId, 't-extra');
    expect(JSON.stringify(row)).not.toContain('colour');
  });

  it('DELETE makes the ticket DELETED for good: history, audit, webhook; a repeat changes nothing', async () => {
    const res = await call(ctx, key, 'DELETE', '/v1/tickets/t-del');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ticketId: 't-del', status: 'DELETED', statusReason: 'DELETED_BY_INTEGRATOR' });
    expect(await ticketRow(ctx, tenant.tenantId, 't-del')).toMatchObject({ status: 'DELETED' });
    expect((await historyOf(ctx, tenant.tenantId, 't-del')).map((h) => h.kind)).toEqual(['CREATED', 'DELETED']);
    expect((await auditOf(ctx, tenant.tenantId, 'ticket.deleted')).filter((a) => a.entity_id === 't-del')).toHaveLength(1);
    expect((await webhooksOf(ctx, tenant.tenantId, 'ticket.deleted')).map((h) => h.message.data.ticketId as string)).toEqual(['t-del']);

    const again = await call(ctx, key, 'DELETE', '/v1/tickets/t-del');
    expect(again.status).toBe(200);
    expect(again.body.data.status).toBe('DELETED');
    expect(await historyOf(ctx, tenant.tenantId, 't-del')).toHaveLength(2);

    const edit = await put('t-del', { buyer: 'x@fans.example' });
    expect(edit.status).toBe(409);
    expect(edit.body.errors![0]).toMatchObject({ code: 'TICKET_DELETED', details: { status: 'DELETED' } });
    const recreate = await call(ctx, key, 'POST', '/v1/sync/tickets', [ticket('t-del')]);
    expect(recreate.body.data[0].errors[0]).toMatchObject({ code: 'TICKET_DELETED', field: '[0].ticketId' });
  });

  it('refuses to change or delete a used ticket (409 TICKET_USED)', async () => {
    const edit = await put('t-used', { buyer: 'x@fans.example' });
    expect(edit.status).toBe(409);
    expect(edit.body.errors![0]!.code).toBe('TICKET_USED');
    const del = await call(ctx, key, 'DELETE', '/v1/tickets/t-used');
    expect(del.status).toBe(409);
    expect(del.body.errors![0]!.code).toBe('TICKET_USED');
  });

  it('404s unknown tickets and other tenants’ tickets; 401 without a key', async () => {
    const other = await ctx.createTenant('intruder');
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await call(ctx, other.apiKey, method, '/v1/tickets/t-full');
      expect(res.status).toBe(404);
      expect(res.body.errors![0]!.code).toBe('TICKET_NOT_FOUND');
      expect((await call(ctx, key, method, '/v1/tickets/ghost')).status).toBe(404);
      expect((await call(ctx, undefined, method, '/v1/tickets/t-full')).status).toBe(401);
    }
    const theirs = await put('t-full', { buyer: 'thief@x.example' }, other.apiKey);
    expect(theirs.status).toBe(404);
    expect(theirs.body.errors![0]!.code).toBe('TICKET_NOT_FOUND');
    expect((await call(ctx, undefined, 'PUT', '/v1/tickets/t-full', { buyer: 'x@x.example' })).status).toBe(401);
    expect((await call(ctx, key, 'GET', '/v1/tickets/t-full')).body.data.buyer.email).toBe('Ana@Fans.example');
  });
});
