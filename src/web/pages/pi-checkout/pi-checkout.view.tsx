import type { CheckoutSessionView, SessionIntentView } from '../../../flows/purchase-intent-checkout-session.js';
import { minorDigits } from '../../../lib/money.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import { piCheckoutMessages } from './pi-checkout.messages.js';

type M = (typeof piCheckoutMessages)['en'];

/** What the last POST did, carried in the query of the 303 so a reload shows the same and repeats nothing. */
export type PaidFlash = 'deposit' | 'full';
export type DeclineReason = 'card_declined' | 'processing_error' | 'test_mode_live_card' | 'other';
export type PiNotice = 'unpayable' | 'refunded' | 'cancelRefused';

export interface PiFlash {
  paid?: PaidFlash | undefined;
  declined?: DeclineReason | undefined;
  canceled?: boolean | undefined;
  notice?: PiNotice | undefined;
}

export type CardField = 'cardNumber' | 'cardExpiry' | 'cardCvc';

/** The card form shown again after a refused field (the number and CVC are never echoed back). */
export interface CardFormState {
  errors: Partial<Record<CardField, string>>;
  expiry?: string | undefined;
}

export interface PiCheckoutProps {
  ctx: PageContext;
  session: CheckoutSessionView;
  /** The session's secret: the page's own URL and its forms carry it. */
  secret: string;
  flash: PiFlash;
  card?: CardFormState | undefined;
  /** Below this, the expiry is a live countdown (data-countdown) as well as a date. */
  countdownMs: number;
}

/** What the next payment charges: the deposits (all unpaid), what remains after a paid deposit, or the full price. */
export type PayPhase = 'deposit' | 'balance' | 'full';

export function payPhase(session: CheckoutSessionView): PayPhase {
  const open = session.intents.filter((i) => i.status === 'new');
  if (open.length > 0 && open.every((i) => i.deposit !== null && !i.deposit.paid)) return 'deposit';
  if (open.some((i) => i.deposit?.paid)) return 'balance';
  return 'full';
}

/** Amounts arrive in major units; the page adds them in minor units (no floating-point sums) and formats them once. */
function money(ctx: PageContext, currency: string) {
  const scale = 10 ** minorDigits(currency);
  const minor = (major: number) => Math.round(major * scale);
  return {
    minor,
    fmt: (major: number) => formatMinor(minor(major), currency, ctx.lang),
    fmtMinor: (m: number) => formatMinor(m, currency, ctx.lang),
  };
}

const zoneOf = (i: SessionIntentView | undefined): string => i?.event?.timeZone ?? 'UTC';

function pageSegments(session: CheckoutSessionView): string[] {
  return ['purchaseintents', 'checkout', session._id];
}

function ApprovalBadge({ intent, m }: { intent: SessionIntentView; m: M }) {
  if (intent.status === 'complete') return <span class="badge ok">{m.badgePaid}</span>;
  if (intent.status === 'canceled') return <span class="badge">{m.badgeCanceled}</span>;
  if (intent.approvalStatus === 'awaiting') return <span class="badge warn">{m.badgeAwaiting}</span>;
  if (intent.approvalStatus === 'rejected') return <span class="badge bad">{m.badgeRejected}</span>;
  return null;
}

function holderName(i: SessionIntentView): string | null {
  const parts = [i.firstname, i.lastname].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (parts.length > 0) return parts.join(' ');
  return i.name?.trim() ? i.name.trim() : null;
}

