import { toMajor } from '../../lib/money.js';
import type { CombinationRow, EventRow, EventTree, PriceTypeRow, ShowRow, TicketOptionRow } from './events.repository.js';
import type { ConfigurationView, EventView, LocationView, ProducerView, RuleView, SeatingView, ShowView } from './events.schemas.js';
import type { StoredConfiguration } from './events.validate.js';
import type { RuleRow } from './rules.repository.js';
import { settingsView, type RuleType, type SettingsByType } from './rules.settings.js';

/** Database rows → the API's event view, and → the domain records other modules work with. */

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

const byPosition = <T extends { position: number }>(a: T, b: T) => a.position - b.position;

interface Grouped {
  showsByEvent: Map<string, ShowRow[]>;
  optionsByShow: Map<string, TicketOptionRow[]>;
  typesByShow: Map<string, PriceTypeRow[]>;
  combosByShow: Map<string, CombinationRow[]>;
  rulesByEvent: Map<string, RuleRow[]>;
}

function group(tree: EventTree, rules: RuleRow[]): Grouped {
  return {
    showsByEvent: groupBy([...tree.shows].sort(byPosition), (s) => s.event_id),
    optionsByShow: groupBy([...tree.ticketOptions].sort(byPosition), (o) => o.show_pk),
    typesByShow: groupBy([...tree.priceTypes].sort(byPosition), (p) => p.show_pk),
    combosByShow: groupBy(tree.combinations, (c) => c.show_pk),
    rulesByEvent: groupBy(rules, (r) => r.event_id),
  };
}

export function ruleView(rule: RuleRow, event: Pick<EventRow, 'external_reference_id' | 'currency'>): RuleView {
  return {
    id: rule.id,
    externalReferenceEventId: event.external_reference_id,
    showId: rule.show_id,
    ticketOptionId: rule.ticket_option_id,
    priceTypeId: rule.price_type_id,
    ruleType: rule.rule_type,
    rules: settingsView(rule.rule_type, rule.rules, event.currency),
    price: rule.price_minor === null ? null : toMajor(rule.price_minor, event.currency),
    currency: event.currency,
    createdAt: rule.created_at.toISOString(),
    updatedAt: rule.updated_at.toISOString(),
  };
}

function showView(show: ShowRow, g: Grouped, currency: string): ShowView {
  return {
    id: show.id,
    showId: show.show_id,
    title: show.title,
    description: show.description,
    date: show.date_text,
    endDate: show.end_date_text,
    primarySalesUrl: show.primary_sales_url,
    images: show.images as ShowView['images'],
    status: show.status,
    cancelledAt: show.cancelled_at?.toISOString() ?? null,
    ticketOptions: (g.optionsByShow.get(show.id) ?? []).map((o) => ({
      ticketId: o.ticket_option_id,
      title: o.title,
      description: o.description,
      price: toMajor(o.price_minor, o.currency),
      currency: o.currency,
      capacity: o.capacity,
      zoneId: o.zone_id,
    })),
    priceTypes: (g.typesByShow.get(show.id) ?? []).map((p) => ({
      priceTypeId: p.price_type_id,
      title: p.title,
      price: p.price_minor === null ? null : toMajor(p.price_minor, currency),
    })),
    combinations: (g.combosByShow.get(show.id) ?? []).map((c) => ({
      ticketOptionId: c.ticket_option_id,
      priceTypeId: c.price_type_id,
      price: toMajor(c.price_minor, currency),
    })),
  };
}

export function toEventViews(events: EventRow[], tree: EventTree, rules: RuleRow[]): EventView[] {
  const g = group(tree, rules);
  return events.map((e) => ({
    id: e.id,
    externalReferenceId: e.external_reference_id,
    title: e.title,
    description: e.description,
    status: e.status,
    location: e.location as LocationView,
    configuration: { ...(e.configuration as StoredConfiguration), currency: e.currency } satisfies ConfigurationView,
    producers: e.producers as ProducerView[],
    seating: (e.seating as SeatingView | null) ?? null,
    shows: (g.showsByEvent.get(e.id) ?? []).map((s) => showView(s, g, e.currency)),
    rules: (g.rulesByEvent.get(e.id) ?? []).map((r) => ruleView(r, e)),
    cancelledAt: e.cancelled_at?.toISOString() ?? null,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  }));
}

