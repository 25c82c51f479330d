import { AppError } from '../../lib/app-error.js';
import { isIsoCurrency, toMinor } from '../../lib/money.js';
import { isTimeZone, parseEventDate, type EventDate } from './events.dates.js';
import type { ConfigurationView, EventBody, LocationView, ProducerView, SeatingView, ShowBody } from './events.schemas.js';

/**
 * The checks JSON Schema cannot express (dates, money, uniqueness, cross references), turning the
 * request body into the shape the service stores. Pure: no I/O, so it runs before any lock is taken.
 */

export interface TicketOptionInput {
  ticketId: string;
  title: string;
  description: string | null;
  priceMinor: number;
  capacity: number | null;
  zoneId: string | null;
}

export interface PriceTypeInput {
  priceTypeId: string;
  title: string;
  priceMinor: number | null;
}

export interface CombinationInput {
  ticketOptionId: string;
  priceTypeId: string;
  priceMinor: number;
}

export interface ShowInput {
  showId: string;
  title: string | null;
  description: string | null;
  dateText: string;
  startsAt: Date;
  endDateText: string | null;
  endsAt: Date | null;
  primarySalesUrl: string | null;
  images: { url: string; kind: string | null }[];
  /** As requested; undefined = keep the current status (PUT) or LIVE (new show). */
  requestedStatus: 'LIVE' | 'CANCELLED' | undefined;
  ticketOptions: TicketOptionInput[];
  priceTypes: PriceTypeInput[];
  combinations: CombinationInput[];
}

/** What is stored in the `configuration` column: the currency lives in its own column. */
export type StoredConfiguration = Omit<ConfigurationView, 'currency'>;

export interface EventInput {
  externalReferenceId: string;
  title: string;
  description: string;
  currency: string;
  location: LocationView;
  configuration: StoredConfiguration;
  producers: ProducerView[];
  seating: SeatingView | null;
  shows: ShowInput[];
}

/** Drops null and undefined members, so stored JSON only carries what was sent. */
function compact<T extends object>(obj: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };
}

function firstDuplicate<T>(items: readonly T[], key: (item: T) => string): number {
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]!);
    if (seen.has(k)) return i;
    seen.add(k);
  }
  return -1;
}

function requireUnique<T>(items: readonly T[], key: (item: T) => string, path: (i: number) => string, what: string): void {
  const dup = firstDuplicate(items, key);
  if (dup >= 0) {
    const field = path(dup);
    throw new AppError('DUPLICATE_ID', `${field}: ${what} "${key(items[dup]!)}" appears more than once`, { field });
  }
}

function parseDateField(text: string, field: string, timeZone: string | null | undefined): EventDate {
  const date = parseEventDate(text, timeZone);
  if (!date) {
    throw new AppError(
      'INVALID_DATE',
      `${field} must be an ISO 8601 date-time, e.g. 2027-06-01T21:00:00+02:00 (without an offset it is read in location.timeZone, else UTC)`,
      { field },
    );
  }
  return date;
}

function checkedCurrency(currency: string, field: string): string {
  if (!isIsoCurrency(currency)) throw new AppError('INVALID_CURRENCY', `${field}: ${currency} is not an ISO 4217 currency code`, { field });
  return currency;
}

/** The event currency on a PUT: fixed at creation, so one sent must be the stored one. */
export function resolveCurrency(sent: string | null | undefined, fallback: string): string {
  return checkedCurrency(sent ?? fallback, 'configuration.currency');
}

/**
 * The currency a new event is created in (SPEC §2): `configuration.currency` when sent; otherwise
 * the one its ticket options carry (the reference's examples put it only there; whether they agree
 * is checked option by option in normalizeShow, naming the first that differs); otherwise the
 * tenant's default, which `tenantDefault` reads only then.
 */
