import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ignoredFieldsOf, STRICT } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import {
  auditOf,
  call,
  emailOf,
  errorOf,
  historyOf,
  listingRow,
  listingTicketRows,
  listOk,
  listTickets,
  priced,
  sellerTenant,
  syncTickets,
  ticket,
  ticketRow,
  webhooksOf,
  type Seller,
} from './listings.fixtures.js';

const PACK_SELLER = 'pack@fans.example';

describe('POST /v1/marketplace/listings', () => {
  const ctx = useContext({ clock: 'manual' });
  let s: Seller;
  let other: Seller;

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    s = await sellerTenant(ctx, 'seller');
    other = await sellerTenant(ctx, 'other');
    await syncTickets(ctx, s.key, [
      priced('S1', 30, { props: { seating: { row: '4', seat: '9', section: 'A', door: '2' } } }),
      priced('P1', 30, { buyer: 'Pack@Fans.example', orderId: 'ord-1', props: { seating: { row: '5', seat: '1' } } }),
      priced('P2', 30, { buyer: PACK_SELLER, orderId: 'ord-1', props: { seating: { row: '5', seat: '2' } } }),
      priced('Q1', 30, { buyer: PACK_SELLER, orderId: 'ord-2' }),
      priced('Q2', 30, { buyer: PACK_SELLER, orderId: 'ord-3' }),
      priced('N1', 30, { buyer: PACK_SELLER }),
      priced('N2', 30, { buyer: PACK_SELLER }),
      priced('R1', 30, { buyer: PACK_SELLER, orderId: 'ord-4' }),
      ticket('R2', { buyer: PACK_SELLER, orderId: 'ord-4', ticketOptionId: 'vip', price: 90, priceTypeId: 'adult' }),
      priced('D1'),
      priced('W1'),
      priced('L1'),
      priced('U1'),
      priced('X1'),
      ticket('C1', { showId: 'd1', price: 30 }, 'duo'),
      ticket('C2', { showId: 'd1', price: 30 }, 'duo'),
      priced('B1'),
      priced('UF1'),
      priced('NOHOOK'),
      priced('RACE'),
    ]);
    await syncTickets(ctx, other.key, [priced('O1')]);
  });

  it('lists one ticket (SINGLE): the view, the stored rows, the ticket LISTED, history, audit and a listing.created webhook', async () => {
    const res = await listTickets(ctx, s.key, ['S1'], 35, 'S1@Fans.Example');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = res.body.data;
    expect(view).toMatchObject({
      type: 'SINGLE',
      status: 'ACTIVE',
      quantity: 1,
      ticketIds: ['S1'],
      price: 35,
      fees: { buyer: 3.5, seller: 1.75 },
      total: 38.5,
      currency: 'EUR',
      amounts: { subtotal: 35, buyerFees: 3.5, total: 38.5, sellerFees: 1.75, payout: 33.25 },
      seller: { email: 's1@fans.example' },
      externalReferenceEventId: 'solo',
      showId: 'main',
      ticketOptionId: 'ga',
      priceTypeId: 'adult',
      seats: [{ ticketId: 'S1', row: '4', seat: '9', section: 'A', door: '2' }],
      orderId: null,
      reservedUntil: null,
      endedReason: null,
      createdAt: '2027-05-01T10:00:00.000Z',
      updatedAt: '2027-05-01T10:00:00.000Z',
    });
    expect(view.listingId).toMatch(/^lst_/);

    expect(await listingRow(ctx, s.tenantId, view.listingId)).toMatchObject({
      type: 'SINGLE',
      quantity: 1,
      status: 'ACTIVE',
      currency: 'EUR',
      seller_email: 's1@fans.example',
      external_event_id: 'solo',
      external_show_id: 'main',
      ticket_option_id: 'ga',
      price_type_id: 'adult',
      hold_intention_id: null,
      end_reason: null,
    });
    const row = (await listingRow(ctx, s.tenantId, view.listingId))!;
    expect([Number(row.price_minor), Number(row.buyer_fee_minor), Number(row.seller_fee_minor)]).toEqual([3500, 350, 175]);
    const lt = await listingTicketRows(ctx, s.tenantId, view.listingId);
    expect(lt).toHaveLength(1);
    expect(lt[0]).toMatchObject({ ticket_id: 'S1', open: true, seat: { row: '4', seat: '9', section: 'A', door: '2' } });
    expect(Number(lt[0]!.face_value_minor)).toBe(3000);

    expect((await ticketRow(ctx, s.tenantId, 'S1'))?.status).toBe('LISTED');
    const history = await historyOf(ctx, s.tenantId, 'S1');
    expect(history.filter((h) => h.kind === 'LISTED')).toHaveLength(1);
    expect(history.find((h) => h.kind === 'LISTED')!.data).toMatchObject({ listingId: view.listingId });

    const audit = (await auditOf(ctx, s.tenantId, 'listing.created')).filter((a) => a.entity_id === view.listingId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: 'listing' });

    const hooks = (await webhooksOf(ctx, s.tenantId, 'listing.created')).filter((h) => h.message.data.listingId === view.listingId);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message).toMatchObject({ family: 'listing', action: 'listing.created', data: { listingId: view.listingId, status: 'ACTIVE', price: 35, ticketIds: ['S1'] } });

    // The ticket's own view says LISTED too.
    expect((await call(ctx, s.key, 'GET', '/v1/tickets/S1')).body.data.status).toBe('LISTED');
  });

  it('lists the tickets of one order together (PACK)', async () => {
    const view = await listOk(ctx, s.key, ['P2', 'P1'], 40, 'Pack@Fans.Example');
    expect(view).toMatchObject({
      type: 'PACK',
      status: 'ACTIVE',
      quantity: 2,
      ticketIds: ['P1', 'P2'],
      price: 40,
      fees: { buyer: 4, seller: 2 },
      total: 44,
      amounts: { subtotal: 80, buyerFees: 8, total: 88, sellerFees: 4, payout: 76 },
      seller: { email: PACK_SELLER },
      orderId: 'ord-1',
      seats: [
        { ticketId: 'P1', row: '5', seat: '1' },
        { ticketId: 'P2', row: '5', seat: '2' },
      ],
    });
    expect(await listingTicketRows(ctx, s.tenantId, view.listingId)).toHaveLength(2);
    expect((await ticketRow(ctx, s.tenantId, 'P1'))?.status).toBe('LISTED');
    expect((await ticketRow(ctx, s.tenantId, 'P2'))?.status).toBe('LISTED');
  });

  it.each([
    ['different orders', ['Q1', 'Q2']],
    ['no order at all', ['N1', 'N2']],
    ['one order, different ticket options', ['R1', 'R2']],
  ])('refuses a PACK of %s: 400 LISTINGS_NOT_COMPATIBLE, nothing listed', async (_name, ids) => {
    const res = await listTickets(ctx, s.key, ids, 40, PACK_SELLER);
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'LISTINGS_NOT_COMPATIBLE', field: 'ticketIds' });
    for (const id of ids) expect((await ticketRow(ctx, s.tenantId, id))?.status).toBe('VALID');
  });

  it('refuses repeated ticket ids: 400 VALIDATION_ERROR on the repeat', async () => {
    const res = await listTickets(ctx, s.key, ['D1', 'D1'], 35, emailOf('D1'));
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field: 'ticketIds[1]' });
  });

  it('refuses an unknown ticket: 404 TICKET_NOT_FOUND on its position', async () => {
    const first = await listTickets(ctx, s.key, ['ghost'], 35, 'a@b.example');
    expect(first.status).toBe(404);
    expect(errorOf(first)).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketIds[0]', details: { ticketId: 'ghost' } });
    const second = await listTickets(ctx, s.key, ['N1', 'ghost'], 35, PACK_SELLER);
    expect(second.status).toBe(404);
    expect(errorOf(second)).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketIds[1]' });
  });

  it('refuses a seller who does not own the ticket: 422 NOT_TICKET_OWNER', async () => {
    const res = await listTickets(ctx, s.key, ['W1'], 35, 'someone.else@fans.example');
    expect(res.status).toBe(422);
    expect(errorOf(res)).toMatchObject({ code: 'NOT_TICKET_OWNER', field: 'sellerEmail', details: { ticketId: 'W1' } });
    expect((await ticketRow(ctx, s.tenantId, 'W1'))?.status).toBe('VALID');
  });

  it('refuses a ticket that is already listed: 409 TICKET_ALREADY_LISTED', async () => {
    await listOk(ctx, s.key, ['L1'], 35);
    const res = await listTickets(ctx, s.key, ['L1'], 36);
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'TICKET_ALREADY_LISTED', field: 'ticketIds[0]', details: { ticketId: 'L1' } });
    const rows = await ctx.deps.db.selectFrom('listing_tickets').selectAll().where('tenant_id', '=', s.tenantId).where('ticket_id', '=', 'L1').execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses USED, DELETED and CANCELLED tickets: 409 TICKET_NOT_LISTABLE with the status', async () => {
    expect((await call(ctx, s.key, 'POST', '/v1/tickets/U1/eventAdmission', {})).status).toBe(200);
    expect((await call(ctx, s.key, 'DELETE', '/v1/tickets/X1')).status).toBe(200);
    const cancel = await call(ctx, s.key, 'POST', '/v1/events/duo/cancellation?showId=d1');
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    for (const [id, status] of [
      ['U1', 'USED'],
      ['X1', 'DELETED'],
      ['C1', 'CANCELLED'],
    ] as const) {
      expect((await ticketRow(ctx, s.tenantId, id))?.status).toBe(status);
      const res = await listTickets(ctx, s.key, [id], 35);
      expect(res.status, id).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: 'TICKET_NOT_LISTABLE', field: 'ticketIds[0]', details: { ticketId: id, status } });
    }
  });

  it('refuses a VALID ticket of a cancelled show: 409 SHOW_CANCELLED', async () => {
    // Cancellation cancels the show's tickets; a ticket left VALID (by a race) must still not be listed.
    await sql`UPDATE tickets SET status = 'VALID' WHERE tenant_id = ${s.tenantId} AND ticket_id = 'C2'`.execute(ctx.deps.db);
    const res = await listTickets(ctx, s.key, ['C2'], 35);
    expect(res.status).toBe(409);
    expect(errorOf(res)!.code).toBe('SHOW_CANCELLED');
    expect((await ticketRow(ctx, s.tenantId, 'C2'))?.status).toBe('VALID');
  });

  it.each([
    ['missing price', { ticketIds: ['B1'], sellerEmail: 'b1@fans.example' }, 'price'],
    ['negative price', { ticketIds: ['B1'], price: -1, sellerEmail: 'b1@fans.example' }, 'price'],
    ['price as a string', { ticketIds: ['B1'], price: 'ten', sellerEmail: 'b1@fans.example' }, 'price'],
    ['more decimals than EUR has', { ticketIds: ['B1'], price: 10.005, sellerEmail: 'b1@fans.example' }, 'price'],
    ['bad email', { ticketIds: ['B1'], price: 10, sellerEmail: 'not-an-email' }, 'sellerEmail'],
    ['missing email', { ticketIds: ['B1'], price: 10 }, 'sellerEmail'],
    ['no tickets', { ticketIds: [], price: 10, sellerEmail: 'b1@fans.example' }, 'ticketIds'],
    ['missing ticketIds', { price: 10, sellerEmail: 'b1@fans.example' }, 'ticketIds'],
    ['an empty ticket id', { ticketIds: [''], price: 10, sellerEmail: 'b1@fans.example' }, 'ticketIds[0]'],
  ])('refuses a bad body (%s): 400 with the field', async (_name, body, field) => {
    const res = await call(ctx, s.key, 'POST', '/v1/marketplace/listings', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect((await ticketRow(ctx, s.tenantId, 'B1'))?.status).toBe('VALID');
  });

  it('an unknown field is ignored and named in Encore-Ignored-Fields; with Encore-Strict it is 400 UNKNOWN_FIELD and nothing is listed', async () => {
    const body = { ticketIds: ['UF1'], price: 10, sellerEmail: emailOf('UF1'), currency: 'EUR' };
    const strict = await call(ctx, s.key, 'POST', '/v1/marketplace/listings', body, STRICT);
    expect(strict.status, JSON.stringify(strict.body)).toBe(400);
    expect(errorOf(strict)).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'currency', details: { fields: ['currency'] } });
    expect((await ticketRow(ctx, s.tenantId, 'UF1'))?.status).toBe('VALID');

    const lenient = await call(ctx, s.key, 'POST', '/v1/marketplace/listings', body);
    expect(lenient.status, JSON.stringify(lenient.body)).toBe(200);
    expect(ignoredFieldsOf(lenient)).toEqual(['currency']);
    expect(lenient.body.data).toMatchObject({ ticketIds: ['UF1'], price: 10, currency: 'EUR', status: 'ACTIVE' });
    expect((await ticketRow(ctx, s.tenantId, 'UF1'))?.status).toBe('LISTED');
  });

  it('lists a ticket once when two sellers’ requests race: one 200, one 409 TICKET_ALREADY_LISTED', async () => {
    const results = await Promise.all([listTickets(ctx, s.key, ['RACE'], 35), listTickets(ctx, s.key, ['RACE'], 36), listTickets(ctx, s.key, ['RACE'], 37)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(errorOf(r)!.code).toBe('TICKET_ALREADY_LISTED');
    const rows = await ctx.deps.db.selectFrom('listing_tickets').selectAll().where('tenant_id', '=', s.tenantId).where('ticket_id', '=', 'RACE').execute();
    expect(rows).toHaveLength(1);
  });

  it('sends no webhook when the tenant has no endpoint', async () => {
    const bare = await ctx.createTenant('bare');
    await call(ctx, bare.apiKey, 'POST', '/v1/events', {
      externalReferenceId: 'solo',
      title: 'Concert',
      description: 'Live',
      location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [{ showId: 'main', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30 }] }],
    });
    await syncTickets(ctx, bare.apiKey, [ticket('NH1', { price: 30 })]);
    await listOk(ctx, bare.apiKey, ['NH1'], 30);
    expect(await webhooksOf(ctx, bare.tenantId, 'listing.created')).toEqual([]);
  });

  it('security: no key 401, a wrong key 401, another tenant’s ticket 404', async () => {
    const body = { ticketIds: ['O1'], price: 35, sellerEmail: emailOf('O1') };
    expect((await call(ctx, undefined, 'POST', '/v1/marketplace/listings', body)).status).toBe(401);
    expect((await call(ctx, 'enc_nope', 'POST', '/v1/marketplace/listings', body)).status).toBe(401);
    const cross = await call(ctx, s.key, 'POST', '/v1/marketplace/listings', body);
    expect(cross.status).toBe(404);
    expect(errorOf(cross)).toMatchObject({ code: 'TICKET_NOT_FOUND', field: 'ticketIds[0]' });
    expect((await ticketRow(ctx, other.tenantId, 'O1'))?.status).toBe('VALID');
  });
});
