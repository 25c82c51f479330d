export { findPayment, findStuckPayments, latestPaymentOf, markRefunded, normalizeCardNumber, paymentProvider, recordChargeResult, startPayment } from './payments.service.js';
export type { ChargeResult, PaymentProvider } from './payments.provider.js';
export { SANDBOX_CARDS, SandboxProvider } from './payments.sandbox.js';
export type { PaymentRow } from './payments.repository.js';
