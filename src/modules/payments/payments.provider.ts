/**
 * The payment-provider interface (SPEC §4). A provider charges and refunds cards; Encore never holds
 * card data beyond the last four digits. Both calls are idempotent by Encore's payment id, so a
 * retry after a crash or a timeout can never charge twice (Stripe's idempotency keys, Adyen's
 * reference): that is what lets the purchase flow call the provider outside any transaction and
 * confirm afterwards.
 */
export interface ChargeRequest {
  paymentId: string;
  amountMinor: number;
  currency: string;
  cardNumber: string;
}

export type ChargeResult =
  | { status: 'succeeded'; providerRef: string; last4: string }
  | { status: 'declined' | 'failed'; providerRef: string; last4: string; code: string; message: string };

export interface RefundRequest {
  paymentId: string;
  providerRef: string;
  amountMinor: number;
  currency: string;
}

export interface PaymentProvider {
  readonly name: string;
  charge(req: ChargeRequest): Promise<ChargeResult>;
  refund(req: RefundRequest): Promise<{ refundRef: string }>;
  /**
   * What became of a charge Encore never heard back about (the process died mid-call): looked up
   * by Encore's payment id, as a processor's idempotency key allows. Undefined: it never happened.
   */
  retrieve(req: { paymentId: string; cardLast4: string | null }): Promise<ChargeResult | undefined>;
}

/** Luhn check: a mistyped card number is a 400 before any provider is called. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
