import type { Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { foreignKeyToShowHasTickets } from './events.errors.js';
import { eventsRepository as repo, type EventTree, type ShowRow } from './events.repository.js';
import type { EventInput, ShowInput } from './events.validate.js';
import type { RuleRow } from './rules.repository.js';
import { ScopeIndex } from './rules.scope.js';

export const EMPTY_TREE: EventTree = { shows: [], ticketOptions: [], priceTypes: [], combinations: [] };

const pairKey = (a: string, b: string) => JSON.stringify([a, b]);

/**
 * A show's status is not part of the catalogue a PUT replaces: it only moves through the
 * cancellation use case (which also cancels the tickets). So `status` may be omitted (keep), or
 * repeat the current value; asking a PUT to change it is refused.
 */
function checkRequestedStatus(show: ShowInput, existing: ShowRow | undefined, i: number): void {
  const field = `shows[${i}].status`;
  if (existing?.status === 'CANCELLED' && show.requestedStatus === 'LIVE') {
    throw new AppError('SHOW_CANCELLED', `show ${show.showId} is cancelled and cannot go live again`, { field });
  }
  if (existing?.status !== 'CANCELLED' && show.requestedStatus === 'CANCELLED') {
    throw new AppError(
      'INVALID_STATE_TRANSITION',
      `${field}: a show is cancelled with POST /v1/events/{externalReferenceId}/cancellation?showId=${show.showId}, not by ${existing ? 'updating' : 'creating'} it`,
      { field, details: { from: existing?.status ?? 'LIVE', to: 'CANCELLED' } },
    );
  }
}

/** The rows a catalogue is stored as, and the rows of the current one it drops. */
export interface PlannedTree {
  rows: EventTree;
  /** Show pks that exist already and stay (their combinations are rewritten). */
  keptShowPks: string[];
  droppedShows: ShowRow[];
  droppedOptions: EventTree['ticketOptions'];
  droppedTypes: EventTree['priceTypes'];
  showIdByPk: Map<string, string>;
}

/**
 * The stored rows of `input` for event `eventId`, given the `current` catalogue: shows are matched
 * by `showId` and keep their Encore id (and their status: see checkRequestedStatus); whatever the
 * input no longer names is listed as dropped. Pure: both the create (one statement) and the update
 * (upserts and deletes) write what this plans.
 */
export function planTree(tenantId: string, eventId: string, current: EventTree, input: EventInput, now: Date): PlannedTree {
  const currentByShowId = new Map(current.shows.map((s) => [s.show_id, s]));
  const shows: ShowRow[] = input.shows.map((s, i) => {
    const existing = currentByShowId.get(s.showId);
    checkRequestedStatus(s, existing, i);
    return {
      tenant_id: tenantId,
      id: existing?.id ?? newId(ID_PREFIX.show, now.getTime()),
      event_id: eventId,
      show_id: s.showId,
      position: i,
      title: s.title,
      description: s.description,
      date_text: s.dateText,
      starts_at: s.startsAt,
      end_date_text: s.endDateText,
      ends_at: s.endsAt,
      primary_sales_url: s.primarySalesUrl,
      images: s.images,
      status: existing?.status ?? ('LIVE' as const),
      cancelled_at: existing?.cancelled_at ?? null,
    };
  });
  const pkByShowId = new Map(shows.map((r) => [r.show_id, r.id]));
  const showIdByPk = new Map(current.shows.map((s) => [s.id, s.show_id]));
  const droppedShows = current.shows.filter((s) => !pkByShowId.has(s.show_id));
  const keptPks = new Set(current.shows.filter((s) => pkByShowId.has(s.show_id)).map((s) => s.id));
  const wantedOptions = new Set(input.shows.flatMap((s) => s.ticketOptions.map((o) => pairKey(pkByShowId.get(s.showId)!, o.ticketId))));
  const wantedTypes = new Set(input.shows.flatMap((s) => s.priceTypes.map((p) => pairKey(pkByShowId.get(s.showId)!, p.priceTypeId))));
  const ticketOptions = input.shows.flatMap((s) =>
    s.ticketOptions.map((o, j) => ({
      tenant_id: tenantId,
      show_pk: pkByShowId.get(s.showId)!,
      ticket_option_id: o.ticketId,
      position: j,
      title: o.title,
      description: o.description,
      price_minor: o.priceMinor,
      currency: input.currency,
      capacity: o.capacity,
      zone_id: o.zoneId,
    })),
  );
  const priceTypes = input.shows.flatMap((s) =>
    s.priceTypes.map((p, j) => ({
      tenant_id: tenantId,
      show_pk: pkByShowId.get(s.showId)!,
      price_type_id: p.priceTypeId,
      position: j,
      title: p.title,
      price_minor: p.priceMinor,
    })),
  );
  const combinations = input.shows.flatMap((s) =>
    s.combinations.map((c) => ({
      tenant_id: tenantId,
      show_pk: pkByShowId.get(s.showId)!,
      ticket_option_id: c.ticketOptionId,
      price_type_id: c.priceTypeId,
      price_minor: c.priceMinor,
    })),
  );
  return {
    rows: inReadOrder({ shows, ticketOptions, priceTypes, combinations }),
    keptShowPks: [...keptPks],
    droppedShows,
    droppedOptions: current.ticketOptions.filter((o) => keptPks.has(o.show_pk) && !wantedOptions.has(pairKey(o.show_pk, o.ticket_option_id))),
    droppedTypes: current.priceTypes.filter((p) => keptPks.has(p.show_pk) && !wantedTypes.has(pairKey(p.show_pk, p.price_type_id))),
    showIdByPk,
  };
}

/**
 * Makes the stored shows, ticket options, price types and combinations of `eventId` equal `input`
 * (planTree). Whatever the input no longer names is deleted, which the database refuses
 * (→ SHOW_HAS_TICKETS) once tickets reference it. Returns the stored tree as written (RETURNING),
 * so callers build the response without reading it back.
 */
export async function writeTree(
  tx: Tx,
  tenantId: string,
  eventId: string,
  current: EventTree,
  input: EventInput,
  now: Date,
): Promise<EventTree> {
  const plan = planTree(tenantId, eventId, current, input, now);
  const { showIdByPk } = plan;
  try {
    await repo.deleteShows(tx, tenantId, plan.droppedShows.map((s) => s.id));
  } catch (err) {
    const showIds = plan.droppedShows.map((s) => s.show_id);
    throw foreignKeyToShowHasTickets(err, `show ${showIds.join(', ')}`, { showIds });
  }
  try {
    await repo.deleteTicketOptions(tx, tenantId, plan.droppedOptions.map((o) => ({ showPk: o.show_pk, id: o.ticket_option_id })));
  } catch (err) {
    const ticketOptions = plan.droppedOptions.map((o) => ({ showId: showIdByPk.get(o.show_pk), ticketOptionId: o.ticket_option_id }));
    throw foreignKeyToShowHasTickets(err, `a ticket option this PUT drops (${ticketOptions.map((t) => t.ticketOptionId).join(', ')})`, { ticketOptions });
  }
  try {
    await repo.deletePriceTypes(tx, tenantId, plan.droppedTypes.map((p) => ({ showPk: p.show_pk, id: p.price_type_id })));
  } catch (err) {
    const priceTypes = plan.droppedTypes.map((p) => ({ showId: showIdByPk.get(p.show_pk), priceTypeId: p.price_type_id }));
    throw foreignKeyToShowHasTickets(err, `a price type this PUT drops (${priceTypes.map((t) => t.priceTypeId).join(', ')})`, { priceTypes });
  }
  const { rows } = plan;
  const shows = await repo.upsertShows(tx, rows.shows.map((s) => ({ ...s, images: JSON.stringify(s.images) })));
  const ticketOptions = await repo.upsertTicketOptions(tx, rows.ticketOptions);
  const priceTypes = await repo.upsertPriceTypes(tx, rows.priceTypes);
  const combinations = await repo.replaceCombinations(tx, tenantId, plan.keptShowPks, rows.combinations);
  return inReadOrder({ shows, ticketOptions, priceTypes, combinations });
}

/** The order loadTree reads a catalogue in, so a write's response equals a later GET (RETURNING order is not guaranteed). */
function inReadOrder(tree: EventTree): EventTree {
  tree.shows.sort((a, b) => a.position - b.position);
  tree.ticketOptions.sort((a, b) => a.position - b.position);
  tree.priceTypes.sort((a, b) => a.position - b.position);
  tree.combinations.sort((a, b) => cmp(a.ticket_option_id, b.ticket_option_id) || cmp(a.price_type_id, b.price_type_id));
  return tree;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Rules whose scope names a show, ticket option or price type the new catalogue no longer has.
 * They are deleted with the catalogue entry rather than left to match a later, unrelated entry
 * that happens to reuse the id.
 */
export function danglingRuleIds(rules: readonly RuleRow[], input: EventInput): string[] {
  const index = new ScopeIndex(
    input.shows.map((s) => ({ showId: s.showId, ticketIds: s.ticketOptions.map((o) => o.ticketId), priceTypeIds: s.priceTypes.map((p) => p.priceTypeId) })),
  );
  return rules
    .filter((r) => index.unresolved({ showId: r.show_id, ticketOptionId: r.ticket_option_id, priceTypeId: r.price_type_id }) !== undefined)
    .map((r) => r.id);
}
