import { pgErrorCode } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';

export function eventNotFound(externalReferenceId: string, field?: string): AppError {
  return new AppError('EVENT_NOT_FOUND', `event ${externalReferenceId} does not exist`, field ? { field } : {});
}

/**
 * The show `showId` names in an event, or its only show when none is named: unknown is 404
 * SHOW_NOT_FOUND, several shows and none named 400 SHOW_ID_REQUIRED (the show ids in details), both on
 * `field`. One rule for every endpoint that takes an event and an optional show.
 */
export function showOfEvent<S extends { showId: string }>(event: { externalReferenceId: string; shows: readonly S[] }, showId: string | null | undefined, field = 'showId'): S {
  if (showId !== undefined && showId !== null) {
    const show = event.shows.find((s) => s.showId === showId);
    if (!show) throw new AppError('SHOW_NOT_FOUND', `event ${event.externalReferenceId} has no show ${showId}`, { field });
    return show;
  }
  if (event.shows.length === 1) return event.shows[0]!;
  const showIds = event.shows.map((s) => s.showId);
  throw new AppError('SHOW_ID_REQUIRED', `event ${event.externalReferenceId} has ${showIds.length} shows; name one in ${field} (${showIds.join(', ')})`, { field, details: { showIds } });
}

export function eventCancelled(externalReferenceId: string): AppError {
  return new AppError('EVENT_CANCELLED', `event ${externalReferenceId} is cancelled and can no longer change`);
}

/**
 * What a lock timeout on an event means (db/locks.ts): another request is changing the same event
 * right now, a retryable condition for the client, not a server fault.
 */
export function eventBusy(): AppError {
  return new AppError('SERVICE_UNAVAILABLE', 'the event is being changed by another request; retry shortly');
}

/**
 * Tickets reference ticket options (and shows) with ON DELETE RESTRICT, so dropping one that already
 * sold surfaces as a foreign-key violation: the integrator must cancel it instead.
 */
export function foreignKeyToShowHasTickets(err: unknown, what: string, details: Record<string, unknown>): unknown {
  if (pgErrorCode(err) === '23503') {
    return new AppError('SHOW_HAS_TICKETS', `${what} already has tickets and cannot be removed by a PUT; cancel it instead`, { details });
  }
  return err;
}
