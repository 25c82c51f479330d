import { beforeEach, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { ingestTickets } from '../tickets/index.js';
import { unlockDueShields } from '../../flows/ticket-shield.js';
import { BEFORE, call, historyKinds, HOUR, openShop, shield, SOLO_STARTS, ticket, unlocked, webhooksOf } from './ticket-shield.fixtures.js';

describe('TICKET_SHIELD', () => {
  // Each test opens its own tenant and sets the clock back before the shows; the sweep reads every
  // tenant, so assertions are per tenant.
  const ctx = useContext({ clock: 'manual' });
  const at = (ms: number) => ctx.clock!.set(new Date(ms));
  const sweep = () => unlockDueShields(ctx.deps);
  beforeEach(() => ctx.clock!.set(BEFORE));

  it('stores LOCKED whatever the integrator sent while a shield holds, in sync ingestion and PUT; identical re-sends stay no-ops', async () => {
    const shop = await openShop(ctx, 'ingest');
    await shop.rules([shield(24)]);
    expect(await shop.sync([unlocked('i-1'), ticket('i-2'), ticket('i-own', { ticketAccess: { type: 'URL', locator: 'x', status: 'LOCKED' } })])).toEqual([
      { ticketId: 'i-1', status: 'CREATED' },
      { ticketId: 'i-2', status: 'CREATED' },
      { ticketId: 'i-own', status: 'CREATED' },
    ]);
    const unlockAt = new Date(SOLO_STARTS - 24 * HOUR);
    expect(await shop.access('i-1')).toEqual({ status: 'LOCKED', unlockAt });
    expect(await shop.access('i-2')).toEqual({ status: 'LOCKED', unlockAt });
    // The integrator's own LOCKED is theirs: not marked, so the shield never opens it.
    expect(await shop.access('i-own')).toEqual({ status: 'LOCKED', unlockAt: null });

    // The content hash is over what was sent: the same body again is UNCHANGED, not TICKET_EXISTS.
    ctx.clock!.advance(60_000);
    expect(await shop.sync([unlocked('i-1')])).toEqual([{ ticketId: 'i-1', status: 'UNCHANGED' }]);

    // PUT: a no-op PUT writes nothing; a new code sent UNLOCKED is stored LOCKED while the shield holds.
    const same = await call(ctx, shop.key, 'PUT', '/v1/tickets/i-1', { tags: [] });
    expect(same.status).toBe(200);
    const put = await call(ctx, shop.key, 'PUT', '/v1/tickets/i-1', { ticketAccess: { type: 'URL', locator: 'new-code', status: 'UNLOCKED' } });
    expect(put.status).toBe(200);
    expect(put.body.data.ticketAccess).toMatchObject({ locator: 'new-code', status: 'LOCKED' });
    expect(await shop.access('i-1')).toEqual({ status: 'LOCKED', unlockAt });

    // The command-line import (and the async job) write through the same path.
    await ingestTickets(ctx.deps, { tenantId: shop.tenantId, label: 'cli' }, [unlocked('i-cli')], { via: 'import' });
    expect(await shop.access('i-cli')).toEqual({ status: 'LOCKED', unlockAt });

    // After the unlock time, new tickets are stored as sent.
    at(unlockAt.getTime() + 1);
    await shop.sync([unlocked('i-late')]);
    expect(await shop.access('i-late')).toEqual({ status: 'UNLOCKED', unlockAt: null });
  });

  it('locks existing tickets in the rule change, only in the scope the governing rule covers', async () => {
    const shop = await openShop(ctx, 'scoped');
    await shop.sync([
      unlocked('d1-ga', { showId: 'd1' }, 'duo'),
      unlocked('d1-vip', { showId: 'd1', ticketOptionId: 'vip' }, 'duo'),
      unlocked('d2-vip', { showId: 'd2', ticketOptionId: 'vip' }, 'duo'),
      unlocked('d1-vip-adult', { showId: 'd1', ticketOptionId: 'vip', priceTypeId: 'adult' }, 'duo'),
    ]);
    await shop.rules([
      shield(24, { externalReferenceEventId: 'duo', ticketOptionId: 'vip' }),
      // More specific and disabled: adult VIP tickets of d1 stay open.
      shield(24, { externalReferenceEventId: 'duo', showId: 'd1', ticketOptionId: 'vip', priceTypeId: 'adult' }, false),
    ]);
    expect((await shop.access('d1-ga')).status).toBe('UNLOCKED');
    expect(await shop.access('d1-vip')).toEqual({ status: 'LOCKED', unlockAt: new Date(SOLO_STARTS - 24 * HOUR) });
    expect(await shop.access('d2-vip')).toEqual({ status: 'LOCKED', unlockAt: new Date(SOLO_STARTS) });
    expect((await shop.access('d1-vip-adult')).status).toBe('UNLOCKED');
    expect(await historyKinds(ctx, shop.tenantId, 'd1-vip')).toEqual(['CREATED', 'ACCESS_LOCKED']);
    expect(await historyKinds(ctx, shop.tenantId, 'd1-ga')).toEqual(['CREATED']);

    // d1 opens a day before d2: one announcement for (d1, vip), none yet for d2.
    at(SOLO_STARTS - 24 * HOUR);
    await sweep();
    expect((await shop.access('d1-vip')).status).toBe('UNLOCKED');
    expect((await shop.access('d2-vip')).status).toBe('LOCKED');
    const sent = await webhooksOf(ctx, shop.tenantId, 'event.unlock');
    expect(sent.map((w): unknown => w.message.data)).toEqual([
      expect.objectContaining({ externalReferenceId: 'duo', showId: 'd1', ticketOptionId: 'vip', count: 1, ticketIds: ['d1-vip'] }),
    ]);
    expect(sent[0]!.message.data).not.toHaveProperty('priceTypeId');
  });

  it('opens due tickets once, with history, audit and ONE event.unlock, however many sweeps run at once', async () => {
    const shop = await openShop(ctx, 'unlock');
    await shop.sync([unlocked('u-1'), unlocked('u-2'), unlocked('u-3', { ticketOptionId: 'vip' })]);
    await shop.rules([shield(48)]);
    expect((await shop.access('u-1')).status).toBe('LOCKED');

    at(SOLO_STARTS - 48 * HOUR - 1);
    await sweep();
    expect((await shop.access('u-1')).status).toBe('LOCKED');
    expect(await webhooksOf(ctx, shop.tenantId, 'event.unlock')).toEqual([]);

    at(SOLO_STARTS - 47 * HOUR);
    await Promise.all([sweep(), sweep(), sweep(), sweep()]);
    await sweep();
    for (const id of ['u-1', 'u-2', 'u-3']) {
      expect(await shop.access(id)).toEqual({ status: 'UNLOCKED', unlockAt: null });
      expect(await historyKinds(ctx, shop.tenantId, id)).toEqual(['CREATED', 'ACCESS_LOCKED', 'ACCESS_UNLOCKED']);
    }
    const sent = await webhooksOf(ctx, shop.tenantId, 'event.unlock');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toEqual({
      family: 'event',
      action: 'event.unlock',
      data: {
        externalReferenceId: 'solo',
        showId: 'main',
        unlockAt: new Date(SOLO_STARTS - 48 * HOUR).toISOString(),
        unlockedAt: new Date(SOLO_STARTS - 47 * HOUR).toISOString(),
        count: 3,
        ticketIds: ['u-1', 'u-2', 'u-3'],
      },
    });
    const records = await ctx.deps.db.selectFrom('ticket_shield_unlocks').selectAll().where('tenant_id', '=', shop.tenantId).execute();
    expect(records).toEqual([expect.objectContaining({ ticket_count: 3, announced: true, ticket_option_id: null, price_type_id: null })]);
    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('tenant_id', '=', shop.tenantId).where('action', '=', 'tickets.access_unlocked').execute();
    expect(audit).toHaveLength(1);
  });

  it('leaves a resold ticket waiting for its new code LOCKED, and never opens a code the integrator locked', async () => {
    const shop = await openShop(ctx, 'resold');
    await shop.sync([unlocked('r-1'), unlocked('r-2'), ticket('r-own', { ticketAccess: { type: 'URL', locator: 'own', status: 'LOCKED' } })]);
    await shop.rules([shield(24)]);
    await ctx.deps.db.updateTable('tickets').set({ access_reissue_pending: true }).where('tenant_id', '=', shop.tenantId).where('ticket_id', '=', 'r-2').execute();

    at(SOLO_STARTS);
    await sweep();
    expect(await shop.access('r-1')).toEqual({ status: 'UNLOCKED', unlockAt: null });
    // Out of the shield (no longer due every minute), still LOCKED for the integrator's new code.
    expect(await shop.access('r-2')).toEqual({ status: 'LOCKED', unlockAt: null });
    expect(await historyKinds(ctx, shop.tenantId, 'r-2')).toEqual(['CREATED', 'ACCESS_LOCKED']);
    expect(await shop.access('r-own')).toEqual({ status: 'LOCKED', unlockAt: null });
    const sent = await webhooksOf(ctx, shop.tenantId, 'event.unlock');
    expect(sent.map((w): unknown => w.message.data.ticketIds)).toEqual([['r-1']]);
  });

  it('disabling a shield or moving its time into the past releases the tickets to the next sweep; moving it later re-times them', async () => {
    const shop = await openShop(ctx, 'changes');
    await shop.sync([unlocked('c-ga'), unlocked('c-vip', { ticketOptionId: 'vip' })]);
    await shop.rules([shield(24), shield(24, { ticketOptionId: 'vip' })]);
    await shop.rules([shield(12, { ticketOptionId: 'vip' })]);
    expect(await shop.access('c-vip')).toEqual({ status: 'LOCKED', unlockAt: new Date(SOLO_STARTS - 12 * HOUR) });

    // An unlock time already past does not lock anything new, and releases what was locked.
    await shop.rules([shield(24 * 365 * 3)]);
    expect((await shop.access('c-ga')).status).toBe('LOCKED');
    await shop.rules([shield(24, { ticketOptionId: 'vip' }, false)]);
    await sweep();
    expect(await shop.access('c-ga')).toEqual({ status: 'UNLOCKED', unlockAt: null });
    expect(await shop.access('c-vip')).toEqual({ status: 'UNLOCKED', unlockAt: null });
    const sent = await webhooksOf(ctx, shop.tenantId, 'event.unlock');
    expect(sent.map((w): unknown[] => [w.message.data.ticketOptionId ?? null, w.message.data.ticketIds]).sort()).toEqual([
      [null, ['c-ga']],
      ['vip', ['c-vip']],
    ]);
    await shop.sync([unlocked('c-new')]);
    expect(await shop.access('c-new')).toEqual({ status: 'UNLOCKED', unlockAt: null });
  });

  it('misses no ticket written while a rule changes: writers and the rule change serialise on the event', async () => {
    const shop = await openShop(ctx, 'race');
    const batches = Array.from({ length: 4 }, (_, b) => Array.from({ length: 250 }, (_, i) => unlocked(`race-${b}-${i}`)));
    await Promise.all([...batches.map((items) => ingestTickets(ctx.deps, { tenantId: shop.tenantId, label: 'cli' }, items, { via: 'import' })), shop.rules([shield(24)])]);
    const open = await ctx.deps.db.selectFrom('tickets').select('ticket_id').where('tenant_id', '=', shop.tenantId).where('access_status', '=', 'UNLOCKED').execute();
    expect(open).toEqual([]);
  });

  it('keeps tenants apart: another tenant’s rules, tickets and announcements are its own', async () => {
    const a = await openShop(ctx, 'tenant-a');
    const b = await openShop(ctx, 'tenant-b');
    await a.sync([unlocked('t-1')]);
    await b.sync([unlocked('t-1')]);
    await a.rules([shield(24)]);
    expect((await a.access('t-1')).status).toBe('LOCKED');
    expect((await b.access('t-1')).status).toBe('UNLOCKED');
    await b.rules([shield(1)]);

    at(SOLO_STARTS - 12 * HOUR);
    await sweep();
    expect((await a.access('t-1')).status).toBe('UNLOCKED');
    expect((await b.access('t-1')).status).toBe('LOCKED');
    expect(await webhooksOf(ctx, a.tenantId, 'event.unlock')).toHaveLength(1);
    expect(await webhooksOf(ctx, b.tenantId, 'event.unlock')).toEqual([]);
  });
});
