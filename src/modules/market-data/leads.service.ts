import type { Deps } from '../../app/deps.js';
import { pgErrorCode, withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMajor, toMinor } from '../../lib/money.js';
import { schemaChecker, stringIssue, type ItemIssue } from '../../lib/schema-check.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { eventNotFound, getEventForTenant, showOfEvent, type EventRecord, type ShowRecord } from '../events/index.js';
import { leadsRepository as repo, type LeadRow } from './leads.repository.js';
import { LeadBody, type LeadView } from './leads.schemas.js';
import type { LeadsTable, LeadType } from './leads.tables.js';
import type { Insertable } from 'kysely';

/**
 * Ticket leads (SPEC §6): fans of a show the integrator reports. A lead is upserted on (buyer
 * identifier, show): any one of the fan's lower-cased email, E.164 phone or buyer id finds it, and
 * what is sent overwrites what is stored (fields left out are kept). A change of type is kept in the
 * lead's history. Identifiers are unique per show, so a race of two creates of one fan ends in one
 * lead (the loser retries as an update).
 */

export type LeadOutcome = { status: 'created' | 'updated'; lead: LeadView };

const E164 = /^\+[1-9]\d{6,14}$/;

/** `+34 600-11 (12) 22` → `+3460011122`; anything that is not E.164 then is a 400 on `buyer.phone`. */
function normalizePhone(raw: string): string {
  const phone = raw.replace(/[\s\-().]/g, '');
  if (!E164.test(phone)) throw new AppError('VALIDATION_ERROR', `buyer.phone must be an E.164 number such as +34600111222 (got ${JSON.stringify(raw)})`, { field: 'buyer.phone' });
  return phone;
}

function identifiersOf(body: LeadBody): { email: string | null; phone: string | null; buyerRef: string | null } {
  const ids = {
    email: body.buyer.email ? body.buyer.email.toLowerCase() : null,
    phone: body.buyer.phone ? normalizePhone(body.buyer.phone) : null,
    buyerRef: body.buyer.id ?? null,
  };
  if (ids.email === null && ids.phone === null && ids.buyerRef === null) {
    throw new AppError('VALIDATION_ERROR', 'buyer needs at least one of email, phone or id', { field: 'buyer' });
  }
  return ids;
}

/** The type's own requirements, and ids that must exist on the show. */
function checkAgainstShow(body: LeadBody, show: ShowRecord): void {
  if (body.type === 'TICKET_HOLDER') {
    if (!body.ticketId) throw new AppError('VALIDATION_ERROR', 'ticketId is required for a TICKET_HOLDER lead', { field: 'ticketId' });
    if (body.price === undefined || body.price === null) throw new AppError('VALIDATION_ERROR', 'price is required for a TICKET_HOLDER lead', { field: 'price' });
  }
  if (body.ticketOptionId && !show.ticketOptions.some((o) => o.ticketId === body.ticketOptionId)) {
    throw new AppError('VALIDATION_ERROR', `ticketOptionId: show ${show.showId} has no ticket option ${body.ticketOptionId}`, { field: 'ticketOptionId' });
  }
  if (body.priceTypeId && !show.priceTypes.some((p) => p.priceTypeId === body.priceTypeId)) {
    throw new AppError('VALIDATION_ERROR', `priceTypeId: show ${show.showId} has no price type ${body.priceTypeId}`, { field: 'priceTypeId' });
  }
}

