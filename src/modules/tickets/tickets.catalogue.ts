import type { Executor } from '../../db/tx.js';
import { getEventForTenant, type EventRecord, type ShowRecord } from '../events/index.js';
import type { TicketIssue } from './tickets.validate.js';

/**
 * The events, shows, ticket options and price types a batch of tickets refers to, read once per
 * batch (one event load per distinct `externalReferenceEventId`, whatever the number of tickets)
 * and then looked up in memory for every ticket.
 */

export interface Resolved {
  event: EventRecord;
  show: ShowRecord;
}

interface ShowIndex {
  options: Set<string>;
  priceTypes: Set<string>;
}

export class Catalogue {
  private readonly showIndex = new Map<string, ShowIndex>();

  private constructor(private readonly events: Map<string, EventRecord | undefined>) {}

  /** Loads every event named by `refs` (duplicates are read once). */
  static async load(ex: Executor, tenantId: string, refs: Iterable<string>): Promise<Catalogue> {
    const events = new Map<string, EventRecord | undefined>();
    // One after the other: on a transaction they would queue on its single connection anyway.
    for (const ref of new Set(refs)) events.set(ref, await getEventForTenant(ex, tenantId, ref));
    return new Catalogue(events);
  }

  private index(show: ShowRecord): ShowIndex {
    let idx = this.showIndex.get(show.id);
    if (!idx) {
      idx = { options: new Set(show.ticketOptions.map((o) => o.ticketId)), priceTypes: new Set(show.priceTypes.map((p) => p.priceTypeId)) };
      this.showIndex.set(show.id, idx);
    }
    return idx;
  }

  /**
   * The event and show of a ticket, checked: the event exists and is live, the show is named when
   * the event has several, exists and is live, and the ticket option and price type are the show's.
   */
  resolve(ref: { externalReferenceEventId: string; showId?: string | null; ticketOptionId: string; priceTypeId?: string | null }): Resolved | TicketIssue {
    const event = this.events.get(ref.externalReferenceEventId);
    if (!event) {
      return { code: 'EVENT_NOT_FOUND', message: `event ${ref.externalReferenceEventId} does not exist`, field: 'externalReferenceEventId' };
    }
    if (event.status === 'CANCELLED') {
      return { code: 'EVENT_CANCELLED', message: `event ${event.externalReferenceId} is cancelled`, field: 'externalReferenceEventId' };
    }
    let show: ShowRecord | undefined;
    if (ref.showId != null) {
      show = event.shows.find((s) => s.showId === ref.showId);
      if (!show) return { code: 'SHOW_NOT_FOUND', message: `event ${event.externalReferenceId} has no show ${ref.showId}`, field: 'showId' };
    } else if (event.shows.length === 1) {
      show = event.shows[0]!;
    } else {
      const showIds = event.shows.map((s) => s.showId);
      return {
        code: 'SHOW_ID_REQUIRED',
        message: `event ${event.externalReferenceId} has ${showIds.length} shows; name one in showId (${showIds.join(', ')})`,
        field: 'showId',
        details: { showIds },
      };
    }
    if (show.status === 'CANCELLED') {
      return { code: 'SHOW_CANCELLED', message: `show ${show.showId} of event ${event.externalReferenceId} is cancelled`, field: 'showId' };
    }
    const idx = this.index(show);
    if (!idx.options.has(ref.ticketOptionId)) {
      return { code: 'UNKNOWN_REFERENCE', message: `ticketOptionId "${ref.ticketOptionId}" is not a ticket option of show ${show.showId}`, field: 'ticketOptionId' };
    }
    if (ref.priceTypeId != null && !idx.priceTypes.has(ref.priceTypeId)) {
      return { code: 'UNKNOWN_REFERENCE', message: `priceTypeId "${ref.priceTypeId}" is not a price type of show ${show.showId}`, field: 'priceTypeId' };
    }
    return { event, show };
  }
}

export function isIssue(value: Resolved | TicketIssue): value is TicketIssue {
  return 'code' in value;
}
