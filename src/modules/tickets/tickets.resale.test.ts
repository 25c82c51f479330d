import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import type { Actor } from '../audit/index.js';
import { admit, admitMany } from './admission.fixtures.js';
import { planAdmissions, type TicketState } from './admission.plan.js';
import { call, createEvents, fullTicket, historyOf, ticket, ticketRow } from './tickets.fixtures.js';
import { onTicketsLeaveMarket, type MarketExitReason } from './tickets.market-hooks.js';
import { changeTicketOwners } from './tickets.ownership.js';
import { findTicketsOfOrder, lockTicketsForResale, markTicketsListed, markTicketsUnlisted } from './tickets.resale.js';

interface HookCall {
  tenantId: string;
  ticketIds: string[];
  reason: MarketExitReason;
}

// Registered once for the file's process; each test reads only its own tenant's calls.
const hookCalls: HookCall[] = [];
const recordingHook = async (_tx: unknown, _deps: unknown, _actor: Actor, tenantId: string, ticketIds: readonly string[], reason: MarketExitReason): Promise<void> => {
  hookCalls.push({ tenantId, ticketIds: [...ticketIds], reason });
  await Promise.resolve();
};
onTicketsLeaveMarket(recordingHook);
onTicketsLeaveMarket(recordingHook); // twice on purpose: a Set, so still one call per exit

