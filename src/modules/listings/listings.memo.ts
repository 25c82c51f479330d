/**
 * Listings this process has just seen taken (held, sold or ended), so that in an on-sale rush the
 * buyers who ask for them again are refused without a database round trip (ADR 0010, addendum
 * "refusals from memory").
 *
 * It only ever refuses: a reservation is still decided by the conditional UPDATE alone, so a stale
 * entry can never sell a listing twice. The price of staleness is a refusal of a listing that was
 * freed in the last second by another process (a refunded or cancelled purchase); a listing freed by
 * this process is forgotten at once. An entry lives until the hold it saw expires, at most TTL_MS of
 * real time, whichever comes first.
 */
const TTL_MS = 1_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  /** Business time (the injected clock) until which the listing is known to be unavailable. */
  untilMs: number;
  /** Real time (monotonic) after which the entry is not trusted any more. */
  deadline: number;
}

const entries = new Map<string, Entry>();
const key = (tenantId: string, listingId: string): string => `${tenantId}\u0000${listingId}`;

/** Remembers listings as unavailable until `until` (null: not before they change again), capped at TTL_MS. */
export function rememberUnavailable(tenantId: string, listings: readonly { id: string; until: Date | null }[], now: Date): void {
  if (entries.size + listings.length > MAX_ENTRIES) {
    const t = performance.now();
    for (const [k, e] of entries) if (e.deadline <= t) entries.delete(k);
    if (entries.size + listings.length > MAX_ENTRIES) entries.clear();
  }
  const deadline = performance.now() + TTL_MS;
  for (const l of listings) {
    const untilMs = l.until === null ? now.getTime() + TTL_MS : Math.min(l.until.getTime(), now.getTime() + TTL_MS);
    if (untilMs > now.getTime()) entries.set(key(tenantId, l.id), { untilMs, deadline });
  }
}

/** Whether every one of these listings is known to be unavailable now (then no read is needed). */
export function allKnownUnavailable(tenantId: string, listingIds: readonly string[], now: Date): boolean {
  const t = performance.now();
  for (const id of listingIds) {
    const k = key(tenantId, id);
    const e = entries.get(k);
    if (!e) return false;
    if (e.deadline <= t || e.untilMs <= now.getTime()) {
      entries.delete(k);
      return false;
    }
  }
  return listingIds.length > 0;
}

/** This process made these listings available again: never refuse them from memory. */
export function forgetUnavailable(tenantId: string, listingIds: readonly string[]): void {
  for (const id of listingIds) entries.delete(key(tenantId, id));
}

/** Expired holds of any tenant came back (the sweep). */
export function forgetUnavailableEverywhere(listings: readonly { tenant_id: string; id: string }[]): void {
  for (const l of listings) entries.delete(key(l.tenant_id, l.id));
}