// ---- domain records: what other modules (tickets, listings, purchase intents) read ----

export interface ShowRecord {
  /** Encore's show id (`shw_…`): the key tickets reference as `show_pk`. */
  id: string;
  eventId: string;
  showId: string;
  title: string | null;
  dateText: string;
  startsAt: Date;
  endsAt: Date | null;
  status: 'LIVE' | 'CANCELLED';
  cancelledAt: Date | null;
  ticketOptions: { ticketId: string; title: string; priceMinor: number; currency: string; capacity: number | null; zoneId: string | null }[];
  priceTypes: { priceTypeId: string; title: string; priceMinor: number | null }[];
  combinations: { ticketOptionId: string; priceTypeId: string; priceMinor: number }[];
}

interface RuleRecordBase {
  id: string;
  eventId: string;
  showId: string | null;
  ticketOptionId: string | null;
  priceTypeId: string | null;
  /** The rule's reference price, minor units of the event currency. */
  priceMinor: number | null;
}
/** A rule with its settings typed by `ruleType` (money in minor units of the event currency). */
export type RuleRecord = { [T in RuleType]: RuleRecordBase & { ruleType: T; settings: SettingsByType[T] } }[RuleType];

export interface EventRecord {
  id: string;
  externalReferenceId: string;
  title: string;
  /** The seating map and its zones, when the event has seating. */
  seating: { mapImageUrl?: string; zones?: { zoneId: string; name?: string; ticketOptionIds?: string[] }[] } | null;
  currency: string;
  status: 'LIVE' | 'CANCELLED';
  cancelledAt: Date | null;
  timeZone: string | null;
  /** Where it happens, as fans know the place (`location.venueName`, then `location.city`); null when neither was sent. */
  venueName: string | null;
  configuration: StoredConfiguration;
  shows: ShowRecord[];
  rules: RuleRecord[];
}

export function toRuleRecord(r: RuleRow): RuleRecord {
  // The settings column is only written by parseSettings for the row's rule_type.
  return {
    id: r.id,
    eventId: r.event_id,
    showId: r.show_id,
    ticketOptionId: r.ticket_option_id,
    priceTypeId: r.price_type_id,
    priceMinor: r.price_minor,
    ruleType: r.rule_type,
    settings: r.rules,
  } as RuleRecord;
}

export function toEventRecords(events: EventRow[], tree: EventTree, rules: RuleRow[]): EventRecord[] {
  const g = group(tree, rules);
  return events.map((e) => ({
    id: e.id,
    externalReferenceId: e.external_reference_id,
    title: e.title,
    seating: (e.seating as EventRecord['seating']) ?? null,
    currency: e.currency,
    status: e.status,
    cancelledAt: e.cancelled_at,
    timeZone: (e.location as LocationView).timeZone ?? null,
    venueName: (e.location as LocationView).venueName ?? (e.location as LocationView).city ?? null,
    configuration: e.configuration as StoredConfiguration,
    shows: (g.showsByEvent.get(e.id) ?? []).map((s) => ({
      id: s.id,
      eventId: s.event_id,
      showId: s.show_id,
      title: s.title,
      dateText: s.date_text,
      startsAt: s.starts_at,
      endsAt: s.ends_at,
      status: s.status,
      cancelledAt: s.cancelled_at,
      ticketOptions: (g.optionsByShow.get(s.id) ?? []).map((o) => ({
        ticketId: o.ticket_option_id,
        title: o.title,
        priceMinor: o.price_minor,
        currency: o.currency,
        capacity: o.capacity,
        zoneId: o.zone_id,
      })),
      priceTypes: (g.typesByShow.get(s.id) ?? []).map((p) => ({ priceTypeId: p.price_type_id, title: p.title, priceMinor: p.price_minor })),
      combinations: (g.combosByShow.get(s.id) ?? []).map((c) => ({ ticketOptionId: c.ticket_option_id, priceTypeId: c.price_type_id, priceMinor: c.price_minor })),
    })),
    rules: (g.rulesByEvent.get(e.id) ?? []).map(toRuleRecord),
  }));
}
