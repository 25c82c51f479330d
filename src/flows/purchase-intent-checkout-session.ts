import { withTx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { toMajor } from '../lib/money.js';
import { negotiateLang, type Lang } from '../lib/urls.js';
import { findShow } from '../modules/events/index.js';
import { hostedPageUrl, purchaseIntentCheckoutPage } from '../modules/marketplace-urls/index.js';
import { paymentInFlight } from '../modules/payments/index.js';
import {
  amountDue,
  assertCustomerMayCancel,
  checkoutLines,
  checkoutSessionStatus,
  depositTerms,
  earliestExpiry,
  findCheckoutSession,
  findIntentRow,
  insertCheckoutSession,
  lockCheckoutIntents,
  nextCharge,
  paymentRefusal,
  publicActor,
  recordCheckoutSessionStatus,
  type CheckoutItem,
  type CheckoutSessionRow,
  type CheckoutSessionStatus,
  type IntentRow,
  type PaymentRefusalReason,
} from '../modules/purchase-intents/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import { payIntents, type CheckoutDeps, type CheckoutResult, type DeclinedPayment } from './purchase-intent-checkout.js';
import { cancelPublicIntent } from './purchase-intent-public.js';

/**
 * Purchase-intent checkout sessions (SPEC §7, §4.1 item 9): `POST …/checkout` without a card answers
 * a session whose `url` is the hosted checkout page; the page reads, pays and cancels through the
 * three services below, with the session's secret (from the URL) as the only credential.
 *
 * - Creating one checks what the immediate checkout checks before charging (each intent's secret, one
 *   seller, one currency, every intent payable now: new, approved, not expired, `Online` allowed), so
 *   a client learns at once that an intent cannot be paid, exactly as with a card (SPEC §7: checkout
 *   is refused until approved). Nothing of the intents changes; a client may create several sessions.
 * - A session is a view over its intents, never a second truth: its status is computed from them and
 *   the clock each time (the seller's API, the expiry job, the immediate checkout change them too). The
 *   stored status records what the session's own page did (paid, canceled).
 * - Paying goes through the one checkout (`payIntents`: lock, charge outside any transaction,
 *   confirm) with the session's id as the payment's `checkout_id`, so every intent it completes has
 *   `outcome.checkoutId` = the session's `_id`. What is due now is what the next payment charges: the
 *   deposit when the strategy asks for one and it is unpaid, else the balance or the full price; the
 *   first payment of a deposit intent pays the deposit (the intent stays new), the next completes it.
 *   Intents already complete (paid by an earlier payment of the session) are left out.
 * - Canceling is the public cancel of each open intent (SPEC §7: refused when the strategy forbids it),
 *   every intent checked first so that a refusal changes nothing.
 */

export type SessionDeps = CheckoutDeps;

/** `POST …/checkout` without `cardNumber`: the session as the API answers it (money in major units). */
export interface CheckoutSessionAnswer {
  _id: string;
  url: string;
  purchaseIntentIds: string[];
  amount: number;
  currency: string;
  status: CheckoutSessionStatus;
  expiresAt: string | null;
}

export interface CreateSessionInput {
  items: CheckoutItem[];
  salesChannelId?: string | undefined;
  /** Any BCP 47 tag; the tenant's default language otherwise. */
  lang?: string | undefined;
}

/** Why an intent (or the session) cannot be paid now: a stable reason for the page's words, and Encore's message. */
export interface Refusal {
  purchaseIntentId: string;
  reason: PaymentRefusalReason;
  message: string;
}

/** One intent as the checkout page shows it (money in major units of the session's currency). */
export interface SessionIntentView {
  _id: string;
  status: IntentRow['status'];
  approvalStatus: IntentRow['approval_status'];
  rejectionReason: string | null;
  name: string | null;
  firstname: string | null;
  lastname: string | null;
  /** The event and show, when the show still exists. Dates are ISO; `timeZone` is the event's (IANA), null when it has none (UTC). */
  event: { title: string; showTitle: string | null; startsAt: string; timeZone: string | null } | null;
  items: { _id: string; kind: 'ticket' | 'product' | 'additional'; name: string; seat: string | null; amount: number; price: number; total: number }[];
  /** realPrice. */
  total: number;
  /** The strategy's deposit (or the one paid); null when the intent is paid in full at once. */
  deposit: { amount: number; paid: boolean } | null;
  /** What remains to pay: total − a paid deposit; 0 once complete. */
  balanceDue: number;
  /** What the session's next payment charges for this intent (deposit, balance or total); 0 unless it is new. */
  dueNow: number;
  expiresAt: string | null;
  /** Why it cannot be paid now (`awaitingApproval`: not yet), or null. */
  refusal: Refusal | null;
  /** Whether the customer may cancel it (`cancellationStrategy`), while it is new. */
  cancellationAllowed: boolean;
}

/** What the hosted purchase-intent checkout page shows (readCheckoutSession). */
export interface CheckoutSessionView {
  _id: string;
  /** The tenant (white-labelling). */
  sellerId: string;
  status: CheckoutSessionStatus;
  lang: Lang;
  currency: string;
  purchaseIntentIds: string[];
  createdAt: string;
  /** The earliest expiry of its open intents (the countdown); null when none expires. */
  expiresAt: string | null;
  /** What paying now charges: the sum of the open intents' `dueNow`; 0 unless the session is open. */
  amountDue: number;
  /** Whether the page may offer to pay: open, and every open intent payable now. */
  payable: boolean;
  /** Why an open session cannot be paid now (the first intent that blocks it), or null. */
  refusal: Refusal | null;
  /** Whether the page may offer to cancel: open, and every open intent's strategy allows it. */
  cancellable: boolean;
  intents: SessionIntentView[];
}

export type PaySessionResult =
  | { outcome: 'paid'; kind: CheckoutResult['status']; payment: CheckoutResult['payment']; amount: number; session: CheckoutSessionView }
  | { outcome: 'declined'; payment: DeclinedPayment['payment']; session: CheckoutSessionView };

/** `POST …/:id/checkout` and `POST …/checkout` without `cardNumber`. */
export async function createCheckoutSession(deps: SessionDeps, input: CreateSessionInput): Promise<CheckoutSessionAnswer> {
  if (input.items.length === 0) throw new AppError('VALIDATION_ERROR', 'items must name at least one purchase intent', { field: 'items' });
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    // Locked like the immediate checkout, so the checks below hold for what this transaction sees last.
    const { tenantId, currency, rows } = await lockCheckoutIntents(tx, input.items);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const intents = input.items.map((i) => byId.get(i.purchaseIntentId)!);
    let dueMinor = 0;
    for (const row of intents) dueMinor += (await amountDue(tx, row, now)).amountMinor;
    const settings = await getMarketSettings(tx, tenantId);
    const lang = negotiateLang(input.lang, settings.defaultLanguage);
    const { row, secret } = await insertCheckoutSession(tx, publicActor(tenantId), { tenantId, intents, currency, lang, salesChannelId: input.salesChannelId ?? null, now });
    return {
      _id: row.id,
      url: hostedPageUrl(deps.config.publicUrl, purchaseIntentCheckoutPage(row.id, secret), { lang }),
      purchaseIntentIds: row.intent_ids,
      amount: toMajor(dueMinor, currency),
      currency,
      status: 'open',
      expiresAt: row.expires_at?.toISOString() ?? null,
    };
  });
}

