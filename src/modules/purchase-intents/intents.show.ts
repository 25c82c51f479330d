import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX } from '../../lib/ids.js';
import { findShow, type EventRecord, type ShowRecord } from '../events/index.js';
import type { IntentRow } from './intents.model.js';

/** The show a purchase intent is for, read from the events module (the one file here that does). */

/** `eventId` names one show (SPEC §7): an Encore show id, or a one-show event's externalReferenceId. */
export async function resolveShow(ex: Executor, tenantId: string, eventId: string): Promise<{ event: EventRecord; show: ShowRecord }> {
  let found: { event: EventRecord; show: ShowRecord } | undefined;
  try {
    found = eventId.startsWith(`${ID_PREFIX.show}_`)
      ? await findShow(ex, tenantId, { id: eventId })
      : await findShow(ex, tenantId, { externalReferenceId: eventId });
  } catch (err) {
    if (err instanceof AppError && err.code === 'SHOW_ID_REQUIRED') {
      const ids = (err.details?.ids as string[] | undefined) ?? [];
      throw new AppError('VALIDATION_ERROR', `event ${eventId} has ${ids.length} shows; name one by its id as eventId (${ids.join(', ')})`, {
        field: 'eventId',
        details: { showIds: ids },
      });
    }
    throw err;
  }
  if (!found) throw new AppError('UNKNOWN_REFERENCE', `no event or show ${eventId}`, { field: 'eventId' });
  if (found.event.status === 'CANCELLED' || found.show.status === 'CANCELLED') {
    throw new AppError('VALIDATION_ERROR', `event ${eventId} is cancelled`, { field: 'eventId' });
  }
  return found;
}

/** The show of an existing intent (its event and show as they are now). */
export async function showOf(tx: Tx, row: IntentRow): Promise<{ event: EventRecord; show: ShowRecord }> {
  const found = await findShow(tx, row.tenant_id, { id: row.show_pk });
  if (!found) throw new AppError('UNKNOWN_REFERENCE', `the show ${row.show_pk} of purchase intent ${row.id} no longer exists`, { field: 'eventId' });
  return found;
}
