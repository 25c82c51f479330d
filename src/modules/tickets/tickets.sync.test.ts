import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { auditOf, call, countTickets, createEvents, fullTicket, historyOf, ticket, ticketRow } from './tickets.fixtures.js';

describe('POST /v1/sync/tickets', () => {
  // A manual clock, moved a minute after each test, keeps the 60-a-minute limit out of the way.
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  const sync = (body: unknown, k: string | undefined = key) => call(ctx, k, 'POST', '/v1/sync/tickets', body);

  beforeAll(async () => {
    tenant = await ctx.createTenant('syncer');
    key = tenant.apiKey;
    await createEvents(ctx, key);
  });
  afterEach(() => ctx.clock!.advance(60_000));

  it('creates tickets with every field, stored as sent (money in minor units), with history and audit', async () => {
    const res = await sync([fullTicket('full-1'), ticket('min-1')]);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { ticketId: 'full-1', status: 'CREATED' },
      { ticketId: 'min-1', status: 'CREATED' },
    ]);

    const row = await ticketRow(ctx, tenant.tenantId, 'full-1');
    expect(row).toMatchObject({
      status: 'VALID',
      status_reason: null,
      ticket_option_id: 'vip',
      price_type_id: 'adult',
      buyer: { email: 'Ana@Fans.example', phone: '+34600111222', id: 'crm-1', firstName: 'Ana', lastName: 'García' },
      buyer_email: 'ana@fans.example',
      buyer_email_external: 'ana@crm.example',
      price_minor: 9550,
      currency: 'EUR',
      access_type: 'API',
      access_locator: 'code-full-1',
      access_status: 'LOCKED',
      access_version: 1,
      primary_sale_buyer_data: { firstName: 'Ana', lastName: 'García', identificationType: 'DNI', identificationNumber: '123X', phoneNumber: '+34600111222' },
      nominal_ticket: { fullName: 'Ana García', identification: '123X' },
      props: { seating: { row: '7', seat: '12', section: 'B', door: '3', image: 'https://img.example/seat.png' }, urls: { pdf: 'https://t.example/pdf' } },
      primary_sales_fee: { type: 'FIXED', value: 250 },
      order_id: 'order-1',
      tags: ['channel:web', 'promo:spring'],
    });
    expect(row!.show_pk).toMatch(/^shw_/);
    expect(row!.event_id).toMatch(/^evt_/);
    const min = await ticketRow(ctx, tenant.tenantId, 'min-1');
    expect(min).toMatchObject({ buyer: 'min-1@fans.example', buyer_email: 'min-1@fans.example', price_minor: null, access_status: 'UNLOCKED', tags: [], props: null });

    const history = await historyOf(ctx, tenant.tenantId, 'full-1');
    expect(history).toEqual([expect.objectContaining({ kind: 'CREATED', actor: `key:${tenant.keyId}`, data: { via: 'sync' } })]);
    const audit = await auditOf(ctx, tenant.tenantId, 'tickets.created');
    expect(audit.at(-1)!.after).toMatchObject({ via: 'sync', created: 2, ticketIds: ['full-1', 'min-1'] });
  });

  it('stores every string exactly: quotes, backslashes, braces, commas, NULL-like text, emoji', async () => {
    const odd = 'a "quoted" \\back\\slash\\ {brace}, comma NULL 🎫 ñ';
    const res = await sync([
      ticket('odd-"1\\', {
        ticketAccess: { type: 'OTHER', locator: odd },
        buyer: { id: odd, firstName: 'NULL' },
        orderId: 'NULL',
        props: { seating: { row: '{', seat: '"' } },
        tags: ['k:"v"', 'x:\\'],
      }),
    ]);
    expect(res.body.data[0]).toEqual({ ticketId: 'odd-"1\\', status: 'CREATED' });
    expect(await ticketRow(ctx, tenant.tenantId, 'odd-"1\\')).toMatchObject({
      access_locator: odd,
      buyer: { id: odd, firstName: 'NULL' },
      order_id: 'NULL',
      props: { seating: { row: '{', seat: '"' } },
      tags: ['k:"v"', 'x:\\'],
    });
  });

  it('treats an identical re-send as UNCHANGED (whatever the form of price and nulls) and different content as TICKET_EXISTS', async () => {
    await sync([ticket('same-1', { price: 30 })]);
    const again = await sync([
      ticket('same-1', { price: { amount: 30, currency: 'EUR' }, showId: null, tags: null }),
      ticket('same-1', { buyer: 'someone-else@fans.example' }),
    ]);
    expect(again.status).toBe(200);
    expect(again.body.data[0]).toEqual({ ticketId: 'same-1', status: 'UNCHANGED' });
    // The second is compared with the stored ticket (the first of the batch was not written again).
    expect(again.body.data[1]).toMatchObject({ ticketId: 'same-1', status: 'ERROR', errors: [{ code: 'TICKET_EXISTS', field: '[1].ticketId' }] });
    expect(await historyOf(ctx, tenant.tenantId, 'same-1')).toHaveLength(1);
    expect((await ticketRow(ctx, tenant.tenantId, 'same-1'))!.buyer).toBe('same-1@fans.example');
  });

  it('reports a ticketId repeated within one batch: same content UNCHANGED, different TICKET_EXISTS', async () => {
    const res = await sync([ticket('dup-1'), ticket('dup-1'), ticket('dup-1', { ticketOptionId: 'vip' })]);
    expect(res.body.data.map((r: { status: string }) => r.status)).toEqual(['CREATED', 'UNCHANGED', 'ERROR']);
    expect(res.body.data[2].errors[0]).toMatchObject({ code: 'TICKET_EXISTS', field: '[2].ticketId' });
  });

  it('resolves shows: implicit for a one-show event, required for a multi-show one', async () => {
    const res = await sync([
      ticket('show-1', { showId: 'main' }),
      ticket('show-2', { showId: 'd2' }, 'duo'),
      ticket('show-3', {}, 'duo'),
      ticket('show-4', { showId: 'nope' }, 'duo'),
    ]);
    expect(res.body.data[0].status).toBe('CREATED');
    expect(res.body.data[1].status).toBe('CREATED');
    expect(res.body.data[2].errors[0]).toMatchObject({ code: 'SHOW_ID_REQUIRED', field: '[2].showId', details: { showIds: ['d1', 'd2'] } });
    expect(res.body.data[3].errors[0]).toMatchObject({ code: 'SHOW_NOT_FOUND', field: '[3].showId' });
  });

  it('gives each reference and money problem its own per-ticket code and field, and writes the valid neighbours', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [ticket('r-1', { externalReferenceEventId: 'ghost' }), 'EVENT_NOT_FOUND', 'externalReferenceEventId'],
      [ticket('r-2', { ticketOptionId: 'balcony' }), 'UNKNOWN_REFERENCE', 'ticketOptionId'],
      [ticket('r-3', { showId: 'd2', priceTypeId: 'adult' }, 'duo'), 'UNKNOWN_REFERENCE', 'priceTypeId'],
      [ticket('r-4', { price: 10, currency: 'USD' }), 'INVALID_CURRENCY', 'currency'],
      [ticket('r-5', { price: { amount: 10, currency: 'USD' } }), 'INVALID_CURRENCY', 'price.currency'],
      [ticket('r-6', { price: 10.555 }), 'VALIDATION_ERROR', 'price'],
      [ticket('r-7', { buyer: { firstName: 'Nobody' } }), 'VALIDATION_ERROR', 'buyer'],
      [ticket('r-8', { primarySalesFee: { type: 'PERCENTAGE', value: 120 } }), 'VALIDATION_ERROR', 'primarySalesFee.value'],
      [ticket('r-9', { primarySalesFee: { type: 'FIXED', value: 1.001 } }), 'VALIDATION_ERROR', 'primarySalesFee.value'],
    ];
    const res = await sync([...cases.map((c) => c[0]), ticket('r-ok')]);
    expect(res.status).toBe(200);
    cases.forEach(([, code, field], i) => {
      expect(res.body.data[i], `case ${i}`).toMatchObject({ ticketId: `r-${i + 1}`, status: 'ERROR', errors: [{ code, field: `[${i}].${field}` }] });
    });
    expect(res.body.data.at(-1)).toEqual({ ticketId: 'r-ok', status: 'CREATED' });
    expect(await ticketRow(ctx, tenant.tenantId, 'r-1')).toBeUndefined();
    expect(await ticketRow(ctx, tenant.tenantId, 'r-ok')).toBeDefined();
  });

  it('refuses tickets for a cancelled show or event', async () => {
    await call(ctx, key, 'POST', '/v1/events/duo/cancellation?showId=d1');
    const res = await sync([ticket('c-1', { showId: 'd1' }, 'duo'), ticket('c-2', { showId: 'd2' }, 'duo')]);
    expect(res.body.data[0].errors[0]).toMatchObject({ code: 'SHOW_CANCELLED', field: '[0].showId' });
    expect(res.body.data[1].status).toBe('CREATED');
    await call(ctx, key, 'POST', '/v1/events/duo/cancellation?showId=d2');
    const after = await sync([ticket('c-3', { showId: 'd2' }, 'duo')]);
    expect(after.body.data[0].errors[0]).toMatchObject({ code: 'EVENT_CANCELLED', field: '[0].externalReferenceEventId' });
  });

  it('answers 400 naming [i].field for a malformed batch, storing nothing', async () => {
    const before = await countTickets(ctx, tenant.tenantId);
    const bad: [unknown, string][] = [
      [[ticket('b-1'), ticket('b-2', { ticketAccess: { type: 'URL' } })], '[1].ticketAccess.locator'],
      [[ticket('b-1', { ticketAccess: { type: 'QR', locator: 'x' } })], '[0].ticketAccess.type'],
      [[ticket('b-1', { buyer: 'not-an-email' })], '[0].buyer'],
      [[ticket('b-1', { tags: ['novalue'] })], '[0].tags[0]'],
      [[ticket('b-1', { primarySaleBuyerData: { phoneNumber: '600 111 222' } })], '[0].primarySaleBuyerData.phoneNumber'],
      [[ticket('b-1', { price: '35' })], '[0].price'],
      [[{ ...ticket('b-1'), ticketId: undefined }], '[0].ticketId'],
      [[ticket('b-1', { buyer: 'nul\u0000@x.example' })], '[0].buyer'],
      [[ticket('b-1', { props: { seating: { row: 'A\u0000' } } })], '[0].props.seating.row'],
      [[], 'body'],
      [{ ticketId: 'x' }, 'body'],
    ];
    for (const [body, field] of bad) {
      const res = await sync(body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(res.body.errors![0]!.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors!.map((e) => e.field)).toContain(field);
    }
    const tooMany = await sync(Array.from({ length: 1001 }, (_, i) => ticket(`many-${i}`)));
    expect(tooMany.status).toBe(400);
    expect(await countTickets(ctx, tenant.tenantId)).toBe(before);
  });

  it('refuses unknown fields under Encore-Strict (UNKNOWN_FIELD, nothing stored), otherwise ignores them and names them', async () => {
    const body = [ticket('x-1'), ticket('x-2', { colour: 'red', props: { seating: { row: '3', colour: 'blue' } } })];
    const strict = await call(ctx, key, 'POST', '/v1/sync/tickets', body, { headers: { 'encore-strict': 'true' } });
    expect(strict.status).toBe(400);
    expect(strict.body.errors![0]).toMatchObject({ code: 'UNKNOWN_FIELD', field: '[1].colour', details: { fields: ['[1].colour', '[1].props.seating.colour'] } });
    expect(await ticketRow(ctx, tenant.tenantId, 'x-1')).toBeUndefined();

    const lenient = await sync(body);
    expect(lenient.status).toBe(200);
    expect(lenient.headers['encore-ignored-fields']).toBe('[1].colour, [1].props.seating.colour');
    expect(lenient.body.data).toEqual([
      { ticketId: 'x-1', status: 'CREATED' },
      { ticketId: 'x-2', status: 'CREATED' },
    ]);
    const row = await ticketRow(ctx, tenant.tenantId, 'x-2');
    expect(row).toMatchObject({ props: { seating: { row: '3' } } });
    expect(JSON.stringify(row)).not.toContain('colour');
  });

  it('keeps tenants apart: another tenant cannot reference this tenant’s events; 401 without a valid key', async () => {
    const other = await ctx.createTenant('other');
    const res = await sync([ticket('o-1')], other.apiKey);
    expect(res.status).toBe(200);
    expect(res.body.data[0].errors[0]).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    // The same ticketId in two tenants is two tickets.
    await createEvents(ctx, other.apiKey);
    expect((await sync([ticket('min-1')], other.apiKey)).body.data[0].status).toBe('CREATED');
    expect((await call(ctx, undefined, 'POST', '/v1/sync/tickets', [ticket('x')])).status).toBe(401);
    expect((await sync([ticket('x')], 'enc_sk_wrong')).status).toBe(401);
  });
});
