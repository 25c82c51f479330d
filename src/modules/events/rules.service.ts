import { withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { toMinor } from '../../lib/money.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { eventCancelled, eventNotFound } from './events.errors.js';
import { ruleView } from './events.mappers.js';
import { eventsRepository, type EventRow } from './events.repository.js';
import type { RuleView } from './events.schemas.js';
import { type EventDeps, lockEvents } from './events.service.js';
import type { RuleItemBody } from './rules.schemas.js';
import { rulesRepository as repo, type RuleRow } from './rules.repository.js';
import { ScopeIndex } from './rules.scope.js';
import { parseSettings } from './rules.settings.js';

const scopeKey = (eventId: string, r: { showId: string | null; ticketOptionId: string | null; priceTypeId: string | null; ruleType: string }) =>
  JSON.stringify([eventId, r.showId, r.ticketOptionId, r.priceTypeId, r.ruleType]);

const rowKey = (r: RuleRow) =>
  scopeKey(r.event_id, { showId: r.show_id, ticketOptionId: r.ticket_option_id, priceTypeId: r.price_type_id, ruleType: r.rule_type });

/** The event's IANA zone (validated when the event was written), in which rule dates without an offset are read. */
function timeZoneOf(event: EventRow): string | null {
  return (event.location as { timeZone?: string } | null)?.timeZone ?? null;
}

function priceMinor(price: RuleItemBody['price'], currency: string, at: string): number | null {
  if (price === undefined || price === null) return null;
  if (typeof price === 'number') return toMinor(price, currency, `${at}.price`);
  if (price.currency !== undefined && price.currency !== currency) {
    throw new AppError('INVALID_CURRENCY', `${at}.price.currency must be the event currency ${currency}`, { field: `${at}.price.currency` });
  }
  return toMinor(price.amount, currency, `${at}.price.amount`);
}

/**
 * Upserts a batch of rules, all or nothing: every item is checked (event, scope references, settings
 * for its type) before anything is written, in one transaction holding the lock of every event the
 * batch touches (taken in id order, so overlapping batches cannot deadlock).
 */
export async function upsertRules(deps: EventDeps, actor: Actor, items: RuleItemBody[]): Promise<RuleView[]> {
  return withTx(deps.db, (tx) => upsertRulesInTx(tx, deps, actor, items));
}

/** `upsertRules` in the caller's transaction: the hook the rules flow wraps (TICKET_SHIELD re-applies to tickets). */
export async function upsertRulesInTx(tx: Tx, deps: EventDeps, actor: Actor, items: RuleItemBody[]): Promise<RuleView[]> {
  const scopes = items.map((item) => ({
    showId: item.showId ?? null,
    ticketOptionId: item.ticketOptionId ?? null,
    priceTypeId: item.priceTypeId ?? null,
    ruleType: item.ruleType,
  }));
  // PostgreSQL cannot upsert one row twice in a statement, and "last one wins" would hide a mistake.
  const firstAt = new Map<string, number>();
  scopes.forEach((scope, i) => {
    const key = scopeKey(items[i]!.externalReferenceEventId, scope);
    const first = firstAt.get(key);
    if (first !== undefined) {
      throw new AppError('DUPLICATE_ID', `[${i}] has the same event, scope and ruleType as [${first}]`, { field: `[${i}]`, details: { duplicateOf: first } });
    }
    firstAt.set(key, i);
  });

  const events = await lockEvents(tx, actor.tenantId, items.map((it) => it.externalReferenceEventId));
  const byRef = new Map<string, EventRow>(events.map((e) => [e.external_reference_id, e]));
  const tree = await eventsRepository.loadTree(tx, actor.tenantId, events.map((e) => e.id));
  const indexes = new Map(
    events.map((e) => {
      const shows = tree.shows.filter((s) => s.event_id === e.id);
      return [
        e.id,
        new ScopeIndex(
          shows.map((s) => ({
            showId: s.show_id,
            ticketIds: tree.ticketOptions.filter((o) => o.show_pk === s.id).map((o) => o.ticket_option_id),
            priceTypeIds: tree.priceTypes.filter((p) => p.show_pk === s.id).map((p) => p.price_type_id),
          })),
        ),
      ];
    }),
  );

  const now = deps.clock.now();
  const rows = items.map((item, i) => {
    const at = `[${i}]`;
    const event = byRef.get(item.externalReferenceEventId);
    if (!event) throw eventNotFound(item.externalReferenceEventId, `${at}.externalReferenceEventId`);
    if (event.status === 'CANCELLED') {
      const err = eventCancelled(event.external_reference_id);
      throw new AppError(err.code, err.message, { field: `${at}.externalReferenceEventId` });
    }
    const scope = scopes[i]!;
    const bad = indexes.get(event.id)!.unresolved(scope);
    if (bad) {
      const where = bad === 'showId' ? `event ${event.external_reference_id}` : scope.showId !== null ? `show ${scope.showId}` : 'any show of the event';
      throw new AppError('UNKNOWN_REFERENCE', `${at}.${bad} "${scope[bad]}" does not exist in ${where}`, { field: `${at}.${bad}` });
    }
    return {
      tenant_id: actor.tenantId,
      id: newId(ID_PREFIX.rule, now.getTime()),
      event_id: event.id,
      show_id: scope.showId,
      ticket_option_id: scope.ticketOptionId,
      price_type_id: scope.priceTypeId,
      rule_type: scope.ruleType,
      rules: JSON.stringify(parseSettings(scope.ruleType, item.rules, `${at}.rules`, event.currency, timeZoneOf(event))),
      price_minor: priceMinor(item.price, event.currency, at),
      created_at: now,
      updated_at: now,
    };
  });

  const existing = new Map((await repo.listRules(tx, actor.tenantId, events.map((e) => e.id))).map((r) => [rowKey(r), r]));
  const stored = new Map((await repo.upsertRules(tx, rows)).map((r) => [rowKey(r), r]));
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const views: RuleView[] = [];
  for (const row of rows) {
    const key = scopeKey(row.event_id, { showId: row.show_id, ticketOptionId: row.ticket_option_id, priceTypeId: row.price_type_id, ruleType: row.rule_type });
    const saved = stored.get(key)!;
    const event = eventsById.get(row.event_id)!;
    const view = ruleView(saved, event);
    const before = existing.get(key);
    await recordAudit(
      tx,
      actor,
      {
        action: before ? 'event_rule.updated' : 'event_rule.created',
        entityType: 'event_rule',
        entityId: saved.id,
        ...(before ? { before: ruleView(before, event) } : {}),
        after: view,
      },
      now,
    );
    views.push(view);
  }
  return views;
}
