import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import {
  auditOf,
  call,
  errorOf,
  historyOf,
  listingRow,
  listingTicketRows,
  listOk,
  priced,
  reserve,
  sellerTenant,
  syncTickets,
  ticket,
  ticketRow,
  webhooksOf,
  type Seller,
} from './listings.fixtures.js';

const START = '2027-05-01T10:00:00Z';
const PACK = 'pack@fans.example';

describe('DELETE /v1/marketplace/items/ticket/:ticketId and tickets leaving the market', () => {
  const ctx = useContext({ clock: 'manual' });
  let s: Seller;
  let other: Seller;

  const terminate = (ticketId: string, key: string = s.key) => call(ctx, key, 'DELETE', `/v1/marketplace/items/ticket/${encodeURIComponent(ticketId)}`);
  const deletedHooks = async (listingId: string) => (await webhooksOf(ctx, s.tenantId, 'listing.deleted')).filter((h) => h.message.data.listingId === listingId);

  beforeAll(async () => {
    ctx.clock!.set(START);
    s = await sellerTenant(ctx, 'terminator');
    other = await sellerTenant(ctx, 'other');
    await syncTickets(ctx, s.key, [
      priced('T1'),
      priced('T2'),
      priced('T3'),
      priced('K1', 30, { buyer: PACK, orderId: 'k' }),
      priced('K2', 30, { buyer: PACK, orderId: 'k' }),
      priced('M1', 30, { buyer: PACK, orderId: 'm' }),
      priced('M2', 30, { buyer: PACK, orderId: 'm' }),
      priced('DEL'),
      priced('ADM'),
      ticket('CAN', { showId: 'd1', price: 30 }, 'duo'),
      priced('NEVER'),
    ]);
    await syncTickets(ctx, other.key, [priced('O1')]);
  });

  beforeEach(() => {
    ctx.clock!.set(START);
  });

  it('ends the open listing: TERMINATED (SELLER_TERMINATED), ticket VALID, UNLISTED history, audit, listing.deleted webhook', async () => {
    const listing = await listOk(ctx, s.key, ['T1'], 35);
    ctx.clock!.advance(60_000);
    const res = await terminate('T1');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ listingId: listing.listingId, status: 'TERMINATED', endedReason: 'SELLER_TERMINATED', ticketIds: ['T1'], updatedAt: '2027-05-01T10:01:00.000Z' });

    expect(await listingRow(ctx, s.tenantId, listing.listingId)).toMatchObject({ status: 'TERMINATED', end_reason: 'SELLER_TERMINATED' });
    expect((await listingTicketRows(ctx, s.tenantId, listing.listingId)).map((r) => r.open)).toEqual([false]);
    expect((await ticketRow(ctx, s.tenantId, 'T1'))?.status).toBe('VALID');
    const history = await historyOf(ctx, s.tenantId, 'T1');
    expect(history.map((h) => h.kind)).toEqual(['CREATED', 'LISTED', 'UNLISTED']);
    expect(history[2]!.data).toMatchObject({ listingId: listing.listingId, reason: 'SELLER_TERMINATED' });
    expect((await auditOf(ctx, s.tenantId, 'listing.terminated')).filter((a) => a.entity_id === listing.listingId)).toHaveLength(1);
    const hooks = await deletedHooks(listing.listingId);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message).toMatchObject({ family: 'listing', action: 'listing.deleted', data: { status: 'TERMINATED', endedReason: 'SELLER_TERMINATED' } });
  });

  it('lets the ticket be listed again afterwards', async () => {
    const again = await listOk(ctx, s.key, ['T1'], 30);
    expect(again.status).toBe('ACTIVE');
    expect((await ticketRow(ctx, s.tenantId, 'T1'))?.status).toBe('LISTED');
    expect((await terminate('T1')).status).toBe(200);
  });

  it('404 LISTING_NOT_FOUND without an open listing (never listed, already ended, unknown ticket)', async () => {
    for (const id of ['NEVER', 'T1', 'ghost']) {
      const res = await terminate(id);
      expect(res.status, id).toBe(404);
      expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_FOUND', field: 'ticketId' });
    }
  });

  it('409 LISTING_NOT_ACTIVE while a buy intention holds the listing; allowed once the hold expired', async () => {
    const listing = await listOk(ctx, s.key, ['T2'], 35);
    expect((await reserve(ctx, s.key, listing.listingId)).status).toBe(200);
    const res = await terminate('T2');
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'LISTING_NOT_ACTIVE', details: { status: 'RESERVED', reservedUntil: '2027-05-01T10:10:00.000Z' } });
    expect((await ticketRow(ctx, s.tenantId, 'T2'))?.status).toBe('LISTED');
    ctx.clock!.advance(11 * 60_000);
    const after = await terminate('T2');
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.data).toMatchObject({ status: 'TERMINATED', reservedUntil: null });
    expect((await ticketRow(ctx, s.tenantId, 'T2'))?.status).toBe('VALID');
  });

  it('ends a whole PACK through any of its tickets', async () => {
    const pack = await listOk(ctx, s.key, ['K1', 'K2'], 30, PACK);
    const res = await terminate('K2');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ listingId: pack.listingId, status: 'TERMINATED', ticketIds: ['K1', 'K2'] });
    expect((await ticketRow(ctx, s.tenantId, 'K1'))?.status).toBe('VALID');
    expect((await ticketRow(ctx, s.tenantId, 'K2'))?.status).toBe('VALID');
  });

  it('deleting a LISTED ticket ends its listing (TICKET_DELETED); the rest of a PACK is VALID again', async () => {
    const single = await listOk(ctx, s.key, ['DEL'], 35);
    expect((await call(ctx, s.key, 'DELETE', '/v1/tickets/DEL')).status).toBe(200);
    expect(await listingRow(ctx, s.tenantId, single.listingId)).toMatchObject({ status: 'TERMINATED', end_reason: 'TICKET_DELETED' });
    expect((await ticketRow(ctx, s.tenantId, 'DEL'))?.status).toBe('DELETED');
    expect((await listingTicketRows(ctx, s.tenantId, single.listingId)).map((r) => r.open)).toEqual([false]);
    expect(await deletedHooks(single.listingId)).toHaveLength(1);

    const pack = await listOk(ctx, s.key, ['M1', 'M2'], 30, PACK);
    expect((await call(ctx, s.key, 'DELETE', '/v1/tickets/M1')).status).toBe(200);
    expect(await listingRow(ctx, s.tenantId, pack.listingId)).toMatchObject({ status: 'TERMINATED', end_reason: 'TICKET_DELETED' });
    expect((await ticketRow(ctx, s.tenantId, 'M1'))?.status).toBe('DELETED');
    expect((await ticketRow(ctx, s.tenantId, 'M2'))?.status).toBe('VALID');
    // M2 alone is no longer a pack of its order's live tickets, but it can be listed again on its own.
    expect((await listOk(ctx, s.key, ['M2'], 30, PACK)).type).toBe('SINGLE');
  });

  it('admitting a LISTED ticket ends its listing (TICKET_ADMITTED)', async () => {
    const listing = await listOk(ctx, s.key, ['ADM'], 35);
    const admitted = await call(ctx, s.key, 'POST', '/v1/tickets/ADM/eventAdmission', { entryDate: '2027-06-01T18:30:00Z' });
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    expect(await listingRow(ctx, s.tenantId, listing.listingId)).toMatchObject({ status: 'TERMINATED', end_reason: 'TICKET_ADMITTED' });
    expect((await ticketRow(ctx, s.tenantId, 'ADM'))?.status).toBe('USED');
    expect(await deletedHooks(listing.listingId)).toHaveLength(1);
    expect((await call(ctx, s.key, 'GET', '/v1/marketplace/listings/ticket/ADM')).body.data).toMatchObject({ status: 'TERMINATED', endedReason: 'TICKET_ADMITTED' });
  });

  it('cancelling the show ends its listings', async () => {
    const listing = await listOk(ctx, s.key, ['CAN'], 35);
    expect((await call(ctx, s.key, 'POST', '/v1/events/duo/cancellation?showId=d1')).status).toBe(200);
    expect(await listingRow(ctx, s.tenantId, listing.listingId)).toMatchObject({ status: 'TERMINATED', end_reason: 'SHOW_CANCELLED' });
    expect((await ticketRow(ctx, s.tenantId, 'CAN'))?.status).toBe('CANCELLED');
    expect(await deletedHooks(listing.listingId)).toHaveLength(1);
  });

  it('security: no key 401; another tenant’s ticket 404 and its listing untouched', async () => {
    const theirs = await listOk(ctx, other.key, ['O1'], 35);
    expect((await call(ctx, undefined, 'DELETE', '/v1/marketplace/items/ticket/O1')).status).toBe(401);
    expect((await call(ctx, 'enc_wrong', 'DELETE', '/v1/marketplace/items/ticket/O1')).status).toBe(401);
    const cross = await terminate('O1');
    expect(cross.status).toBe(404);
    expect(errorOf(cross)!.code).toBe('LISTING_NOT_FOUND');
    expect((await listingRow(ctx, other.tenantId, theirs.listingId))!.status).toBe('ACTIVE');
  });
});