export async function currencyForNewEvent(
  body: Pick<EventBody, 'configuration' | 'shows'>,
  tenantDefault: () => Promise<string>,
): Promise<string> {
  if (body.configuration.currency != null) return checkedCurrency(body.configuration.currency, 'configuration.currency');
  for (const [i, show] of body.shows.entries()) {
    for (const [j, option] of (show.ticketOptions ?? []).entries()) {
      if (option.currency != null) return checkedCurrency(option.currency, `shows[${i}].ticketOptions[${j}].currency`);
    }
  }
  return checkedCurrency(await tenantDefault(), 'configuration.currency');
}

function normalizeShow(show: ShowBody, i: number, currency: string, zoneIds: Set<string> | undefined, timeZone: string | null | undefined): ShowInput {
  const at = `shows[${i}]`;
  const start = parseDateField(show.date, `${at}.date`, timeZone);
  const end = show.endDate == null ? null : parseDateField(show.endDate, `${at}.endDate`, timeZone);
  const startsAt = start.at;
  const endsAt = end?.at ?? null;
  if (endsAt && endsAt.getTime() <= startsAt.getTime()) {
    throw new AppError('INVALID_DATE', `${at}.endDate must be after ${at}.date`, { field: `${at}.endDate` });
  }

  const options = show.ticketOptions ?? [];
  requireUnique(options, (o) => o.ticketId, (j) => `${at}.ticketOptions[${j}].ticketId`, 'ticketId');
  const ticketOptions = options.map((o, j): TicketOptionInput => {
    const field = `${at}.ticketOptions[${j}]`;
    if (o.currency != null && o.currency !== currency) {
      throw new AppError('INVALID_CURRENCY', `${field}.currency is ${o.currency}; every ticket option of an event must be in the event currency ${currency}`, {
        field: `${field}.currency`,
      });
    }
    if (o.zoneId != null && zoneIds && !zoneIds.has(o.zoneId)) {
      throw new AppError('UNKNOWN_REFERENCE', `${field}.zoneId "${o.zoneId}" is not a zone in seating.zones`, { field: `${field}.zoneId` });
    }
    return {
      ticketId: o.ticketId,
      title: o.title,
      description: o.description ?? null,
      priceMinor: toMinor(o.price, currency, `${field}.price`),
      capacity: o.capacity ?? null,
      zoneId: o.zoneId ?? null,
    };
  });

  const types = show.priceTypes ?? [];
  requireUnique(types, (p) => p.priceTypeId, (j) => `${at}.priceTypes[${j}].priceTypeId`, 'priceTypeId');
  const priceTypes = types.map((p, j): PriceTypeInput => ({
    priceTypeId: p.priceTypeId,
    title: p.title,
    priceMinor: p.price == null ? null : toMinor(p.price, currency, `${at}.priceTypes[${j}].price`),
  }));

  const optionIds = new Set(ticketOptions.map((o) => o.ticketId));
  const typeIds = new Set(priceTypes.map((p) => p.priceTypeId));
  const combos = show.combinations ?? [];
  requireUnique(combos, (c) => JSON.stringify([c.ticketOptionId, c.priceTypeId]), (k) => `${at}.combinations[${k}]`, 'combination');
  const combinations = combos.map((c, k): CombinationInput => {
    const field = `${at}.combinations[${k}]`;
    if (!optionIds.has(c.ticketOptionId)) {
      throw new AppError('UNKNOWN_REFERENCE', `${field}.ticketOptionId "${c.ticketOptionId}" is not a ticket option of this show`, { field: `${field}.ticketOptionId` });
    }
    if (!typeIds.has(c.priceTypeId)) {
      throw new AppError('UNKNOWN_REFERENCE', `${field}.priceTypeId "${c.priceTypeId}" is not a price type of this show`, { field: `${field}.priceTypeId` });
    }
    return { ticketOptionId: c.ticketOptionId, priceTypeId: c.priceTypeId, priceMinor: toMinor(c.price, currency, `${field}.price`) };
  });

  return {
    showId: show.showId,
    title: show.title ?? null,
    description: show.description ?? null,
    dateText: start.text,
    startsAt,
    endDateText: end?.text ?? null,
    endsAt,
    primarySalesUrl: show.primarySalesUrl ?? null,
    images: (show.images ?? []).map((img) => ({ url: img.url, kind: img.kind ?? null })),
    requestedStatus: show.status,
    ticketOptions,
    priceTypes,
    combinations,
  };
}