async function intentsOf(deps: Pick<SessionDeps, 'db'>, row: CheckoutSessionRow): Promise<(IntentRow | undefined)[]> {
  const out: (IntentRow | undefined)[] = [];
  for (const id of row.intent_ids) out.push(await findIntentRow(deps.db, row.tenant_id, id));
  return out;
}

type ShowInfo = Awaited<ReturnType<typeof findShow>>;

/** The intent as the page shows it, and its `dueNow` in minor units (summed without floating point). */
async function intentView(deps: Pick<SessionDeps, 'db'>, r: IntentRow, show: ShowInfo, now: Date): Promise<{ view: SessionIntentView; dueMinor: number }> {
  const refused = paymentRefusal(r, now);
  const terms = await depositTerms(deps.db, r);
  const next = await nextCharge(deps.db, r, terms);
  const real = Number(r.real_price_minor);
  const titles = new Map((show?.show.ticketOptions ?? []).map((o) => [o.ticketId, o.title]));
  const dueMinor = r.status === 'new' ? next.amountMinor : 0;
  const view: SessionIntentView = {
    _id: r.id,
    status: r.status,
    approvalStatus: r.approval_status,
    rejectionReason: r.rejection_reason,
    name: r.name,
    firstname: r.firstname,
    lastname: r.lastname,
    event: show ? { title: show.event.title, showTitle: show.show.title, startsAt: show.show.startsAt.toISOString(), timeZone: show.event.timeZone } : null,
    items: checkoutLines(r).map(({ ticketTypeId, name, ...line }) => ({ ...line, name: name ?? (ticketTypeId !== null ? (titles.get(ticketTypeId) ?? ticketTypeId) : line._id) })),
    total: toMajor(real, r.currency),
    deposit: terms.requiredMinor !== null ? { amount: toMajor(terms.requiredMinor, r.currency), paid: terms.paidMinor !== null } : null,
    balanceDue: r.status === 'complete' ? 0 : toMajor(Math.max(0, real - (terms.paidMinor ?? 0)), r.currency),
    dueNow: toMajor(dueMinor, r.currency),
    expiresAt: r.expires_at?.toISOString() ?? null,
    refusal: refused ? { purchaseIntentId: r.id, reason: refused.reason, message: refused.error.message } : null,
    cancellationAllowed: r.status === 'new' && r.cancellation_strategy !== 'notAllowed',
  };
  return { view, dueMinor };
}

