export { findPayment, latestPaymentOf, normalizeCardNumber, paymentInFlight, paymentProvider, paymentsOf } from './payments.service.js';
export {
  beginPayment,
  beginPaymentWithLines,
  chargePayment,
  confirmPayment,
  PAYMENT_REFUND_JOB,
  reconcileStuckPayments,
  refundPayment,
  requestRefund,
  STUCK_PAYMENT_MS,
  type BeginPayment,
  type PaymentDeps,
  type Settlement,
} from './payments.engine.js';
export type { ChargeResult, PaymentProvider } from './payments.provider.js';
export { SANDBOX_CARDS, SandboxProvider } from './payments.sandbox.js';
export type { LineInput, PaymentLineRow, PaymentRow } from './payments.repository.js';
export type { PaymentLineKind, PaymentPurpose, PaymentStatus } from './payments.tables.js';
