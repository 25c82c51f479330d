// RFC 3339 / ISO 8601 extended form. The offset is mandatory: a show time without one is ambiguous
// (local to the venue? to the integrator's server?) and would silently shift by hours.
const OFFSET_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** The instant named by an ISO 8601 date-time with an offset; undefined when malformed or impossible (Feb 30). */
export function parseOffsetDateTime(text: string): Date | undefined {
  const m = OFFSET_DATE_TIME.exec(text);
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
  let offsetMinutes = 0;
  if (!zulu) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 18 || offM > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

/** An IANA zone the runtime knows (`Europe/Madrid`); `Intl` throws a RangeError for anything else. */
// Building an Intl formatter costs ~0.1 ms; the answer per zone never changes, so it is remembered
// (bounded: unknown zones are not cached, a client cannot grow the map).
const knownZones = new Set<string>();

export function isTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    knownZones.add(zone);
    return true;
  } catch {
    return false;
  }
}