export function leadView(row: LeadRow): LeadView {
  const currency = row.currency;
  return {
    id: row.id,
    type: row.type,
    externalReferenceEventId: row.event_ref,
    showId: row.show_ref,
    ticketId: row.ticket_id,
    ticketOptionId: row.ticket_option_id,
    priceTypeId: row.price_type_id,
    buyer: { ...row.buyer, email: row.email, phone: row.phone, id: row.buyer_ref },
    price: row.price_minor === null || currency === null ? null : toMajor(row.price_minor, currency),
    currency,
    date: row.lead_date?.toISOString() ?? null,
    seating: row.seating,
    metadata: row.metadata,
    tags: row.tags,
    attributes: row.attributes,
    history: row.history,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

type LeadFields = Partial<Pick<Insertable<LeadsTable>, 'ticket_id' | 'ticket_option_id' | 'price_type_id' | 'price_minor' | 'currency' | 'lead_date' | 'seating' | 'metadata' | 'tags' | 'attributes'>>;

/** The columns a body sets (left-out fields are absent, so an update keeps them), and the buyer's names. */
function fieldsOf(body: LeadBody, event: EventRecord): { fields: LeadFields; buyerNames: Record<string, string> | undefined } {
  const currency = (body.currency ?? event.currency).toUpperCase();
  const date = body.date ?? body.purchaseDate;
  const priced = body.price !== undefined && body.price !== null;
  const fields: LeadFields = {};
  if (body.ticketId) fields.ticket_id = body.ticketId;
  if (body.ticketOptionId) fields.ticket_option_id = body.ticketOptionId;
  if (body.priceTypeId) fields.price_type_id = body.priceTypeId;
  if (priced) fields.price_minor = toMinor(body.price!, currency, 'price');
  if (priced || body.currency) fields.currency = currency;
  if (date) fields.lead_date = new Date(date);
  if (body.seating) fields.seating = JSON.stringify(body.seating);
  if (body.metadata) fields.metadata = JSON.stringify(body.metadata);
  if (body.tags) fields.tags = body.tags;
  if (body.attributes) fields.attributes = body.attributes;
  const names = Object.fromEntries(Object.entries({ firstName: body.buyer.firstName, lastName: body.buyer.lastName, name: body.buyer.name }).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { fields, buyerNames: Object.keys(names).length > 0 ? names : undefined };
}

async function upsertInTx(tx: Tx, actor: Actor, body: LeadBody, now: Date): Promise<LeadOutcome> {
  const ids = identifiersOf(body);
  const event = await getEventForTenant(tx, actor.tenantId, body.externalReferenceEventId);
  if (!event) throw eventNotFound(body.externalReferenceEventId, 'externalReferenceEventId');
  const show = showOfEvent(event, body.showId);
  checkAgainstShow(body, show);
  const { fields, buyerNames } = fieldsOf(body, event);
  const found = await repo.lockByIdentifiers(tx, actor.tenantId, show.id, ids);
  if (found.length === 0) {
    const row = await repo.insert(tx, {
      tenant_id: actor.tenantId,
      id: newId(ID_PREFIX.lead, now.getTime()),
      event_id: event.id,
      show_pk: show.id,
      event_ref: event.externalReferenceId,
      show_ref: show.showId,
      type: body.type,
      email: ids.email,
      phone: ids.phone,
      buyer_ref: ids.buyerRef,
      buyer: JSON.stringify(buyerNames ?? {}),
      history: JSON.stringify([{ type: body.type, from: null, at: now.toISOString() }]),
      created_at: now,
      updated_at: now,
      ...fields,
    });
    await recordAudit(tx, actor, { action: 'lead.created', entityType: 'lead', entityId: row.id, after: { type: row.type, showId: show.showId } }, now);
    return { status: 'created', lead: leadView(row) };
  }
  // The oldest lead any identifier names is the fan's; an identifier another lead of the show holds stays there.
  const lead = found[0]!;
  const heldElsewhere = (column: 'email' | 'phone' | 'buyer_ref', value: string | null) => value !== null && found.some((f) => f !== lead && f[column] === value);
  const history = lead.type === body.type ? lead.history : [...lead.history, { type: body.type, from: lead.type, at: now.toISOString() }];
  const row = await repo.update(tx, actor.tenantId, lead.id, {
    type: body.type,
    ...(ids.email !== null && !heldElsewhere('email', ids.email) ? { email: ids.email } : {}),
    ...(ids.phone !== null && !heldElsewhere('phone', ids.phone) ? { phone: ids.phone } : {}),
    ...(ids.buyerRef !== null && !heldElsewhere('buyer_ref', ids.buyerRef) ? { buyer_ref: ids.buyerRef } : {}),
    ...(buyerNames ? { buyer: JSON.stringify({ ...lead.buyer, ...buyerNames }) } : {}),
    history: JSON.stringify(history),
    updated_at: now,
    ...fields,
  });
  await recordAudit(tx, actor, { action: 'lead.updated', entityType: 'lead', entityId: row.id, before: { type: lead.type }, after: { type: row.type } }, now);
  return { status: 'updated', lead: leadView(row) };
}

/** One lead, in its own transaction; a lost race on a new fan's identifier is retried as the update it is. */
export async function upsertLead(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, body: LeadBody): Promise<LeadOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTx(deps.db, (tx) => upsertInTx(tx, actor, body, deps.clock.now()));
    } catch (err) {
      if (pgErrorCode(err) !== '23505' || attempt >= 3) throw err;
    }
  }
}

const checkLead = schemaChecker(LeadBody, 'lead', { stripUnknown: true });

export type BulkResult = { index: number; status: 'created' | 'updated' | 'error'; errors: ItemIssue[] | null; lead: LeadView | null };

/** POST …/users/bulk: at most 1,000 leads, each validated and stored alone, answered per lead. */
export async function upsertLeads(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, items: readonly unknown[]): Promise<BulkResult[]> {
  if (items.length > 1000) throw new AppError('VALIDATION_ERROR', `at most 1000 leads per request (got ${items.length})`, { field: 'body' });
  const results: BulkResult[] = [];
  for (const [index, item] of items.entries()) {
    const issue = checkLead(item) ?? stringIssue(item);
    if (issue) {
      results.push({ index, status: 'error', errors: [issue], lead: null });
      continue;
    }
    try {
      const { status, lead } = await upsertLead(deps, actor, item as LeadBody);
      results.push({ index, status, errors: null, lead });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ index, status: 'error', errors: [{ code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }], lead: null });
    }
  }
  return results;
}

