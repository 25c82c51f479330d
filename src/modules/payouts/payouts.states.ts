import type { StateMachine } from '../../lib/state-machine.js';
import type { PayoutStatus } from './payouts.tables.js';

/**
 * A seller's payout (SPEC §4): SCHEDULED until its show is over, then RELEASED; CANCELLED instead
 * when its order is refunded first. Both ends are final: released money is not taken back here,
 * and a cancelled payout is never paid.
 */
export const PAYOUT_STATES: StateMachine<PayoutStatus> = {
  SCHEDULED: ['RELEASED', 'CANCELLED'],
  RELEASED: [],
  CANCELLED: [],
};