async function sessionView(deps: Pick<SessionDeps, 'db' | 'clock'>, row: CheckoutSessionRow): Promise<CheckoutSessionView> {
  const now = deps.clock.now();
  const rows = await intentsOf(deps, row);
  const status = checkoutSessionStatus(rows, now);
  const present = rows.filter((r): r is IntentRow => r !== undefined);
  const shows = new Map<string, ShowInfo>();
  const intents: SessionIntentView[] = [];
  let dueMinor = 0;
  for (const r of present) {
    if (!shows.has(r.show_pk)) shows.set(r.show_pk, await findShow(deps.db, r.tenant_id, { id: r.show_pk }));
    const { view, dueMinor: due } = await intentView(deps, r, shows.get(r.show_pk), now);
    intents.push(view);
    dueMinor += due;
  }
  const open = intents.filter((i) => i.status === 'new');
  const isOpen = status === 'open';
  const refusal = isOpen ? (open.find((i) => i.refusal !== null)?.refusal ?? null) : null;
  return {
    _id: row.id,
    sellerId: row.tenant_id,
    status,
    lang: row.lang,
    currency: row.currency,
    purchaseIntentIds: row.intent_ids,
    createdAt: row.created_at.toISOString(),
    expiresAt: (earliestExpiry(present) ?? row.expires_at)?.toISOString() ?? null,
    amountDue: isOpen ? toMajor(dueMinor, row.currency) : 0,
    payable: isOpen && refusal === null,
    refusal,
    cancellable: isOpen && open.every((i) => i.cancellationAllowed),
    intents,
  };
}

/**
 * What the hosted page shows for `id` and its secret; null for an unknown id and a wrong secret alike
 * (the page answers both with the same 404).
 */
export async function readCheckoutSession(deps: Pick<SessionDeps, 'db' | 'clock'>, id: string, secret: string | undefined): Promise<CheckoutSessionView | null> {
  const row = await findCheckoutSession(deps.db, id, secret);
  return row ? sessionView(deps, row) : null;
}

