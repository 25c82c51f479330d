import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { transition } from '../../lib/state-machine.js';
import type { Actor } from '../audit/index.js';
import { recordTransition } from '../webhooks/index.js';
import { eventsRepository as repo, type ShowRow } from './events.repository.js';
import type { EventView } from './events.schemas.js';
import { type EventDeps, loadViews, lockEvent } from './events.service.js';
import { EVENT_STATES, SHOW_STATES } from './events.states.js';

export interface CancellationOutcome {
  event: EventView;
  /** Encore event id. */
  eventId: string;
  /** False for an idempotent repeat: everything asked for was already cancelled, nothing was written. */
  changed: boolean;
  /** Encore ids (`shw_…`) of the shows this call cancelled: their tickets must be cancelled as well. */
  cancelledShowIds: string[];
  /** True when this call moved the event itself to CANCELLED. */
  eventCancelled: boolean;
}

/**
 * Cancels one show (`showId`) or a single-show event, inside the caller's transaction, so the
 * event-cancellation flow can cancel tickets, end listings and refund orders in the same commit.
 * The event row is locked first. A multi-show event is cancelled show by show (no accidental
 * cancellation of every date at once); it becomes CANCELLED with its last live show.
 */
export async function cancelEventInTx(
  tx: Tx,
  deps: EventDeps,
  actor: Actor,
  externalReferenceId: string,
  showId?: string,
): Promise<CancellationOutcome> {
  const event = await lockEvent(tx, actor.tenantId, externalReferenceId);
  const shows = (await repo.loadTree(tx, actor.tenantId, [event.id])).shows;

  let targets: ShowRow[];
  if (showId !== undefined) {
    const show = shows.find((s) => s.show_id === showId);
    if (!show) throw new AppError('SHOW_NOT_FOUND', `event ${externalReferenceId} has no show ${showId}`, { field: 'showId' });
    targets = [show];
  } else if (shows.length > 1 && event.status !== 'CANCELLED') {
    const showIds = shows.map((s) => s.show_id);
    throw new AppError('SHOW_ID_REQUIRED', `event ${externalReferenceId} has ${shows.length} shows: cancel them one at a time with ?showId=`, {
      field: 'showId',
      details: { showIds },
    });
  } else {
    targets = shows;
  }

  const toCancel = targets.filter((s) => s.status === 'LIVE');
  const stillLive = shows.filter((s) => s.status === 'LIVE' && !toCancel.includes(s));
  const eventCancelled = event.status === 'LIVE' && stillLive.length === 0;
  if (toCancel.length === 0 && !eventCancelled) {
    const [view] = await loadViews(tx, actor.tenantId, [event]);
    return { event: view!, eventId: event.id, changed: false, cancelledShowIds: [], eventCancelled: false };
  }

  const now = deps.clock.now();
  // Every show this call cancels is checked before anything is written; the one audit row records the
  // event's own transition when it follows its last show, else the show's.
  for (const s of toCancel) transition(SHOW_STATES, `show ${s.show_id}`, s.status, 'CANCELLED');
  await repo.setShowsCancelled(tx, actor.tenantId, toCancel.map((s) => s.id), now);
  const updated = await repo.updateEvent(tx, actor.tenantId, event.id, {
    updated_at: now,
    ...(eventCancelled ? { status: 'CANCELLED' as const, cancelled_at: now } : {}),
  });
  const [view] = await loadViews(tx, actor.tenantId, [updated]);

  const cancelledShowIds = toCancel.map((s) => s.show_id);
  const show = toCancel[0];
  // After the write, because the webhook carries the cancelled event; a refused transition rolls it back.
  await recordTransition(
    tx,
    deps,
    {
      ...(eventCancelled || !show
        ? { machine: EVENT_STATES, entity: 'event', from: event.status, to: 'CANCELLED' as const }
        : { machine: SHOW_STATES, entity: `show ${show.show_id}`, from: show.status, to: 'CANCELLED' as const }),
      actor,
      audit: {
        action: showId !== undefined ? 'event.show_cancelled' : 'event.cancelled',
        entityType: 'event',
        entityId: event.id,
        before: { status: event.status, shows: toCancel.map((s) => ({ showId: s.show_id, status: s.status })) },
        after: { status: updated.status, shows: cancelledShowIds.map((id) => ({ showId: id, status: 'CANCELLED' })) },
      },
      webhooks: [{ family: 'event', action: 'cancelled', data: showId !== undefined ? { ...view!, showId } : view! }],
    },
    now,
  );
  return { event: view!, eventId: event.id, changed: true, cancelledShowIds: toCancel.map((s) => s.id), eventCancelled };
}
