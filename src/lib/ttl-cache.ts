/**
 * A small in-process cache of values that may be a little old: each entry lives `ttlMs` of real
 * (monotonic) time. A pending value (a promise) is cached too, so concurrent misses for one key
 * share one computation; a rejected one is forgotten at once. Bounded: past `maxEntries` the
 * expired entries go, and if that is not enough, all of them.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; deadline: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): Promise<V> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.deadline <= performance.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: Promise<V>, ttlMs: number): void {
    if (this.entries.size >= this.maxEntries) {
      const now = performance.now();
      for (const [k, e] of this.entries) if (e.deadline <= now) this.entries.delete(k);
      if (this.entries.size >= this.maxEntries) this.entries.clear();
    }
    this.entries.set(key, { value, deadline: performance.now() + ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
