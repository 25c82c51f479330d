// RFC 3339 / ISO 8601 extended form, with or without an offset. Without one, the wall-clock time
// is read in the event's time zone (SPEC §1.1): the reference's examples often leave it out, and the
// venue's zone is the only reading that does not silently shift a show by hours.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface DateTimeParts {
  /** The wall-clock time read as if it were UTC, in milliseconds. */
  wallMs: number;
  hasMillis: boolean;
  /** Minutes east of UTC; undefined when the text carries no offset. */
  offsetMinutes: number | undefined;
}

/** The fields of an ISO 8601 date-time; undefined when malformed or impossible (Feb 30, +19:00). */
function parseParts(text: string): DateTimeParts | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  const millis = Math.floor(Number(`0.${frac ?? '0'}`) * 1000);
  // Years below 1900 are surely typos, and Date.UTC would read 0..99 as 1900..1999.
  if (year < 1900 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  let offsetMinutes: number | undefined;
  if (zulu) offsetMinutes = 0;
  else if (sign) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 18 || offM > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  return { wallMs: Date.UTC(year, month - 1, day, hour, minute, second, millis), hasMillis: millis !== 0, offsetMinutes };
}

/** The instant named by an ISO 8601 date-time with an offset; undefined when malformed, impossible or without an offset. */
export function parseOffsetDateTime(text: string): Date | undefined {
  const p = parseParts(text);
  if (!p || p.offsetMinutes === undefined) return undefined;
  return new Date(p.wallMs - p.offsetMinutes * MINUTE_MS);
}

/** An IANA zone the runtime knows (`Europe/Madrid`); `Intl` throws a RangeError for anything else. */
// Building an Intl formatter costs ~0.1 ms; the answer per zone never changes, so the formatter is
// remembered. Only zones Intl accepts are kept, and the map is emptied past a bound, so a client
// sending case variants of zone names cannot grow it without limit.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 2000;

function formatterOf(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  if (formatters.size >= MAX_FORMATTERS) formatters.clear();
  formatters.set(zone, f);
  return f;
}

export function isTimeZone(zone: string): boolean {
  return zone !== '' && formatterOf(zone) !== undefined;
}

/** The zone's offset from UTC at instant `ms`, in whole minutes (as an ISO offset can say it), as milliseconds. */
function offsetAt(f: Intl.DateTimeFormat, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const n: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of f.formatToParts(new Date(whole))) if (part.type !== 'literal') n[part.type] = Number(part.value);
  const wall = Date.UTC(n.year ?? 1970, (n.month ?? 1) - 1, n.day, n.hour, n.minute, n.second);
  return Math.round((wall - whole) / MINUTE_MS) * MINUTE_MS;
}

/**
 * The instant a wall-clock time names in a zone, resolved as JavaScript's Temporal does by default
 * ("compatible"): a time that occurs twice (the hour clocks go back) is the earlier one; a time that
 * never occurs (the hour clocks skip) is moved forward by the gap (02:30 on a spring-forward night
 * is 03:30 summer time). Zones change offset at most a few times a year, so the offsets a day before
 * and after are the only candidates.
 */
function instantInZone(f: Intl.DateTimeFormat, wallMs: number): number {
  const before = offsetAt(f, wallMs - DAY_MS);
  const after = offsetAt(f, wallMs + DAY_MS);
  const fits = [before, after].map((o) => wallMs - o).filter((t) => offsetAt(f, t) === wallMs - t);
  if (fits.length > 0) return Math.min(...fits);
  return wallMs - before;
}

function formatOffset(offsetMs: number): string {
  const minutes = Math.abs(offsetMs) / MINUTE_MS;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${offsetMs < 0 ? '-' : '+'}${hh}:${mm}`;
}

export interface EventDate {
  at: Date;
  /** The text to store and show: as sent when it had an offset, else the wall-clock time with the zone's offset then. */
  text: string;
}

/**
 * A show date as an event stores it. With an offset it is taken as sent; without one it is read in
 * `timeZone` (an IANA zone already checked with isTimeZone; UTC when absent) and its text gains the
 * offset, so what is stored is never ambiguous. Undefined when malformed or impossible.
 */
export function parseEventDate(text: string, timeZone: string | null | undefined): EventDate | undefined {
  const p = parseParts(text);
  if (!p) return undefined;
  if (p.offsetMinutes !== undefined) return { at: new Date(p.wallMs - p.offsetMinutes * MINUTE_MS), text };
  const f = formatterOf(timeZone ?? 'UTC');
  if (!f) return undefined;
  const at = instantInZone(f, p.wallMs);
  const offset = offsetAt(f, at);
  const wall = new Date(at + offset).toISOString();
  return { at: new Date(at), text: `${wall.slice(0, p.hasMillis ? 23 : 19)}${formatOffset(offset)}` };
}