describe('tickets on the resale market', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let other: { tenantId: string; apiKey: string; keyId: string };
  let key: string;
  let actor: Actor;
  const now = new Date('2026-01-02T10:00:00Z');

  const sync = async (tickets: Record<string, unknown>[], k = key) => {
    const res = await call(ctx, k, 'POST', '/v1/sync/tickets', tickets);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as { ticketId: string; status: string }[];
  };
  const inTx = <T>(fn: Parameters<typeof withTx<T>>[1]) => withTx(ctx.deps.db, fn);
  const list = (ids: string[], listingId = 'lst_1') => inTx((tx) => markTicketsListed(tx, actor, tenant.tenantId, ids, listingId, now));
  const sell = (ids: string[], buyerEmail = 'New.Owner@Buyers.example') =>
    inTx((tx) =>
      changeTicketOwners(tx, ctx.deps, actor, { tenantId: tenant.tenantId, ticketIds: ids, newOwner: { email: buyerEmail }, reason: { type: 'RESALE', orderId: 'ord_1', listingId: 'lst_1' }, now }),
    );
  const callsOf = () => hookCalls.filter((c) => c.tenantId === tenant.tenantId);
  const codeOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof AppError) return err.code;
      throw err;
    }
    return 'NO_ERROR';
  };

  beforeAll(async () => {
    tenant = await ctx.createTenant('market');
    other = await ctx.createTenant('other');
    key = tenant.apiKey;
    actor = { tenantId: tenant.tenantId, label: 'test' };
    await createEvents(ctx, key);
    await createEvents(ctx, other.apiKey);
    await sync([fullTicket('r-full'), ticket('r-b'), ticket('r-a', { orderId: 'order-9' }), ticket('r-c', { orderId: 'order-9' })]);
    await sync([ticket('r-other')], other.apiKey);
  });

  beforeEach(() => {
    hookCalls.length = 0;
  });

  it('locks and reads tickets for resale: ticket_id order, seat from props, missing and foreign ids absent', async () => {
    const got = await inTx((tx) => lockTicketsForResale(tx, tenant.tenantId, ['r-full', 'r-b', 'nope', 'r-other', 'r-b', 'bad\u0000id']));
    expect(got.map((t) => t.ticketId)).toEqual(['r-b', 'r-full']);
    expect(got[1]).toEqual({
      ticketId: 'r-full',
      eventId: expect.stringMatching(/^evt_/),
      showPk: expect.stringMatching(/^shw_/),
      ticketOptionId: 'vip',
      priceTypeId: 'adult',
      status: 'VALID',
      buyerEmail: 'ana@fans.example',
      priceMinor: 9550,
      currency: 'EUR',
      orderId: 'order-1',
      seat: { row: '7', seat: '12', section: 'B', door: '3' },
      accessReissuePending: false,
    });
    expect(got[0]).toMatchObject({ seat: null, priceMinor: null, buyerEmail: 'r-b@fans.example', accessReissuePending: false });
    expect(await inTx((tx) => lockTicketsForResale(tx, tenant.tenantId, []))).toEqual([]);
  });

  it('finds the tickets of an order in ticket_id order', async () => {
    expect((await findTicketsOfOrder(ctx.deps.db, tenant.tenantId, 'order-9')).map((t) => t.ticketId)).toEqual(['r-a', 'r-c']);
    expect(await findTicketsOfOrder(ctx.deps.db, tenant.tenantId, 'no-order')).toEqual([]);
    expect(await findTicketsOfOrder(ctx.deps.db, other.tenantId, 'order-9')).toEqual([]);
  });

  it('lists VALID tickets (history LISTED) and refuses, all or nothing, a ticket the state machine does not allow', async () => {
    await sync([ticket('l-1'), ticket('l-2'), ticket('l-3')]);
    await list(['l-2', 'l-1'], 'lst_A');
    expect((await ticketRow(ctx, tenant.tenantId, 'l-1'))?.status).toBe('LISTED');
    expect((await historyOf(ctx, tenant.tenantId, 'l-2')).at(-1)).toMatchObject({ kind: 'LISTED', actor: 'test', data: { listingId: 'lst_A' } });

    expect(await codeOf(list(['l-3', 'l-1']))).toBe('INVALID_STATE_TRANSITION');
    expect((await ticketRow(ctx, tenant.tenantId, 'l-3'))?.status).toBe('VALID');
    expect(await codeOf(list(['l-3', 'missing']))).toBe('TICKET_NOT_FOUND');
    expect(await codeOf(list(['r-other']))).toBe('TICKET_NOT_FOUND');

    await inTx((tx) => markTicketsUnlisted(tx, actor, tenant.tenantId, ['l-1', 'l-3'], 'lst_A', 'EXPIRED', now));
    expect((await ticketRow(ctx, tenant.tenantId, 'l-1'))?.status).toBe('VALID');
    expect((await historyOf(ctx, tenant.tenantId, 'l-1')).at(-1)).toMatchObject({ kind: 'UNLISTED', data: { listingId: 'lst_A', reason: 'EXPIRED' } });
    // l-3 was VALID: untouched, no history row.
    expect((await historyOf(ctx, tenant.tenantId, 'l-3')).map((h) => h.kind)).toEqual(['CREATED']);
    expect((await ticketRow(ctx, tenant.tenantId, 'l-2'))?.status).toBe('LISTED');
    expect(callsOf()).toEqual([]);
  });

  it('transfers resold tickets: new owner, code superseded and LOCKED, SOLD history, content hash unchanged', async () => {
    await sync([ticket('s-1'), ticket('s-2'), ticket('s-used')]);
    await list(['s-1']);
    const before = (await ticketRow(ctx, tenant.tenantId, 's-1'))!;
    const result = await sell(['s-2', 's-1']);
    expect(result).toEqual([
      { ticketId: 's-1', previousOwnerEmail: 's-1@fans.example', newOwnerEmail: 'new.owner@buyers.example' },
      { ticketId: 's-2', previousOwnerEmail: 's-2@fans.example', newOwnerEmail: 'new.owner@buyers.example' },
    ]);
    const row = (await ticketRow(ctx, tenant.tenantId, 's-1'))!;
    expect(row).toMatchObject({
      status: 'VALID',
      buyer: { email: 'New.Owner@Buyers.example' },
      buyer_email: 'new.owner@buyers.example',
      access_reissue_pending: true,
      access_status: 'LOCKED',
      access_locator: '',
      superseded_locators: ['https://t.example/s-1'],
      access_version: before.access_version + 1,
      content_hash: before.content_hash,
      updated_at: now,
    });
    expect((await historyOf(ctx, tenant.tenantId, 's-1')).at(-1)).toMatchObject({
      kind: 'SOLD',
      data: { orderId: 'ord_1', listingId: 'lst_1', previousOwnerEmail: 's-1@fans.example', newOwnerEmail: 'new.owner@buyers.example' },
    });

    // The view: no code, reissue pending.
    const view = await call(ctx, key, 'GET', '/v1/tickets/s-1');
    expect(view.body.data.ticketAccess).toEqual({ type: 'URL', locator: null, status: 'LOCKED', version: 2, reissuePending: true });
    const spec = await ctx.app.inject({ method: 'GET', url: '/api/openapi' });
    expect(spec.statusCode).toBe(200);

    // An identical re-send of the original ticket is still a no-op.
    const again = await sync([ticket('s-1')]);
    expect(again[0]).toMatchObject({ ticketId: 's-1', status: 'UNCHANGED' });
    expect((await ticketRow(ctx, tenant.tenantId, 's-1'))).toEqual(row);

    // Sold again before the code was re-issued: '' is not a code to supersede.
    await sell(['s-1'], 'third@buyers.example');
    expect((await ticketRow(ctx, tenant.tenantId, 's-1'))).toMatchObject({ superseded_locators: ['https://t.example/s-1'], access_version: 3, buyer_email: 'third@buyers.example' });

    // A used ticket cannot be sold; nothing of the call is kept.
    await ctx.deps.db.updateTable('tickets').set({ status: 'USED' }).where('tenant_id', '=', tenant.tenantId).where('ticket_id', '=', 's-used').execute();
    const s2 = (await ticketRow(ctx, tenant.tenantId, 's-2'))!;
    expect(await codeOf(sell(['s-2', 's-used']))).toBe('INVALID_STATE_TRANSITION');
    expect(await codeOf(sell(['s-2', 'missing']))).toBe('TICKET_NOT_FOUND');
    expect((await ticketRow(ctx, tenant.tenantId, 's-2'))).toEqual(s2);
  });

  it('refuses the seller\'s replaced code at admission (single and batch) as ACCESS_CODE_SUPERSEDED', async () => {
    await sync([ticket('g-1'), ticket('g-2'), ticket('g-3')]);
    await sell(['g-1', 'g-2']);

    const single = await admit(ctx, key, 'g-1', { entryDate: '2027-06-01T19:00:00Z', locator: 'https://t.example/g-1' });
    expect(single.status).toBe(409);
    expect(single.body.errors?.[0]).toMatchObject({ code: 'ACCESS_CODE_SUPERSEDED', field: 'locator' });
    expect(single.body.errors?.[0].message).toMatch(/resale/);

    const wrong = await admit(ctx, key, 'g-1', { entryDate: '2027-06-01T19:00:00Z', locator: 'never-was' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.errors?.[0]).toMatchObject({ code: 'ACCESS_CODE_MISMATCH', field: 'locator' });

    const batch = await admitMany(ctx, key, [
      { ticketId: 'g-2', entryDate: '2027-06-01T19:00:00Z', locator: 'https://t.example/g-2' },
      { ticketId: 'g-3', entryDate: '2027-06-01T19:00:00Z', locator: 'https://t.example/g-3' },
      { ticketId: 'g-2', entryDate: '2027-06-01T19:00:00Z', locator: 'https://t.example/g-1' },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.body.data).toBe(false);
    expect(batch.body.errors).toHaveLength(2);
    expect(batch.body.errors?.[0]).toMatchObject({ code: 'ACCESS_CODE_SUPERSEDED', field: '[0].locator' });
    expect(batch.body.errors?.[1]).toMatchObject({ code: 'ACCESS_CODE_MISMATCH', field: '[2].locator' });
    expect((await ticketRow(ctx, tenant.tenantId, 'g-3'))?.status).toBe('USED');
    expect((await ticketRow(ctx, tenant.tenantId, 'g-2'))?.status).toBe('VALID');
  });

  it('re-issues a resold ticket by PUT: a superseded code is refused, the new code unlocks it and opens the gate', async () => {
    await sync([ticket('p-1')]);
    await sell(['p-1']);
    const put = (body: unknown) => call(ctx, key, 'PUT', '/v1/tickets/p-1', body);

    const noCode = await put({ tags: ['x:y'] });
    expect(noCode.status).toBe(400);
    expect(noCode.body.errors?.[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'ticketAccess' });

    const old = await put({ buyer: 'new.owner@buyers.example', ticketAccess: { type: 'URL', locator: 'https://t.example/p-1' } });
    expect(old.status).toBe(409);
    expect(old.body.errors?.[0]).toMatchObject({ code: 'ACCESS_CODE_SUPERSEDED', field: 'ticketAccess.locator' });

    const res = await put({ buyer: 'new.owner@buyers.example', ticketAccess: { type: 'URL', locator: 'https://t.example/p-1-v2' } });
    expect(res.status).toBe(200);
    expect(res.body.data.ticketAccess).toEqual({ type: 'URL', locator: 'https://t.example/p-1-v2', status: 'UNLOCKED', version: 3, reissuePending: false });
    const row = (await ticketRow(ctx, tenant.tenantId, 'p-1'))!;
    expect(row).toMatchObject({ access_reissue_pending: false, access_status: 'UNLOCKED', superseded_locators: ['https://t.example/p-1'] });
    expect((await historyOf(ctx, tenant.tenantId, 'p-1')).find((h) => h.kind === 'ACCESS_CHANGED')).toMatchObject({ data: { reissued: true, version: 3 } });

    // The integrator may re-issue it LOCKED: the status sent is kept.
    await sync([ticket('p-2')]);
    await sell(['p-2']);
    const locked = await call(ctx, key, 'PUT', '/v1/tickets/p-2', { ticketAccess: { type: 'URL', locator: 'p-2-v2', status: 'LOCKED' } });
    expect(locked.body.data.ticketAccess).toMatchObject({ status: 'LOCKED', reissuePending: false });

    const gate = await admit(ctx, key, 'p-1', { entryDate: '2027-06-01T19:00:00Z', locator: 'https://t.example/p-1-v2' });
    expect(gate.status).toBe(200);
    expect(gate.body.data).toBe(true);
    expect((await ticketRow(ctx, tenant.tenantId, 'p-1'))?.status).toBe('USED');
  });

  it('calls the market-exit hooks when a LISTED ticket is deleted, and only then', async () => {
    await sync([ticket('d-1'), ticket('d-2')]);
    await list(['d-1']);
    expect((await call(ctx, key, 'DELETE', '/v1/tickets/d-1')).status).toBe(200);
    expect((await call(ctx, key, 'DELETE', '/v1/tickets/d-2')).status).toBe(200);
    expect(callsOf()).toEqual([{ tenantId: tenant.tenantId, ticketIds: ['d-1'], reason: 'TICKET_DELETED' }]);
  });

  it('calls the market-exit hooks for tickets admitted from LISTED, single and batch', async () => {
    await sync([ticket('a-1'), ticket('a-2'), ticket('a-3'), ticket('a-4')]);
    await list(['a-1', 'a-2', 'a-3']);
    expect((await admit(ctx, key, 'a-1', { entryDate: '2027-06-01T19:00:00Z' })).status).toBe(200);
    const batch = await admitMany(ctx, key, [
      { ticketId: 'a-4', entryDate: '2027-06-01T19:00:00Z' },
      { ticketId: 'a-3', entryDate: '2027-06-01T19:00:00Z' },
      { ticketId: 'a-2', entryDate: '2027-06-01T19:00:00Z' },
    ]);
    expect(batch.body.data).toBe(true);
    // A repeat scan admits nothing new: no call.
    expect((await admit(ctx, key, 'a-1', { entryDate: '2027-06-01T19:00:00Z' })).status).toBe(200);
    expect(callsOf()).toEqual([
      { tenantId: tenant.tenantId, ticketIds: ['a-1'], reason: 'TICKET_ADMITTED' },
      { tenantId: tenant.tenantId, ticketIds: ['a-2', 'a-3'], reason: 'TICKET_ADMITTED' },
    ]);
  });

  it('a PUT that changes the owner of a LISTED ticket takes it off the market; other changes keep it listed', async () => {
    await sync([ticket('o-1'), ticket('o-2')]);
    await list(['o-1', 'o-2']);
    const tags = await call(ctx, key, 'PUT', '/v1/tickets/o-2', { tags: ['seat:aisle'], buyer: 'O-2@fans.example' });
    expect(tags.status).toBe(200);
    expect(tags.body.data.status).toBe('LISTED');
    expect(callsOf()).toEqual([]);

    const res = await call(ctx, key, 'PUT', '/v1/tickets/o-1', { buyer: 'someone.else@fans.example' });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('VALID');
    expect(callsOf()).toEqual([{ tenantId: tenant.tenantId, ticketIds: ['o-1'], reason: 'OWNER_CHANGED' }]);
    const kinds = (await historyOf(ctx, tenant.tenantId, 'o-1')).map((h) => h.kind);
    expect(kinds.slice(-2)).toEqual(['OWNER_CHANGED', 'UNLISTED']);
    expect((await historyOf(ctx, tenant.tenantId, 'o-1')).at(-1)).toMatchObject({ data: { listingId: null, reason: 'OWNER_CHANGED' } });
  });
});

describe('planAdmissions with replaced codes', () => {
  const state = (supersededLocators?: string[]): TicketState => ({
    ticketId: 't',
    status: 'VALID',
    statusReason: null,
    accessLocator: 'new',
    admission: null,
    ...(supersededLocators ? { supersededLocators } : {}),
  });
  const scan = (locator: string) => [{ ticketId: 't', entryDate: new Date('2027-06-01T19:00:00Z'), locator }];
  const code = (s: TicketState, locator: string) => {
    const [o] = planAdmissions(scan(locator), new Map([['t', s]])).outcomes;
    return o?.kind === 'refused' ? o.refusal.code : o?.kind;
  };

  it('tells a replaced code from a wrong one, and never admits either', () => {
    expect(code(state(['old']), 'old')).toBe('ACCESS_CODE_SUPERSEDED');
    expect(code(state(['old']), 'other')).toBe('ACCESS_CODE_MISMATCH');
    expect(code(state(), 'old')).toBe('ACCESS_CODE_MISMATCH');
    expect(code(state(['old']), 'new')).toBe('admitted');
  });
});
