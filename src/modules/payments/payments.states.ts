import type { StateMachine } from '../../lib/state-machine.js';
import type { PaymentStatus } from './payments.tables.js';

/** A payment: PROCESSING while the provider is asked; SUCCEEDED can only be refunded afterwards. */
export const PAYMENT_STATES: StateMachine<PaymentStatus> = {
  PROCESSING: ['SUCCEEDED', 'DECLINED', 'FAILED'],
  SUCCEEDED: ['REFUNDED'],
  DECLINED: [],
  FAILED: [],
  REFUNDED: [],
};
