import type { EventBody, EventPutBody, EventView, ShowBody } from './events.schemas.js';

/**
 * The body a PUT stands for (SPEC §2): each top-level member it carries replaces the stored one as a
 * whole (`shows` the whole list, `location` the whole object, `null` clears `producers` or
 * `seating`), and each member it omits keeps its stored value. The result is checked and written
 * exactly like a full body, so a member sent alone is still checked against the ones kept (a new
 * `seating` against the stored ticket options, new `shows` against the stored seating).
 */
export function mergePut(current: EventView, put: EventPutBody): EventBody {
  return {
    externalReferenceId: current.externalReferenceId,
    title: put.title ?? current.title,
    description: put.description ?? current.description,
    shows: put.shows ?? current.shows.map(showAsBody),
    location: put.location ?? current.location,
    // The currency is fixed at creation: a configuration sent without one keeps it.
    configuration: put.configuration ?? current.configuration,
    producers: put.producers === undefined ? current.producers : put.producers,
    seating: put.seating === undefined ? current.seating : put.seating,
  };
}

/** A stored show as the body that would store it again; its status is left out (a PUT keeps it). */
function showAsBody(show: EventView['shows'][number]): ShowBody {
  return {
    showId: show.showId,
    title: show.title,
    description: show.description,
    date: show.date,
    endDate: show.endDate,
    primarySalesUrl: show.primarySalesUrl,
    images: show.images,
    ticketOptions: show.ticketOptions,
    priceTypes: show.priceTypes,
    combinations: show.combinations,
  };
}
