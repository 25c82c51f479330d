import type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest } from './payments.provider.js';

/** The test cards of the built-in sandbox, as a card processor's test mode has them. */
export const SANDBOX_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
  failsAfterDelay: '4000000000000259',
  /** Taken at once, answered after the delay: the window in which a process can die between charge and confirm. */
  succeedsAfterDelay: '4000000000003253',
} as const;

/**
 * The built-in `sandbox` provider. Deterministic, so it needs no state of its own: the outcome
 * follows from the card number, and the provider reference from Encore's payment id (the same
 * payment charged twice gets the same reference, as with an idempotency key).
 * - 4242 4242 4242 4242 succeeds;
 * - 4000 0000 0000 0002 is declined (`card_declined`);
 * - 4000 0000 0000 0259 fails after `delayMs` (`processing_error`), like a processor timing out;
 * - 4000 0000 0000 3253 is charged at once but answered only after `delayMs` (a slow processor that
 *   did take the money: `retrieve` then says succeeded);
 * - any other (Luhn-valid) number is declined as `test_mode_live_card`: the sandbox never pretends a
 *   real card was charged.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(private readonly delayMs: number) {}

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    const providerRef = `sbx_ch_${req.paymentId}`;
    const last4 = req.cardNumber.slice(-4);
    switch (req.cardNumber) {
      case SANDBOX_CARDS.succeeds:
        return { status: 'succeeded', providerRef, last4 };
      case SANDBOX_CARDS.declined:
        return { status: 'declined', providerRef, last4, code: 'card_declined', message: 'The card was declined.' };
      case SANDBOX_CARDS.failsAfterDelay:
        await new Promise((r) => setTimeout(r, this.delayMs));
        return { status: 'failed', providerRef, last4, code: 'processing_error', message: 'The card processor did not answer in time.' };
      case SANDBOX_CARDS.succeedsAfterDelay:
        await new Promise((r) => setTimeout(r, this.delayMs));
        return { status: 'succeeded', providerRef, last4 };
      default:
        return { status: 'declined', providerRef, last4, code: 'test_mode_live_card', message: 'The sandbox only accepts its test cards.' };
    }
  }

  /** The sandbox keeps no state: the last four digits tell its test cards apart. */
  async retrieve(req: { paymentId: string; cardLast4: string | null }): Promise<ChargeResult | undefined> {
    if (req.cardLast4 === null) return undefined;
    const card = Object.values(SANDBOX_CARDS).find((c) => c.endsWith(req.cardLast4!)) ?? `000000000000${req.cardLast4}`;
    const providerRef = `sbx_ch_${req.paymentId}`;
    if (card === SANDBOX_CARDS.succeeds || card === SANDBOX_CARDS.succeedsAfterDelay) return { status: 'succeeded', providerRef, last4: req.cardLast4 };
    if (card === SANDBOX_CARDS.declined) return { status: 'declined', providerRef, last4: req.cardLast4, code: 'card_declined', message: 'The card was declined.' };
    if (card === SANDBOX_CARDS.failsAfterDelay) return { status: 'failed', providerRef, last4: req.cardLast4, code: 'processing_error', message: 'The card processor did not answer in time.' };
    return { status: 'declined', providerRef, last4: req.cardLast4, code: 'test_mode_live_card', message: 'The sandbox only accepts its test cards.' };
  }

  async refund(req: RefundRequest): Promise<{ refundRef: string }> {
    return { refundRef: `sbx_re_${req.paymentId}` };
  }
}
