import type { Deps } from '../../app/deps.js';
import { withTx, type Executor } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { eventNotFound, getEventForTenant, showOfEvent, type EventRecord, type ShowRecord } from '../events/index.js';
import { inventoryRepository as repo, type InventoryNumbers, type InventoryRow } from './inventory.repository.js';

/**
 * Inventory as the integrator reports it (SPEC §6): per show (`PUT …/inventory`) and per show,
 * ticket option and price type (`PUT …/inventory/details`). Every number is optional and a field left
 * out (or null) keeps its stored value. Negative numbers and a percentage outside 0–100 are refused by
 * the route schema; released tickets or reserved space above the capacity (as stored after the
 * change) are refused here, naming the field, and nothing is written.
 */

export interface InventoryInput {
  capacity?: number | null | undefined;
  releasedTickets?: number | null | undefined;
  reservedSpace?: number | null | undefined;
  soldOut?: boolean | null | undefined;
  soldPercentage?: number | null | undefined;
}

export interface InventoryDetailInput extends InventoryInput {
  showId?: string | null | undefined;
  ticketOptionId?: string | null | undefined;
  priceTypeId?: string | null | undefined;
}

export interface InventoryView {
  showId: string;
  ticketOptionId: string | null;
  priceTypeId: string | null;
  capacity: number | null;
  releasedTickets: number | null;
  reservedSpace: number | null;
  soldOut: boolean | null;
  soldPercentage: number | null;
  updatedAt: string;
}

function numbersOf(input: InventoryInput): InventoryNumbers {
  return {
    capacity: input.capacity ?? null,
    released_tickets: input.releasedTickets ?? null,
    reserved_space: input.reservedSpace ?? null,
    sold_out: input.soldOut ?? null,
    sold_percentage: input.soldPercentage ?? null,
  };
}

function viewOf(row: InventoryRow, show: ShowRecord): InventoryView {
  return {
    showId: show.showId,
    ticketOptionId: row.ticket_option_id === '' ? null : row.ticket_option_id,
    priceTypeId: row.price_type_id === '' ? null : row.price_type_id,
    capacity: row.capacity,
    releasedTickets: row.released_tickets,
    reservedSpace: row.reserved_space,
    soldOut: row.sold_out,
    soldPercentage: row.sold_percentage,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Released and reserved places cannot exceed the capacity they belong to. */
function checkWithinCapacity(row: InventoryRow, prefix: string): void {
  if (row.capacity === null) return;
  for (const [value, name] of [[row.released_tickets, 'releasedTickets'], [row.reserved_space, 'reservedSpace']] as const) {
    if (value !== null && value > row.capacity) {
      throw new AppError('VALIDATION_ERROR', `${prefix}${name} (${value}) is above the capacity (${row.capacity})`, { field: `${prefix}${name}`, details: { [name]: value, capacity: row.capacity } });
    }
  }
}

async function eventOf(ex: Executor, tenantId: string, externalReferenceId: string): Promise<EventRecord> {
  const event = await getEventForTenant(ex, tenantId, externalReferenceId);
  if (!event) throw eventNotFound(externalReferenceId, 'externalReferenceId');
  return event;
}

/** PUT /v1/marketdata/events/:externalReferenceId/inventory[?showId=]: the show's own numbers. */
export async function updateShowInventory(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  externalReferenceId: string,
  showId: string | undefined,
  input: InventoryInput,
): Promise<{ externalReferenceId: string } & InventoryView> {
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const event = await eventOf(tx, actor.tenantId, externalReferenceId);
    const show = showOfEvent(event, showId, 'showId');
    const row = await repo.upsert(tx, { tenantId: actor.tenantId, showPk: show.id, ticketOptionId: '', priceTypeId: '' }, numbersOf(input), now);
    checkWithinCapacity(row, '');
    const view = viewOf(row, show);
    await recordAudit(tx, actor, { action: 'inventory.updated', entityType: 'event', entityId: event.id, after: view }, now);
    return { externalReferenceId: event.externalReferenceId, ...view };
  });
}

