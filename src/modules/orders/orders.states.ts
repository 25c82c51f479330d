import type { StateMachine } from '../../lib/state-machine.js';
import type { IntentionStatus, OrderStatus } from './orders.tables.js';

/**
 * A buy intention (a buyer's hold on listings). PAYING while the provider is asked; a declined card
 * goes back to RESERVED (or EXPIRED if the hold ran out meanwhile) so the buyer can try another card.
 * EXPIRED → PAYING is the late payment: completed if the listings are still free, else refunded.
 * CANCELLED comes from a cancelled show; a payment that was in flight is then refunded.
 */
export const INTENTION_STATES: StateMachine<IntentionStatus> = {
  RESERVED: ['PAYING', 'EXPIRED', 'CANCELLED'],
  PAYING: ['COMPLETED', 'REFUNDED', 'RESERVED', 'EXPIRED', 'CANCELLED'],
  EXPIRED: ['PAYING', 'CANCELLED'],
  COMPLETED: [],
  REFUNDED: [],
  CANCELLED: [],
};

/** An order exists once money was taken; REFUND_PENDING until the provider confirms the refund. */
export const ORDER_STATES: StateMachine<OrderStatus> = {
  COMPLETED: ['REFUND_PENDING'],
  REFUND_PENDING: ['REFUNDED'],
  REFUNDED: [],
};