export async function listLeads(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  q: { externalReferenceEventId?: string | undefined; showId?: string | undefined; type?: LeadType | undefined; limit: number; offset: number },
): Promise<{ items: LeadView[]; total: number; limit: number; offset: number }> {
  let eventId: string | undefined;
  let showPk: string | undefined;
  if (q.externalReferenceEventId !== undefined) {
    const event = await getEventForTenant(deps.db, tenantId, q.externalReferenceEventId);
    if (!event) throw eventNotFound(q.externalReferenceEventId, 'externalReferenceEventId');
    eventId = event.id;
    if (q.showId !== undefined) showPk = showOfEvent(event, q.showId).id;
  } else if (q.showId !== undefined) {
    throw new AppError('VALIDATION_ERROR', 'showId needs externalReferenceEventId', { field: 'showId' });
  }
  const { rows, total } = await repo.list(deps.db, { tenantId, ...(eventId ? { eventId } : {}), ...(showPk ? { showPk } : {}), ...(q.type ? { type: q.type } : {}), limit: q.limit, offset: q.offset });
  return { items: rows.map(leadView), total, limit: q.limit, offset: q.offset };
}

/**
 * DELETE …/users/:id, in the caller's transaction: the lead is gone (its alerts with it) and its
 * audit row keeps no personal data. Answers the mails it was sent, which the caller erases too.
 */
export async function eraseLeadInTx(tx: Tx, actor: Actor, id: string, now: Date): Promise<{ mailIds: string[] }> {
  const mailIds = await repo.alertMailIds(tx, actor.tenantId, id);
  const removed = await repo.remove(tx, actor.tenantId, id);
  if (!removed) throw new AppError('LEAD_NOT_FOUND', `lead ${id} does not exist`, { field: 'id' });
  await recordAudit(tx, actor, { action: 'lead.erased', entityType: 'lead', entityId: id, after: { mails: mailIds.length } }, now);
  return { mailIds };
}

/** How many fans wish for each ticket option of these shows: those naming the option plus those naming none. */
export async function wishlistDemand(ex: Executor, tenantId: string, showPks: readonly string[]): Promise<(showPk: string, ticketOptionId: string) => number> {
  const rows = await repo.wishlistCounts(ex, tenantId, showPks);
  const count = (showPk: string, option: string) => Number(rows.find((r) => r.show_pk === showPk && r.ticket_option_id === option)?.n ?? 0);
  return (showPk, ticketOptionId) => count(showPk, ticketOptionId) + count(showPk, '');
}

/**
 * Whether a fan asked for tickets of the show (a WISHLIST lead naming one of these ticket options,
 * or the whole show) at or after `since`, created or sent again: someone is waiting for them (the
 * checkout's hold extension, ADR 0017).
 */
export async function wishlistWaitingSince(ex: Executor, tenantId: string, showPk: string, ticketOptionIds: readonly string[], since: Date): Promise<boolean> {
  return repo.wishlistSince(ex, tenantId, showPk, ticketOptionIds, since);
}

/** The most leads one listing alerts: the first in creation order, the fans who asked first. */
export const WISHLIST_ALERTS_PER_LISTING = 50;

export interface ListingOnSale {
  listingId: string;
  externalReferenceEventId: string;
  showId: string;
  ticketOptionId: string;
  priceTypeId: string | null;
  currency: string;
  /** What one ticket costs the buyer (price + buyer fee), major units. */
  total: number;
}

/** The wishlist leads to alert of a listing (not alerted of it yet), oldest first. */
/**
 * A fan is alerted at most once an hour per show: the next listing within the hour goes to the next
 * fans waiting instead of mailing the first ones again (200 listings of a sold-out show would
 * otherwise send the first 50 fans 200 mails each, and the others none).
 */
export const WISHLIST_QUIET_MS = 60 * 60 * 1000;

export async function wishlistLeadsFor(ex: Executor, tenantId: string, listing: ListingOnSale, now: Date): Promise<LeadRow[]> {
  return repo.wishlistMatches(ex, {
    tenantId,
    eventRef: listing.externalReferenceEventId,
    showRef: listing.showId,
    ticketOptionId: listing.ticketOptionId,
    priceTypeId: listing.priceTypeId,
    currency: listing.currency,
    totalMinor: toMinor(listing.total, listing.currency, 'total'),
    listingId: listing.listingId,
    limit: WISHLIST_ALERTS_PER_LISTING,
    quietSince: new Date(now.getTime() - WISHLIST_QUIET_MS),
  });
}

/** Marks the lead alerted of the listing; false when another transaction alerted it first. */
export async function markLeadAlerted(tx: Tx, tenantId: string, leadId: string, listingId: string, mailId: string, now: Date): Promise<boolean> {
  return repo.recordAlert(tx, { tenant_id: tenantId, lead_id: leadId, listing_id: listingId, mail_id: mailId, created_at: now });
}