/** The session's open intents, or why it cannot be acted on (its live status). */
async function openIntents(deps: Pick<SessionDeps, 'db' | 'clock'>, row: CheckoutSessionRow, what: 'paid' | 'canceled'): Promise<{ status: CheckoutSessionStatus; open: IntentRow[] }> {
  const rows = await intentsOf(deps, row);
  const status = checkoutSessionStatus(rows, deps.clock.now());
  const open = rows.filter((r): r is IntentRow => r?.status === 'new');
  if (status !== 'open' && !(what === 'canceled' && status === 'canceled')) {
    const code = what === 'paid' ? 'PURCHASE_INTENT_NOT_PAYABLE' : 'INVALID_STATE_TRANSITION';
    throw new AppError(code, `checkout ${row.id} cannot be ${what}: it is ${status}`, { details: { checkoutId: row.id, status } });
  }
  return { status, open };
}

/**
 * The page's pay button: charges what is due now for the session's open intents through the one
 * checkout (the deposit first when the strategy asks for one; the next call the balance, completing
 * them). A declined or failed card is an outcome the page shows (the intents are unchanged and the fan
 * may retry). Null for an unknown id or a wrong secret. Refusals are AppErrors: an invalid card number
 * (VALIDATION_ERROR on `cardNumber`), a session no longer open or an intent not payable now
 * (PURCHASE_INTENT_NOT_PAYABLE: awaiting approval, expired, …, or a payment already in progress).
 */
export async function paySession(deps: SessionDeps, id: string, secret: string | undefined, cardNumber: string): Promise<PaySessionResult | null> {
  const row = await findCheckoutSession(deps.db, id, secret);
  if (!row) return null;
  const { open } = await openIntents(deps, row, 'paid');
  // The checkout finds each intent again by its own secret, under its lock: the session's secret
  // stands for theirs (whoever created the session held them), and there stays one checkout path.
  const paid = await payIntents(deps, {
    items: open.map((r) => ({ purchaseIntentId: r.id, secret: r.secret })),
    cardNumber,
    salesChannelId: row.sales_channel_id ?? undefined,
    checkoutId: row.id,
  });
  const session = await sessionView(deps, row);
  if (paid.outcome === 'declined') return { outcome: 'declined', payment: paid.payment, session };
  if (session.status === 'complete') await withTx(deps.db, (tx) => recordCheckoutSessionStatus(tx, publicActor(row.tenant_id), row, 'complete', deps.clock.now()));
  return { outcome: 'paid', kind: paid.result.status, payment: paid.result.payment, amount: paid.result.amount, session };
}

/**
 * The page's cancel button: the public cancel of each open intent (tickets INVALID, places released;
 * a paid deposit is kept). Every intent is checked first — a strategy that forbids it
 * (INVALID_STATE_TRANSITION naming `cancellationStrategy`), a payment in progress — so a refusal
 * changes nothing. A session already canceled answers as it is (a second click). Null for an unknown
 * id or a wrong secret.
 */
export async function cancelSession(deps: SessionDeps, id: string, secret: string | undefined): Promise<CheckoutSessionView | null> {
  const row = await findCheckoutSession(deps.db, id, secret);
  if (!row) return null;
  const { status, open } = await openIntents(deps, row, 'canceled');
  if (status === 'open') {
    for (const r of open) assertCustomerMayCancel(r);
    const inflight = await paymentInFlight(deps.db, row.tenant_id, 'PURCHASE_INTENTS', open.map((r) => r.id));
    if (inflight !== undefined) throw new AppError('PURCHASE_INTENT_NOT_PAYABLE', `checkout ${id} cannot be canceled: a payment for it is in progress`, { details: { paymentId: inflight } });
    // One transaction per intent (the public cancel's own); each re-checks its intent under its lock.
    for (const r of open) await cancelPublicIntent(deps, r.id, r.secret);
  }
  await withTx(deps.db, (tx) => recordCheckoutSessionStatus(tx, publicActor(row.tenant_id), row, 'canceled', deps.clock.now()));
  return sessionView(deps, row);
}
