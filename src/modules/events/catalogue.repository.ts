import { sql, type RawBuilder } from 'kysely';
import { rowsFromJson } from '../../db/json-rows.js';
import type { Executor } from '../../db/tx.js';
import type { EventRow, EventTree } from './events.repository.js';
import type { RuleRow } from './rules.repository.js';

/** Which events to read: by Encore id, by the integrator's reference, or the event of one show. */
export type CatalogueFilter = { ids: readonly string[] } | { refs: readonly string[] } | { showPk: string };

export interface Catalogues {
  events: EventRow[];
  tree: EventTree;
  rules: RuleRow[];
}

const EMPTY: Catalogues = { events: [], tree: { shows: [], ticketOptions: [], priceTypes: [], combinations: [] }, rules: [] };

// The child rows travel as JSON (db/json-rows.ts): these columns are its timestamps.
const SHOW_DATES = ['starts_at', 'ends_at', 'cancelled_at'] as const;
const RULE_DATES = ['created_at', 'updated_at'] as const;

function where(tenantId: string, filter: CatalogueFilter): RawBuilder<unknown> {
  if ('showPk' in filter) return sql`e.tenant_id = ${tenantId} AND e.id = (SELECT s.event_id FROM shows s WHERE s.tenant_id = ${tenantId} AND s.id = ${filter.showPk})`;
  if ('refs' in filter) return sql`e.tenant_id = ${tenantId} AND e.external_reference_id = ANY(${[...filter.refs]}::text[])`;
  return sql`e.tenant_id = ${tenantId} AND e.id = ANY(${[...filter.ids]}::text[])`;
}

type CatalogueRow = EventRow & { c_shows: unknown; c_options: unknown; c_price_types: unknown; c_combinations: unknown; c_rules: unknown };

/**
 * Events with their whole catalogue (shows, ticket options, price types, combinations, rules) in ONE
 * statement (issue 13): each child table is a JSON array per event, read by the same index as a
 * query of its own would be. Every hot path that needs an event (a purchase intent's show, the
 * Smart Access Layer, the checkout) pays one round trip instead of six. Rows keep the order the
 * per-table reads had: shows, options and price types by position, combinations by their keys,
 * rules by creation.
 */
export async function readCatalogues(ex: Executor, tenantId: string, filter: CatalogueFilter): Promise<Catalogues> {
  if (('ids' in filter && filter.ids.length === 0) || ('refs' in filter && filter.refs.length === 0)) return EMPTY;
  const { rows } = await sql<CatalogueRow>`
    SELECT e.*,
      (SELECT coalesce(json_agg(s ORDER BY s.position), '[]') FROM shows s
        WHERE s.tenant_id = e.tenant_id AND s.event_id = e.id) AS c_shows,
      (SELECT coalesce(json_agg(o ORDER BY s.position, o.position), '[]') FROM ticket_options o
        JOIN shows s ON s.tenant_id = o.tenant_id AND s.id = o.show_pk
        WHERE s.tenant_id = e.tenant_id AND s.event_id = e.id) AS c_options,
      (SELECT coalesce(json_agg(p ORDER BY s.position, p.position), '[]') FROM price_types p
        JOIN shows s ON s.tenant_id = p.tenant_id AND s.id = p.show_pk
        WHERE s.tenant_id = e.tenant_id AND s.event_id = e.id) AS c_price_types,
      (SELECT coalesce(json_agg(c ORDER BY c.ticket_option_id, c.price_type_id), '[]') FROM price_combinations c
        JOIN shows s ON s.tenant_id = c.tenant_id AND s.id = c.show_pk
        WHERE s.tenant_id = e.tenant_id AND s.event_id = e.id) AS c_combinations,
      (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.id), '[]') FROM event_rules r
        WHERE r.tenant_id = e.tenant_id AND r.event_id = e.id) AS c_rules
    FROM events e
    WHERE ${where(tenantId, filter)}`.execute(ex);
  const out: Catalogues = { events: [], tree: { shows: [], ticketOptions: [], priceTypes: [], combinations: [] }, rules: [] };
  for (const { c_shows, c_options, c_price_types, c_combinations, c_rules, ...event } of rows) {
    out.events.push(event);
    out.tree.shows.push(...rowsFromJson<EventTree['shows'][number]>(c_shows, SHOW_DATES));
    out.tree.ticketOptions.push(...rowsFromJson<EventTree['ticketOptions'][number]>(c_options, []));
    out.tree.priceTypes.push(...rowsFromJson<EventTree['priceTypes'][number]>(c_price_types, []));
    out.tree.combinations.push(...rowsFromJson<EventTree['combinations'][number]>(c_combinations, []));
    out.rules.push(...rowsFromJson<RuleRow>(c_rules, RULE_DATES));
  }
  return out;
}