/** One intent: the event and date (in the event's zone), the items, the total and the deposit terms. */
function IntentCard({ ctx, session, intent, m, index }: { ctx: PageContext; session: CheckoutSessionView; intent: SessionIntentView; m: M; index: number }) {
  const { fmt, fmtMinor, minor } = money(ctx, session.currency);
  const ev = intent.event;
  const titleId = `pi-intent-${index}`;
  const holder = holderName(intent);
  return (
    <section class="card pi-intent" aria-labelledby={titleId}>
      <div class="spread">
        <h2 id={titleId}>{ev ? (ev.showTitle && ev.showTitle !== ev.title ? `${ev.title} · ${ev.showTitle}` : ev.title) : m.bookingRef(intent._id)}</h2>
        <ApprovalBadge intent={intent} m={m} />
      </div>
      {ev ? (
        <p class="pi-when">
          <time dateTime={ev.startsAt}>{formatDate(ev.startsAt, zoneOf(intent), ctx.lang, 'long')}</time>
        </p>
      ) : (
        <p class="muted small">{m.noEvent}</p>
      )}
      {holder ? <p class="muted small">{m.bookingFor(holder)}</p> : null}
      <table class="sum">
        <caption class="sr-only">{m.items}</caption>
        <tbody>
          {intent.items.map((item) => (
            <tr>
              <th scope="row">
                <span class="pi-item">{item.name}</span>
                {item.seat ? <span class="small muted pi-sub">{item.seat}</span> : null}
                <span class="small muted pi-sub">{m.each(item.amount, fmt(item.price))}</span>
              </th>
              <td>{fmt(item.total)}</td>
            </tr>
          ))}
          <tr class="total">
            <th scope="row">{m.total}</th>
            <td>{fmt(intent.total)}</td>
          </tr>
          {intent.deposit && intent.status !== 'complete' ? (
            <>
              <tr>
                <th scope="row">
                  {m.deposit} <span class={`badge ${intent.deposit.paid ? 'ok' : 'warn'}`}>{intent.deposit.paid ? m.depositPaidBadge : m.depositUnpaidBadge}</span>
                </th>
                <td>{fmt(intent.deposit.amount)}</td>
              </tr>
              {intent.status === 'new' ? (
                <tr>
                  <th scope="row">{intent.deposit.paid ? m.balanceDue : m.restLater}</th>
                  <td>{intent.deposit.paid ? fmt(intent.balanceDue) : fmtMinor(minor(intent.total) - minor(intent.deposit.amount))}</td>
                </tr>
              ) : null}
            </>
          ) : null}
        </tbody>
      </table>
      <p class="muted small pi-ref">{m.bookingRef(intent._id)}</p>
    </section>
  );
}

/** The session's expiry: a date in the event's zone, and a live countdown in its last hour. */
function Expiry({ ctx, session, m, countdownMs }: { ctx: PageContext; session: CheckoutSessionView; m: M; countdownMs: number }) {
  if (session.expiresAt === null) return null;
  const at = new Date(session.expiresAt);
  const left = at.getTime() - ctx.deps.clock.now().getTime();
  const date = formatDate(at, zoneOf(session.intents[0]), ctx.lang, 'long');
  if (left > 0 && left < countdownMs) {
    const s = Math.floor(left / 1000);
    return (
      <p class="pi-expiry">
        {m.timeLeft}{' '}
        <span class="countdown" data-countdown={session.expiresAt} data-expired-reload="">
          {`${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`}
        </span>
        <span class="muted small pi-sub">{m.payBefore(date)}</span>
      </p>
    );
  }
  return <p class="pi-expiry muted">{m.payBefore(date)}</p>;
}

function payLabel(m: M, phase: PayPhase, amount: string): string {
  return phase === 'deposit' ? m.payDeposit(amount) : phase === 'balance' ? m.payRemaining(amount) : m.pay(amount);
}

