import type { StateMachine } from '../../lib/state-machine.js';

/**
 * Events and shows only ever move LIVE → CANCELLED, and only through the cancellation use case:
 * a cancelled show has had its tickets cancelled and refunds started, so it can never go live again.
 */
export const EVENT_STATES: StateMachine<'LIVE' | 'CANCELLED'> = {
  LIVE: ['CANCELLED'],
  CANCELLED: [],
};

export const SHOW_STATES: StateMachine<'LIVE' | 'CANCELLED'> = {
  LIVE: ['CANCELLED'],
  CANCELLED: [],
};