/** PUT …/inventory/details: each item upserted per (show, ticket option, price type), all or none. */
export async function updateInventoryDetails(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  externalReferenceId: string,
  items: readonly InventoryDetailInput[],
): Promise<{ externalReferenceId: string; items: InventoryView[] }> {
  if (items.length === 0) throw new AppError('VALIDATION_ERROR', 'items must name at least one show, ticket option or price type', { field: 'items' });
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const event = await eventOf(tx, actor.tenantId, externalReferenceId);
    const seen = new Set<string>();
    const views: InventoryView[] = [];
    for (const [i, item] of items.entries()) {
      const at = `items[${i}].`;
      const show = showOfEvent(event, item.showId, `${at}showId`);
      const ticketOptionId = item.ticketOptionId ?? '';
      const priceTypeId = item.priceTypeId ?? '';
      if (ticketOptionId !== '' && !show.ticketOptions.some((o) => o.ticketId === ticketOptionId)) {
        throw new AppError('VALIDATION_ERROR', `${at}ticketOptionId: show ${show.showId} has no ticket option ${ticketOptionId}`, { field: `${at}ticketOptionId` });
      }
      if (priceTypeId !== '' && !show.priceTypes.some((p) => p.priceTypeId === priceTypeId)) {
        throw new AppError('VALIDATION_ERROR', `${at}priceTypeId: show ${show.showId} has no price type ${priceTypeId}`, { field: `${at}priceTypeId` });
      }
      const key = JSON.stringify([show.id, ticketOptionId, priceTypeId]);
      if (seen.has(key)) throw new AppError('VALIDATION_ERROR', `items[${i}] names the same show, ticket option and price type as an earlier item`, { field: `items[${i}]` });
      seen.add(key);
      const row = await repo.upsert(tx, { tenantId: actor.tenantId, showPk: show.id, ticketOptionId, priceTypeId }, numbersOf(item), now);
      checkWithinCapacity(row, at);
      views.push(viewOf(row, show));
    }
    await recordAudit(tx, actor, { action: 'inventory.details_updated', entityType: 'event', entityId: event.id, after: { items: views } }, now);
    return { externalReferenceId: event.externalReferenceId, items: views };
  });
}

/** GET …/inventory[?showId=] (extension): what is stored, per show, with its details. */
export async function getInventory(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  externalReferenceId: string,
  showId: string | undefined,
): Promise<{ externalReferenceId: string; shows: { showId: string; inventory: InventoryView | null; details: InventoryView[] }[] }> {
  const event = await eventOf(deps.db, tenantId, externalReferenceId);
  const shows = showId === undefined ? event.shows : [showOfEvent(event, showId, 'showId')];
  const rows = await repo.ofShows(deps.db, tenantId, shows.map((s) => s.id));
  return {
    externalReferenceId: event.externalReferenceId,
    shows: shows.map((show) => {
      const own = rows.filter((r) => r.show_pk === show.id);
      const whole = own.find((r) => r.ticket_option_id === '' && r.price_type_id === '');
      return { showId: show.showId, inventory: whole ? viewOf(whole, show) : null, details: own.filter((r) => r !== whole).map((r) => viewOf(r, show)) };
    }),
  };
}

/** The capacity the integrator reported for a ticket option of a show, if any (purchase intents check against it). */
export async function reportedOptionCapacity(ex: Executor, tenantId: string, showPk: string, ticketOptionId: string): Promise<number | null> {
  return repo.optionCapacity(ex, tenantId, showPk, ticketOptionId);
}

/** The show-level inventory of these shows (sold out, sold percentage …), by show pk; one read. */
export async function showInventories(ex: Executor, tenantId: string, showPks: readonly string[]): Promise<Map<string, { soldOut: boolean | null; soldPercentage: number | null }>> {
  const rows = await repo.ofShows(ex, tenantId, showPks);
  return new Map(rows.filter((r) => r.ticket_option_id === '' && r.price_type_id === '').map((r) => [r.show_pk, { soldOut: r.sold_out, soldPercentage: r.sold_percentage }]));
}