function CardInput({ id, name, label, error, hintId, extra }: { id: string; name: CardField; label: string; error: string | undefined; hintId: string; extra: Record<string, string | number | boolean | undefined> }) {
  const errorId = `${id}-error`;
  return (
    <div class="stack pi-field">
      <label for={id}>{label}</label>
      <input id={id} name={name} required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${errorId} ${hintId}` : hintId} {...extra} />
      {error ? (
        <p id={errorId} class="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function PayForm({ ctx, session, secret, m, card }: { ctx: PageContext; session: CheckoutSessionView; secret: string; m: M; card: CardFormState | undefined }) {
  const { fmt } = money(ctx, session.currency);
  const errors = card?.errors ?? {};
  const phase = payPhase(session);
  return (
    <form method="post" action={href(ctx, [...pageSegments(session), 'pay'])} class="stack pi-pay" aria-labelledby="pi-pay-title">
      <h2 id="pi-pay-title">{m.payTitle}</h2>
      <Csrf ctx={ctx} />
      <ReturnTo ctx={ctx} />
      <input type="hidden" name="secret" value={secret} />
      <CardInput
        id="pi-card-number"
        name="cardNumber"
        label={m.cardNumber}
        error={errors.cardNumber}
        hintId="pi-card-hint"
        extra={{ inputMode: 'numeric', autocomplete: 'cc-number', maxLength: 23, placeholder: '1234 1234 1234 1234', spellcheck: false }}
      />
      <div class="pi-card-row">
        <CardInput
          id="pi-card-expiry"
          name="cardExpiry"
          label={m.cardExpiry}
          error={errors.cardExpiry}
          hintId="pi-card-hint"
          extra={{ inputMode: 'numeric', autocomplete: 'cc-exp', maxLength: 7, placeholder: ctx.lang === 'es' ? 'MM/AA' : 'MM/YY', value: card?.expiry ?? '' }}
        />
        <CardInput id="pi-card-cvc" name="cardCvc" label={m.cardCvc} error={errors.cardCvc} hintId="pi-card-hint" extra={{ inputMode: 'numeric', autocomplete: 'cc-csc', maxLength: 4, placeholder: '123' }} />
      </div>
      <p id="pi-card-hint" class="hint">
        {m.cardHint}
      </p>
      <button type="submit" class="button primary block pi-pay-button">
        {payLabel(m, phase, fmt(session.amountDue))}
      </button>
    </form>
  );
}

function CancelSection({ ctx, session, secret, m }: { ctx: PageContext; session: CheckoutSessionView; secret: string; m: M }) {
  const brand = ctx.brand?.name ?? 'Encore';
  const depositNote = depositKeptText(ctx, session, m);
  if (!session.cancellable) {
    return (
      <section class="pi-cancel" aria-labelledby="pi-cancel-title">
        <h2 id="pi-cancel-title">{m.cancelTitle}</h2>
        <p class="muted">{m.cancelNotOnline(brand)}</p>
      </section>
    );
  }
  return (
    <section class="pi-cancel" aria-labelledby="pi-cancel-title">
      <h2 id="pi-cancel-title">{m.cancelTitle}</h2>
      <p class="muted">{m.cancelText}</p>
      {depositNote ? <p class="muted small">{depositNote}</p> : null}
      <form method="post" action={href(ctx, [...pageSegments(session), 'cancel'])} data-confirm={depositNote ? `${m.cancelConfirm} ${depositNote}` : m.cancelConfirm}>
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="secret" value={secret} />
        <button type="submit" class="button danger">
          {m.cancelButton}
        </button>
      </form>
    </section>
  );
}

/** A paid deposit stays with the organiser when the booking ends unpaid (ADR 0011): said plainly, or null. */
function depositKeptText(ctx: PageContext, session: CheckoutSessionView, m: M): string | null {
  const { minor, fmtMinor } = money(ctx, session.currency);
  const kept = session.intents.filter((i) => i.status !== 'complete' && i.deposit?.paid).reduce((n, i) => n + minor(i.deposit!.amount), 0);
  return kept > 0 ? m.depositKept(fmtMinor(kept), ctx.brand?.name ?? 'Encore') : null;
}

/** The receipt of a complete session: each intent's payments (deposit + balance, or in full) and the reference. */
function Receipt({ ctx, session, m }: { ctx: PageContext; session: CheckoutSessionView; m: M }) {
  const { minor, fmtMinor } = money(ctx, session.currency);
  const done = session.intents.filter((i) => i.status === 'complete');
  const total = done.reduce((n, i) => n + minor(i.total), 0);
  return (
    <section class="card pi-receipt" aria-labelledby="pi-receipt-title">
      <h2 id="pi-receipt-title">{m.receiptTitle}</h2>
      <table class="sum">
        <tbody>
          {done.map((i) => {
            const label = i.event?.title ?? m.bookingRef(i._id);
            if (i.deposit?.paid) {
              const dep = minor(i.deposit.amount);
              return (
                <>
                  <tr>
                    <th scope="row">{`${label} · ${m.paidDepositLine}`}</th>
                    <td>{fmtMinor(dep)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{`${label} · ${m.paidBalanceLine}`}</th>
                    <td>{fmtMinor(minor(i.total) - dep)}</td>
                  </tr>
                </>
              );
            }
            return (
              <tr>
                <th scope="row">{`${label} · ${m.paidInFull}`}</th>
                <td>{fmtMinor(minor(i.total))}</td>
              </tr>
            );
          })}
          <tr class="total">
            <th scope="row">{m.totalPaid}</th>
            <td>{fmtMinor(total)}</td>
          </tr>
        </tbody>
      </table>
      <p class="pi-reference">
        <span class="muted small">{m.reference}</span> <code>{session._id}</code>
      </p>
    </section>
  );
}

function declinedText(m: M, reason: DeclineReason): string {
  switch (reason) {
    case 'card_declined':
      return m.declinedCard;
    case 'processing_error':
      return m.declinedProcessing;
    case 'test_mode_live_card':
      return m.declinedTestMode;
    case 'other':
      return m.declinedOther;
  }
}

/** The notice a POST left for this GET, shown only while it still describes the session. */
function FlashNotice({ session, flash, m, phase }: { session: CheckoutSessionView; flash: PiFlash; m: M; phase: PayPhase }) {
  const notices: { cls: 'ok' | 'warn' | 'bad'; text: string; alert?: boolean }[] = [];
  if (flash.paid === 'deposit' && session.status === 'open' && phase === 'balance') notices.push({ cls: 'ok', text: m.paidDeposit });
  // `paid=full` needs no notice of its own: the complete state thanks the fan and shows the receipt.
  if (flash.declined && session.status === 'open' && session.payable) notices.push({ cls: 'bad', text: declinedText(m, flash.declined), alert: true });
  if (flash.canceled && session.status === 'canceled') notices.push({ cls: 'ok', text: m.canceledByYou });
  if (flash.notice === 'unpayable') notices.push({ cls: 'warn', text: m.unpayable });
  if (flash.notice === 'refunded') notices.push({ cls: 'warn', text: m.refunded });
  if (flash.notice === 'cancelRefused') notices.push({ cls: 'warn', text: m.cancelRefused });
  return (
    <>
      {notices.map((n) => (
        <p class={`notice ${n.cls}`} role={n.alert ? 'alert' : 'status'}>
          {n.text}
        </p>
      ))}
    </>
  );
}

type Shown = 'pay' | 'awaiting' | 'rejected' | 'notOnline' | 'complete' | 'expired' | 'canceled';

function shownState(session: CheckoutSessionView): Shown {
  switch (session.status) {
    case 'complete':
      return 'complete';
    case 'expired':
      return 'expired';
    case 'canceled':
      return 'canceled';
    case 'open':
      break;
  }
  if (session.payable) return 'pay';
  const reason = session.refusal?.reason;
  if (reason === 'rejected') return 'rejected';
  if (reason === 'notOnline') return 'notOnline';
  // awaitingApproval; the other reasons (complete, canceled, expired) belong to intents that no longer block an open session.
  return 'awaiting';
}

/**
 * The purchase-intent checkout page. Open: the amount due now is the biggest number and the pay
 * button says it ("Pay deposit 40,00 €", then "Pay remaining 160,00 €"); awaiting approval, rejected
 * or box-office only: why it cannot be paid and what happens next; complete: the receipt; expired
 * and canceled: what that means for the fan. Cancel is offered while the strategy allows it.
 */
export function PiCheckoutPage({ ctx, session, secret, flash, card, countdownMs }: PiCheckoutProps) {
  const m = messagesFor(piCheckoutMessages, ctx.lang);
  const { minor, fmt, fmtMinor } = money(ctx, session.currency);
  const shown = shownState(session);
  const phase = payPhase(session);
  const open = session.intents.filter((i) => i.status === 'new');
  const brand = ctx.brand?.name ?? 'Encore';
  const title =
    shown === 'pay'
      ? phase === 'balance'
        ? m.titleDepositPaid
        : m.titleOpen
      : shown === 'awaiting'
        ? m.titleAwaiting
        : shown === 'rejected'
          ? m.titleRejected
          : shown === 'notOnline'
            ? m.titleNotOnline
            : shown === 'complete'
              ? m.titleComplete
              : shown === 'expired'
                ? m.titleExpired
                : m.titleCanceled;
  const depositPending = open.some((i) => i.deposit !== null && !i.deposit.paid);
  const balanceAfterDeposit = open.reduce((n, i) => n + minor(i.total), 0) - minor(session.amountDue);
  const openTotal = open.reduce((n, i) => n + minor(i.balanceDue), 0);
  const rejection = session.intents.find((i) => i.approvalStatus === 'rejected' && i.status === 'new')?.rejectionReason ?? null;
  const depositNote = depositKeptText(ctx, session, m);
  const isOpen = session.status === 'open';

  return (
    <Layout ctx={ctx} title={m.pageTitle} narrow>
      <h1>{title}</h1>
      <FlashNotice session={session} flash={flash} m={m} phase={phase} />

      {shown === 'pay' ? (
        <section class="pi-due">
          <p class="pi-due-label">{phase === 'deposit' ? m.depositNow : phase === 'balance' ? m.remainingNow : m.dueNow}</p>
          <p class="pi-amount">{fmt(session.amountDue)}</p>
          {depositPending && balanceAfterDeposit > 0 ? <p class="muted small">{m.depositExplained(fmtMinor(balanceAfterDeposit))}</p> : null}
          <Expiry ctx={ctx} session={session} m={m} countdownMs={countdownMs} />
        </section>
      ) : null}

      {shown === 'awaiting' ? (
        <section class="pi-state">
          <p class="notice warn" role="status">
            {m.awaitingText}
          </p>
          <p>{m.awaitingNext}</p>
          <p class="muted small">
            {m.toPayLater}: <span class="num">{fmtMinor(openTotal)}</span>
          </p>
          {session.expiresAt ? <p class="muted small">{m.expiresAt(formatDate(session.expiresAt, zoneOf(session.intents[0]), ctx.lang, 'long'))}</p> : null}
        </section>
      ) : null}

      {shown === 'rejected' ? (
        <section class="pi-state">
          <p class="notice bad" role="status">
            {m.rejectedText}
          </p>
          {rejection ? <p>{m.rejectedReason(rejection)}</p> : null}
        </section>
      ) : null}

      {shown === 'notOnline' ? (
        <section class="pi-state">
          <p class="notice warn" role="status">
            {m.notOnlineText}
          </p>
        </section>
      ) : null}

      {shown === 'complete' ? (
        <>
          <p class="notice ok" role="status">
            {m.receiptThanks}
          </p>
          <Receipt ctx={ctx} session={session} m={m} />
          <p class="muted small">{m.receiptNext(brand)}</p>
        </>
      ) : null}

      {shown === 'expired' ? (
        <section class="pi-state">
          <p>{session.expiresAt ? m.expiredText(formatDate(session.expiresAt, zoneOf(session.intents[0]), ctx.lang, 'long')) : m.expiredTextNoDate}</p>
          {depositNote ? <p class="notice warn">{depositNote}</p> : null}
        </section>
      ) : null}

      {shown === 'canceled' ? (
        <section class="pi-state">
          <p>{m.canceledText}</p>
          {depositNote ? <p class="notice warn">{depositNote}</p> : null}
        </section>
      ) : null}

      {session.intents.map((intent, index) => (
        <IntentCard ctx={ctx} session={session} intent={intent} m={m} index={index} />
      ))}

      {shown === 'pay' ? (
        <section class="card">
          <PayForm ctx={ctx} session={session} secret={secret} m={m} card={card} />
        </section>
      ) : null}

      {isOpen && shown !== 'rejected' ? <CancelSection ctx={ctx} session={session} secret={secret} m={m} /> : null}
    </Layout>
  );
}
