import type { Executor } from '../../db/tx.js';
import { listingsRepository as repo, type AskRangeRow, type DepthRow } from './listings.repository.js';

export type { AskRangeRow, DepthRow };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The resale market of these shows per ticket option (market depth, SPEC §6): asks now, holds, sales in the last 24 h. */
export async function listingDepth(ex: Executor, tenantId: string, showPks: readonly string[], now: Date): Promise<DepthRow[]> {
  return repo.depth(ex, tenantId, showPks, now, new Date(now.getTime() - DAY_MS));
}

/** Listings on sale now per (show, ticket option, price type), with their all-in price range (buy mode). */
export async function askRanges(ex: Executor, tenantId: string, showPks: readonly string[], now: Date): Promise<AskRangeRow[]> {
  return repo.askRanges(ex, tenantId, showPks, now);
}