function normalizeSeating(body: EventBody): SeatingView | null {
  if (body.seating == null) return null;
  const zones = body.seating.zones ?? [];
  requireUnique(zones, (z) => z.zoneId, (k) => `seating.zones[${k}].zoneId`, 'zoneId');
  return compact({
    mapImageUrl: body.seating.mapImageUrl,
    zones: zones.map((z) => ({ zoneId: z.zoneId, name: z.name, ticketOptionIds: [...z.ticketOptionIds] })),
  });
}

export function normalizeEvent(body: EventBody, currency: string): EventInput {
  const { location, configuration } = body;
  if (location.timeZone != null && !isTimeZone(location.timeZone)) {
    throw new AppError('VALIDATION_ERROR', `location.timeZone "${location.timeZone}" is not an IANA time zone (e.g. Europe/Madrid)`, {
      field: 'location.timeZone',
    });
  }
  const seating = normalizeSeating(body);
  const zoneIds = seating ? new Set(seating.zones.map((z) => z.zoneId)) : undefined;

  requireUnique(body.shows, (s) => s.showId, (i) => `shows[${i}].showId`, 'showId');
  const shows = body.shows.map((s, i) => normalizeShow(s, i, currency, zoneIds, location.timeZone));

  if (seating) {
    const known = new Set(shows.flatMap((s) => s.ticketOptions.map((o) => o.ticketId)));
    seating.zones.forEach((z, k) =>
      z.ticketOptionIds.forEach((id, m) => {
        if (!known.has(id)) {
          const field = `seating.zones[${k}].ticketOptionIds[${m}]`;
          throw new AppError('UNKNOWN_REFERENCE', `${field}: "${id}" is not a ticket option of any show`, { field });
        }
      }),
    );
  }

  const map = location.map == null ? undefined : compact({ thumbnail: location.map.thumbnail, googleMapsUrl: location.map.googleMapsUrl });
  return {
    externalReferenceId: body.externalReferenceId,
    title: body.title,
    description: body.description,
    currency,
    location: compact({
      venueName: location.venueName,
      address: location.address,
      city: location.city,
      state: location.state,
      country: location.country,
      timeZone: location.timeZone,
      raw: location.raw,
      map,
    }),
    configuration: compact({
      policy: configuration.policy ?? 'NONE',
      instructions: configuration.instructions,
      hoursBeforeShow: configuration.hoursBeforeShow,
      defaultPurchaseIntentStrategyId: configuration.defaultPurchaseIntentStrategyId,
    }),
    producers: (body.producers ?? []).map((p) => compact({ name: p.name, taxId: p.taxId, email: p.email })),
    seating,
    shows,
  };
}

/**
 * Accepts `shows` as a single object as well as an array (the reference types it as an object).
 * Runs before schema validation so every later check sees one shape; error paths are then
 * `shows[0]…` either way.
 */
export function wrapSingleShow(body: unknown): void {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as { shows?: unknown };
    if (b.shows !== null && typeof b.shows === 'object' && !Array.isArray(b.shows)) b.shows = [b.shows];
  }
}

/**
 * PostgreSQL text cannot hold U+0000. Caught before validation so the client learns which field
 * carries it, instead of a field-less storage error.
 */
export function rejectNulCharacters(value: unknown, path = ''): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      throw new AppError('VALIDATION_ERROR', `${path || 'body'} must not contain NUL (\\u0000) characters`, { field: path || 'body' });
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => rejectNulCharacters(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      rejectNulCharacters(k, path);
      rejectNulCharacters(v, path ? `${path}.${k}` : k);
    }
  }
}
