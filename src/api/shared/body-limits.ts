/**
 * Body size limits per route (bytes). The server default (1 MiB) fits any single resource; batch
 * routes raise it, and routes without an API key lower it, so an anonymous client cannot make the
 * process buffer large bodies.
 */
export const BODY_LIMIT = {
  /** Ticket batches: 5,000 tickets with seating and buyer data. */
  ticketBatch: 32 * 1024 * 1024,
  /** An event with many shows and ticket options, a rules array, an admission batch of 5,000 scans. */
  large: 8 * 1024 * 1024,
  /** Secret-guarded routes a browser or anonymous client calls (checkout, public purchase intents). */
  anonymous: 16 * 1024,
} as const;
