import type { Deps } from '../../app/deps.js';
import { setLockTimeout, withLockTimeout } from '../../db/locks.js';
import { pgConstraint, pgErrorCode, withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { getTenant } from '../tenants/index.js';
import { emitWebhook, emitWebhooks, recordTransition, type WebhookMessage } from '../webhooks/index.js';
import { readCatalogues, type CatalogueFilter } from './catalogue.repository.js';
import { eventBusy, eventCancelled, eventNotFound } from './events.errors.js';
import { toEventRecords, toEventViews, type EventRecord, type ShowRecord } from './events.mappers.js';
import { eventsRepository as repo, type EventRow } from './events.repository.js';
import { mergePut } from './events.put.js';
import type { EventBody, EventPutBody, EventView } from './events.schemas.js';
import { EVENT_STATES } from './events.states.js';
import { EMPTY_TREE, danglingRuleIds, planTree, writeTree } from './events.tree.js';
import { currencyForNewEvent, normalizeEvent, resolveCurrency } from './events.validate.js';
import { rulesRepository } from './rules.repository.js';

export type EventDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

/** The UNIQUE (tenant_id, external_reference_id) of the events table: the backstop for concurrent creates. */
const EVENT_REF_UNIQUE = 'events_tenant_id_external_reference_id_key';

/** Views of several events (given) with their catalogues read in one statement. */
export async function loadViews(ex: Executor, tenantId: string, events: EventRow[]): Promise<EventView[]> {
  const { tree, rules } = await readCatalogues(ex, tenantId, { ids: events.map((e) => e.id) });
  return toEventViews(events, tree, rules);
}

/**
 * Locks events for the rest of the transaction, in id order. Every use case that changes an event's
 * catalogue, status or rules takes this lock first, so concurrent PUTs, cancellations and rule
 * upserts on one event run one after the other.
 */
export async function lockEvents(tx: Tx, tenantId: string, externalReferenceIds: string[]): Promise<EventRow[]> {
  return withLockTimeout(async () => {
    await setLockTimeout(tx);
    return repo.lockEventsByRefs(tx, tenantId, [...new Set(externalReferenceIds)]);
  }, eventBusy);
}

export async function lockEvent(tx: Tx, tenantId: string, externalReferenceId: string): Promise<EventRow> {
  const [row] = await lockEvents(tx, tenantId, [externalReferenceId]);
  if (!row) throw eventNotFound(externalReferenceId);
  return row;
}

/** What the audit keeps of a created event: its identity and catalogue keys, not a copy of the event. */
function createdSummary(view: EventView) {
  return {
    externalReferenceId: view.externalReferenceId,
    title: view.title,
    shows: view.shows.map((s) => ({ id: s.id, showId: s.showId, ticketOptionIds: s.ticketOptions.map((o) => o.ticketId) })),
  };
}

export async function createEvent(deps: EventDeps, actor: Actor, body: EventBody): Promise<EventView> {
  const currency = await currencyForNewEvent(body, async () => (await getTenant(deps, actor.tenantId))?.default_currency ?? 'EUR');
  const input = normalizeEvent(body, currency);
  const exists = () => new AppError('EVENT_EXISTS', `event ${body.externalReferenceId} already exists; use PUT /v1/events to change it`, { field: 'externalReferenceId' });
  try {
    // No existence check first: the unique index refuses a duplicate id (caught below), which
    // saves a round trip on every create.
    return await withTx(deps.db, async (tx) => {
      const now = deps.clock.now();
      const id = newId(ID_PREFIX.event, now.getTime());
      const { rows: tree } = planTree(actor.tenantId, id, EMPTY_TREE, input, now);
      const row = await repo.insertEventWithTree(
        tx,
        {
          tenant_id: actor.tenantId,
          id,
          external_reference_id: input.externalReferenceId,
          title: input.title,
          description: input.description,
          currency: input.currency,
          location: input.location,
          configuration: input.configuration,
          producers: input.producers,
          seating: input.seating,
          status: 'LIVE',
          cancelled_at: null,
          created_at: now,
          updated_at: now,
        },
        tree,
      );
      const view = toEventViews([row], tree, [])[0]!;
      // The audit row names what was created; the event itself is in its tables and in the webhook.
      await recordAudit(tx, actor, { action: 'event.created', entityType: 'event', entityId: row.id, after: createdSummary(view) }, now);
      await emitWebhook(tx, deps, actor.tenantId, { family: 'event', action: 'created', data: view });
      return view;
    });
  } catch (err) {
    // Two creates of one id raced past the existence check; the unique index let one through.
    if (pgErrorCode(err) === '23505' && pgConstraint(err) === EVENT_REF_UNIQUE) throw exists();
    throw err;
  }
}

/**
 * PUT replaces each top-level member it carries and keeps the ones it omits (SPEC §2; see mergePut):
 * the reference recommends, but does not require, sending the whole object, and a client that sends
 * only `shows` must not lose the location. `null` clears `producers` or `seating`. Two things are
 * not replaced: the currency (prices of issued tickets, listings and rules are stored in it, so it is
 * fixed at creation) and show status (see writeTree).
 */
export async function replaceEvent(deps: EventDeps, actor: Actor, body: EventPutBody): Promise<EventView> {
  return withTx(deps.db, async (tx) => {
    const before = await lockEvent(tx, actor.tenantId, body.externalReferenceId);
    if (before.status === 'CANCELLED') throw eventCancelled(before.external_reference_id);
    const currency = resolveCurrency(body.configuration?.currency, before.currency);
    if (currency !== before.currency) {
      throw new AppError('INVALID_CURRENCY', `the event currency is ${before.currency} and cannot change once the event exists`, {
        field: 'configuration.currency',
      });
    }
    const { tree, rules } = await readCatalogues(tx, actor.tenantId, { ids: [before.id] });
    const beforeView = toEventViews([before], tree, rules)[0]!;
    const input = normalizeEvent(mergePut(beforeView, body), currency);

    const now = deps.clock.now();
    const written = await writeTree(tx, actor.tenantId, before.id, tree, input, now);
    const dropped = danglingRuleIds(rules, input);
    await rulesRepository.deleteRules(tx, actor.tenantId, dropped);
    // A PUT that drops every live show leaves only cancelled ones: the event is then cancelled too
    // (an event is CANCELLED exactly when all its shows are).
    const nowCancelled = written.shows.every((s) => s.status === 'CANCELLED');
    const updated = await repo.updateEvent(tx, actor.tenantId, before.id, {
      title: input.title,
      description: input.description,
      location: JSON.stringify(input.location),
      configuration: JSON.stringify(input.configuration),
      producers: JSON.stringify(input.producers),
      seating: input.seating === null ? null : JSON.stringify(input.seating),
      updated_at: now,
      ...(nowCancelled ? { status: 'CANCELLED' as const, cancelled_at: now } : {}),
    });
    const keptRules = rules.filter((r) => !dropped.includes(r.id));
    const view = toEventViews([updated], written, keptRules)[0]!;
    const audit = { action: 'event.updated', entityType: 'event', entityId: before.id, before: beforeView, after: { ...view, droppedRuleIds: dropped } };
    const webhooks: WebhookMessage[] = [{ family: 'event', action: 'updated', data: view }];
    if (nowCancelled) {
      // After the write, because the webhooks carry the cancelled event; a refused transition rolls it back.
      webhooks.push({ family: 'event', action: 'cancelled', data: view });
      await recordTransition(tx, deps, { machine: EVENT_STATES, entity: 'event', from: before.status, to: 'CANCELLED', actor, audit, webhooks }, now);
    } else {
      await recordAudit(tx, actor, audit, now);
      await emitWebhooks(tx, deps, actor.tenantId, webhooks);
    }
    return view;
  });
}

export async function getEvent(deps: Pick<Deps, 'db'>, tenantId: string, externalReferenceId: string): Promise<EventView> {
  const { events, tree, rules } = await readCatalogues(deps.db, tenantId, { refs: [externalReferenceId] });
  if (events.length === 0) throw eventNotFound(externalReferenceId);
  return toEventViews(events, tree, rules)[0]!;
}

export async function listEvents(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  page: { limit: number; offset: number },
  status?: EventRow['status'],
): Promise<{ items: EventView[]; total: number; limit: number; offset: number }> {
  const { rows, total } = await repo.listEvents(deps.db, tenantId, page, status);
  return { items: await loadViews(deps.db, tenantId, rows), total, ...page };
}

// ---- for other modules (through index.ts) ----

/** The records of the events a filter names (a fresh read of the event rows with their catalogue). */
async function readRecords(ex: Executor, tenantId: string, filter: CatalogueFilter): Promise<EventRecord[]> {
  const { events, tree, rules } = await readCatalogues(ex, tenantId, filter);
  return toEventRecords(events, tree, rules);
}

/**
 * The event with its shows, ticket options, price types and rules, money in minor units; undefined
 * when the tenant has no such event. With `lock`, the event row stays locked until `ex` (a
 * transaction) ends, serialising with PUT, cancellation and rule changes.
 */
export async function getEventForTenant(
  ex: Executor,
  tenantId: string,
  externalReferenceId: string,
  opts: { lock?: boolean } = {},
): Promise<EventRecord | undefined> {
  if (!opts.lock) return (await readRecords(ex, tenantId, { refs: [externalReferenceId] }))[0];
  const [row] = await withLockTimeout(async () => {
    await setLockTimeout(ex);
    return repo.lockEventsByRefs(ex, tenantId, [externalReferenceId]);
  }, eventBusy);
  return row && (await readRecords(ex, tenantId, { ids: [row.id] }))[0];
}

/** Several events by their references, with a fixed number of queries (the Smart Access Layer's bulk call). Unknown ones are absent. */
export async function getEventsForTenant(ex: Executor, tenantId: string, externalReferenceIds: readonly string[]): Promise<EventRecord[]> {
  return readRecords(ex, tenantId, { refs: externalReferenceIds });
}

/** Several events by Encore id (what tickets reference), with the same fixed number of queries. */
export async function getEventsByIds(ex: Executor, tenantId: string, ids: readonly string[]): Promise<EventRecord[]> {
  return readRecords(ex, tenantId, { ids });
}

export type ShowRef = { id: string } | { externalReferenceId: string; showId?: string };

/**
 * One show and its event: by Encore show id (`shw_…`), by (externalReferenceId, showId), or by
 * externalReferenceId alone when the event has exactly one show (several → SHOW_ID_REQUIRED
 * listing them). Undefined when nothing matches in this tenant.
 */
export async function findShow(ex: Executor, tenantId: string, ref: ShowRef): Promise<{ event: EventRecord; show: ShowRecord } | undefined> {
  const [record] = await readRecords(ex, tenantId, 'id' in ref ? { showPk: ref.id } : { refs: [ref.externalReferenceId] });
  if (!record) return undefined;
  let show: ShowRecord | undefined;
  if ('id' in ref) show = record.shows.find((s) => s.id === ref.id);
  else if (ref.showId !== undefined) show = record.shows.find((s) => s.showId === ref.showId);
  else if (record.shows.length === 1) show = record.shows[0];
  else {
    const showIds = record.shows.map((s) => s.showId);
    throw new AppError('SHOW_ID_REQUIRED', `event ${record.externalReferenceId} has ${showIds.length} shows; name one (${showIds.join(', ')})`, {
      details: { showIds, ids: record.shows.map((s) => s.id) },
    });
  }
  return show ? { event: record, show } : undefined;
}

/** A show's start and end, by Encore show id: one indexed read, for callers that need no catalogue. */
export async function showSchedule(ex: Executor, tenantId: string, showPk: string): Promise<{ startsAt: Date; endsAt: Date | null } | undefined> {
  const show = await repo.findShowById(ex, tenantId, showPk);
  return show && { startsAt: show.starts_at, endsAt: show.ends_at };
}

/** Whether an event's tickets carry the holder's name: `configuration.policy` (NONE when it was not sent). */
export type HolderPolicy = 'NONE' | 'OPTIONAL' | 'MANDATORY';

/**
 * The event's named-holder policy, by Encore event id: one indexed read, for the payment's hot path
 * (the checkout asks for the holder's name when OPTIONAL, and refuses to pay without it when
 * MANDATORY). Undefined for an unknown event.
 */
export async function holderPolicy(ex: Executor, tenantId: string, eventId: string): Promise<HolderPolicy | undefined> {
  const policy = await repo.findEventPolicy(ex, tenantId, eventId);
  if (policy === undefined) return undefined;
  return policy === 'OPTIONAL' || policy === 'MANDATORY' ? policy : 'NONE';
}
