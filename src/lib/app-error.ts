/**
 * The closed table of error codes. Services raise AppError with one of these; the HTTP layer maps the
 * code to a status (api/shared/errors.ts) and renders it in the family's envelope. Adding a code here is
 * a contract change: clients switch on these strings.
 */
export const ERROR_CODES = {
  VALIDATION_ERROR: 400,
  INVALID_CURRENCY: 400,
  INVALID_DATE: 400,
  DUPLICATE_ID: 400,
  UNKNOWN_REFERENCE: 400,
  SHOW_ID_REQUIRED: 400,
  INVALID_RULE: 400,
  INVALID_STATE_TRANSITION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  SHOW_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  // The HTTP edge (SPEC §1.1)
  UNKNOWN_FIELD: 400,
  NESTING_TOO_DEEP: 400,
  INVALID_URL: 400,
  URI_TOO_LONG: 414,
  REQUEST_TIMEOUT: 408,
  EVENT_EXISTS: 409,
  EVENT_CANCELLED: 409,
  SHOW_CANCELLED: 409,
  SHOW_HAS_TICKETS: 409,
  IDEMPOTENCY_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_RESPONSE_LOST: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RULE_REFUSED: 422,
  RATE_LIMITED: 429,
  // Admission at the gate (SPEC §3)
  TICKET_NOT_FOUND: 404,
  ALREADY_ADMITTED: 409,
  ACCESS_CODE_MISMATCH: 409,
  ACCESS_CODE_SUPERSEDED: 409,
  TICKET_DELETED: 409,
  TICKET_CANCELLED: 409,
  TICKET_NOT_ADMISSIBLE: 409,
  // Tickets (SPEC §3)
  TICKET_EXISTS: 409,
  TICKET_USED: 409,
  TICKET_INVALID: 409,
  JOB_NOT_FOUND: 404,
  // Resale marketplace (SPEC §4)
  LISTING_NOT_FOUND: 404,
  LEAD_NOT_FOUND: 404,
  PAYOUT_ACCOUNT_NOT_FOUND: 404,
  INTENTION_NOT_FOUND: 404,
  TICKET_NOT_LISTABLE: 409,
  TICKET_ALREADY_LISTED: 409,
  LISTING_UNAVAILABLE: 409,
  LISTING_LIMIT: 422,
  LISTING_NOT_ACTIVE: 409,
  LISTINGS_NOT_COMPATIBLE: 400,
  NOT_TICKET_OWNER: 422,
  OWN_LISTING: 409,
  PAYMENT_IN_PROGRESS: 409,
  INTENTION_CLOSED: 409,
  RESALE_DISABLED: 422,
  RESALE_NOT_OPEN: 422,
  RESALE_CLOSED: 422,
  PRICE_BELOW_MINIMUM: 422,
  PRICE_ABOVE_MAXIMUM: 422,
  PRICE_ABOVE_MARKUP_CAP: 422,
  TOO_MANY_TICKETS_IN_LISTING: 422,
  // Fan-to-fan transfer (SPEC §4.1 item 8)
  TRANSFER_DISABLED: 422,
  TRANSFER_CLOSED: 422,
  TRANSFER_TO_SELF: 422,
  TICKET_RESERVED: 409,
  // Marketplace URL endpoints (SPEC §4, §5)
  RETURN_TO_NOT_ALLOWED: 400,
  ORDER_NOT_FOUND: 404,
  // Purchase intents (SPEC §7)
  PURCHASE_INTENT_NOT_FOUND: 404,
  NOT_ENOUGH_AVAILABILITY: 400,
  PURCHASE_INTENT_NOT_PAYABLE: 400,
  PURCHASE_INTENT_PAYMENT_DECLINED: 400,
  // The hosted pages (SPEC §4.1)
  FORM_EXPIRED: 403,
  LINK_EXPIRED: 410,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    // A 4xx is an expected answer, not a fault: nobody reads its stack, and capturing one is a
    // measurable share of a refused request in an on-sale race. 5xx codes keep theirs.
    const limit = Error.stackTraceLimit;
    if (ERROR_CODES[code] < 500) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
