import type { StateMachine } from '../../lib/state-machine.js';
import type { ApprovalStatus, IntentStatus } from './intents.tables.js';

/**
 * A purchase intent's lifecycle (SPEC §7): `new` until it is completed (checkout) or canceled (by
 * the seller, the customer, or expiry). Both ends are final: a complete intent cannot be canceled,
 * a canceled one cannot be completed.
 */
export const INTENT_STATES: StateMachine<IntentStatus> = {
  new: ['complete', 'canceled'],
  complete: [],
  canceled: [],
};

/**
 * The seller's approval, which gates checkout. It may change in any direction while the intent is
 * `new` (a seller can revoke an approval or reconsider a rejection); once the intent is complete or
 * canceled the approval is frozen — the service checks that before this table.
 */
export const APPROVAL_STATES: StateMachine<ApprovalStatus> = {
  awaiting: ['approved', 'rejected'],
  approved: ['rejected', 'awaiting'],
  rejected: ['approved', 'awaiting'],
};
