import type { Deps } from '../../app/deps.js';
import { sweepInBatches } from '../../db/batch-sweep.js';
import type { Executor, Tx } from '../../db/tx.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMajor } from '../../lib/money.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { emitWebhook, recordTransition } from '../webhooks/index.js';
import { payoutsRepository as repo, type PayoutRow } from './payouts.repository.js';
import { PAYOUT_STATES } from './payouts.states.js';

export type PayoutDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

export interface PayoutView {
  payoutId: string;
  orderId: string;
  listingId: string;
  sellerEmail: string;
  amount: number;
  currency: string;
  status: PayoutRow['status'];
  releaseAt: string;
  releasedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export function payoutView(p: PayoutRow): PayoutView {
  return {
    payoutId: p.id,
    orderId: p.order_id,
    listingId: p.listing_id,
    sellerEmail: p.seller_email,
    amount: toMajor(p.amount_minor, p.currency),
    currency: p.currency,
    status: p.status,
    releaseAt: p.release_at.toISOString(),
    releasedAt: p.released_at?.toISOString() ?? null,
    cancelledAt: p.cancelled_at?.toISOString() ?? null,
    cancelReason: p.cancel_reason,
  };
}

async function announce(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, tenantId: string, action: 'scheduled', rows: readonly PayoutRow[]): Promise<void> {
  for (const p of rows) await emitWebhook(tx, deps, tenantId, { family: 'payouts', action, data: payoutView(p) });
}

/**
 * A SCHEDULED payout the repository just moved (its conditional UPDATE only takes SCHEDULED rows):
 * the transition checked, its audit row and its `payouts.released|cancelled` webhook, which carries
 * the payout as it now is.
 */
async function recordPayoutTransition(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, actor: Actor, p: PayoutRow, action: 'released' | 'cancelled', after: Record<string, unknown>, now: Date): Promise<void> {
  await recordTransition(
    tx,
    deps,
    {
      machine: PAYOUT_STATES,
      entity: `payout ${p.id}`,
      from: 'SCHEDULED',
      to: p.status,
      actor,
      audit: { action: `payout.${action}`, entityType: 'payout', entityId: p.id, after: { status: p.status, ...after } },
      webhooks: [{ family: 'payouts', action, data: payoutView(p) }],
    },
    now,
  );
}

/**
 * One payout per sold listing: price × quantity minus the seller fees, held until the show is over
 * (`releaseAt`) so that a cancelled show can still be refunded from it (SPEC §4).
 */
export async function schedulePayouts(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'queue'>,
  actor: Actor,
  input: { orderId: string; releaseAt: Date; now: Date; items: { listingId: string; sellerEmail: string; amountMinor: number; currency: string }[] },
): Promise<PayoutView[]> {
  const rows = await repo.insert(
    tx,
    input.items.map((i) => ({
      tenant_id: actor.tenantId,
      id: newId(ID_PREFIX.payout, input.now.getTime()),
      order_id: input.orderId,
      listing_id: i.listingId,
      seller_email: i.sellerEmail,
      amount_minor: i.amountMinor,
      currency: i.currency,
      status: 'SCHEDULED' as const,
      release_at: input.releaseAt,
      released_at: null,
      cancelled_at: null,
      cancel_reason: null,
      created_at: input.now,
      updated_at: input.now,
    })),
  );
  for (const p of rows) await recordAudit(tx, actor, { action: 'payout.scheduled', entityType: 'payout', entityId: p.id, after: payoutView(p) }, input.now);
  await announce(tx, deps, actor.tenantId, 'scheduled', rows);
  return rows.map(payoutView);
}

/** A refunded order pays no seller: its scheduled payouts are cancelled (released ones stay, and are reported). */
export async function cancelPayoutsOfOrders(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, actor: Actor, orderIds: readonly string[], reason: string, now: Date): Promise<PayoutView[]> {
  const rows = await repo.cancelScheduledOfOrders(tx, actor.tenantId, orderIds, reason, now);
  for (const p of rows) await recordPayoutTransition(tx, deps, actor, p, 'cancelled', { reason }, now);
  return rows.map(payoutView);
}

export async function payoutsOfOrder(ex: Executor, tenantId: string, orderId: string): Promise<PayoutView[]> {
  return (await repo.ofOrder(ex, tenantId, orderId)).map(payoutView);
}

/** The release job: every payout whose show is over and whose seller has a payout account becomes RELEASED, with `payouts.released`. */
export async function releaseDuePayouts(deps: PayoutDeps, batch = 500): Promise<number> {
  return sweepInBatches(deps.db, batch, async (tx, limit) => {
    const now = deps.clock.now();
    const rows = await repo.releaseDue(tx, now, limit);
    for (const p of rows) {
      const actor: Actor = { tenantId: p.tenant_id, label: 'job:payouts-release' };
      await recordPayoutTransition(tx, deps, actor, p, 'released', { releasedAt: now.toISOString() }, now);
    }
    return rows.length;
  });
}
