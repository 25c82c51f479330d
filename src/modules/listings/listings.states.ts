import type { StateMachine } from '../../lib/state-machine.js';
import type { ListingStatus } from './listings.tables.js';

/**
 * A listing's lifecycle (SPEC §4). RESERVED is a buyer's hold (with `hold_expires_at`); an expired
 * hold counts as ACTIVE in every availability query before the sweeper turns it back, and a
 * RESERVED → RESERVED move is a new buyer taking over an expired hold. SOLD and TERMINATED are final.
 */
export const LISTING_STATES: StateMachine<ListingStatus> = {
  ACTIVE: ['RESERVED', 'SOLD', 'TERMINATED'],
  RESERVED: ['RESERVED', 'ACTIVE', 'SOLD', 'TERMINATED'],
  SOLD: [],
  TERMINATED: [],
};

/** The status a listing shows: a RESERVED listing whose hold ran out is ACTIVE again. */
export function effectiveStatus(status: ListingStatus, holdExpiresAt: Date | null, now: Date): ListingStatus {
  return status === 'RESERVED' && holdExpiresAt !== null && holdExpiresAt.getTime() <= now.getTime() ? 'ACTIVE' : status;
}
