import type { TransferReceipt } from '../../../flows/ticket-transfer-receipt.js';
import type { TransferEligibility, TransferTicketSummary } from '../../../flows/ticket-transfer.js';
import { listingPage, myTicketsPage } from '../../../modules/marketplace-urls/index.js';
import { formatDate } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import { SignInForm } from '../../sign-in/sign-in.view.js';
import { transferMessages } from './transfer.messages.js';

type M = (typeof transferMessages)['en'];

export type TransferField = 'toEmail' | 'toName' | 'confirm';

/** The form as the fan sent it, with an error per refused field (shown again with a 400). */
export interface TransferFormState {
  toEmail: string;
  toName: string;
  confirmed: boolean;
  errors: Partial<Record<TransferField, string>>;
}

export type TransferView =
  /** `next`: where sign-in returns to (this page, with its ticket). */
  | { kind: 'signIn'; next: string }
  | { kind: 'eligible'; eligibility: Extract<TransferEligibility, { ok: true }>; form?: TransferFormState | undefined }
  | { kind: 'refused'; eligibility: Extract<TransferEligibility, { ok: false }> & { ticket: TransferTicketSummary } }
  | { kind: 'done'; receipt: TransferReceipt };

const zoneOf = (t: TransferTicketSummary): string => t.timeZone ?? 'UTC';

function seatText(m: M, seat: TransferTicketSummary['seat']): string {
  const parts = [seat?.section && m.section(seat.section), seat?.row && m.row(seat.row), seat?.seat && m.seat(seat.seat), seat?.door && m.door(seat.door)].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return parts.length > 0 ? parts.join(' · ') : m.noSeat;
}

/** The ticket: event, show and date in the event's zone, option and seat. */
function TicketCard({ ctx, ticket, m, yours = true }: { ctx: PageContext; ticket: TransferTicketSummary; m: M; yours?: boolean }) {
  return (
    <section class="card transfer-ticket" aria-labelledby="transfer-ticket-title">
      {yours ? <p class="muted small transfer-kicker">{m.yourTicket}</p> : null}
      <h2 id="transfer-ticket-title">{ticket.showTitle && ticket.showTitle !== ticket.eventName ? `${ticket.eventName} · ${ticket.showTitle}` : ticket.eventName}</h2>
      <p class="transfer-when">
        <time dateTime={ticket.showStartsAt.toISOString()}>{formatDate(ticket.showStartsAt, zoneOf(ticket), ctx.lang, 'long')}</time>
      </p>
      <p>
        <strong>{ticket.ticketOptionName}</strong> · {seatText(m, ticket.seat)}
      </p>
      <p class="muted small">{m.ticketRef(ticket.ticketId)}</p>
    </section>
  );
}

function refusalText(ctx: PageContext, m: M, e: Extract<TransferEligibility, { ok: false }> & { ticket: TransferTicketSummary }): string {
  switch (e.reason) {
    case 'EVENT_CANCELLED':
      return m.refusedEventCancelled;
    case 'SHOW_CANCELLED':
      return m.refusedShowCancelled;
    case 'TICKET_USED':
      return m.refusedUsed;
    case 'TICKET_CANCELLED':
      return m.refusedCancelled;
    case 'TICKET_DELETED':
      return m.refusedDeleted;
    case 'TICKET_INVALID':
      return m.refusedInvalid;
    case 'TICKET_NOT_FOUND':
      // Never shown (a ticket that is not the fan's is the 404 page); worded as invalid should it ever be.
      return m.refusedInvalid;
    case 'TICKET_RESERVED':
      return m.refusedReserved;
    case 'TICKET_ALREADY_LISTED':
      return m.refusedListed;
    case 'TRANSFER_DISABLED':
      return m.refusedDisabled;
    case 'TRANSFER_CLOSED':
      return e.availableUntil ? m.refusedClosed(formatDate(e.availableUntil, zoneOf(e.ticket), ctx.lang, 'long')) : m.refusedClosedNoDate;
  }
}

function MyTicketsLink({ ctx, m, primary }: { ctx: PageContext; m: M; primary?: boolean }) {
  if (!ctx.brand) return null;
  return (
    <p>
      <a class={primary ? 'button primary block' : 'button block'} href={href(ctx, myTicketsPage(ctx.brand.tenantId).segments)}>
        {m.myTickets}
      </a>
    </p>
  );
}

function TransferForm({ ctx, ticket, m, form }: { ctx: PageContext; ticket: TransferTicketSummary; m: M; form: TransferFormState | undefined }) {
  const errors = form?.errors ?? {};
  const email = form?.toEmail.trim() ?? '';
  const confirmText = email !== '' && !errors.toEmail ? m.confirmWith(email) : m.confirmWithout;
  const described = (field: TransferField, hint: string | null) => [errors[field] ? `transfer-${field}-error` : null, hint].filter((x) => x !== null).join(' ') || undefined;
  const count = Object.keys(errors).length;
  return (
    <form method="post" action={href(ctx, ['marketplace', 'shows', ticket.showPk, 'transfer'])} class="stack transfer-form">
      <Csrf ctx={ctx} />
      <ReturnTo ctx={ctx} />
      <input type="hidden" name="ticketId" value={ticket.ticketId} />
      {count > 1 ? (
        <p class="notice bad" role="alert">
          {m.errorSummary}
        </p>
      ) : null}
      <label for="transfer-toEmail">{m.toEmail}</label>
      <input
        id="transfer-toEmail"
        name="toEmail"
        type="email"
        inputMode="email"
        autocomplete="off"
        spellcheck={false}
        required
        maxLength={254}
        value={form?.toEmail ?? ''}
        aria-invalid={errors.toEmail ? 'true' : undefined}
        aria-describedby={described('toEmail', 'transfer-toEmail-hint')}
      />
      {errors.toEmail ? (
        <p id="transfer-toEmail-error" class="field-error" role="alert">
          {errors.toEmail}
        </p>
      ) : null}
      <p id="transfer-toEmail-hint" class="hint">
        {m.toEmailHint}
      </p>

      <label for="transfer-toName">{m.toName}</label>
      <input
        id="transfer-toName"
        name="toName"
        type="text"
        autocomplete="off"
        maxLength={300}
        value={form?.toName ?? ''}
        aria-invalid={errors.toName ? 'true' : undefined}
        aria-describedby={described('toName', 'transfer-toName-hint')}
      />
      {errors.toName ? (
        <p id="transfer-toName-error" class="field-error" role="alert">
          {errors.toName}
        </p>
      ) : null}
      <p id="transfer-toName-hint" class="hint">
        {m.toNameHint}
      </p>

      <label class="check transfer-confirm" for="transfer-confirm">
        <input
          id="transfer-confirm"
          name="confirm"
          type="checkbox"
          value="yes"
          required
          checked={form?.confirmed ?? false}
          aria-invalid={errors.confirm ? 'true' : undefined}
          aria-describedby={described('confirm', null)}
        />
        <span>{confirmText}</span>
      </label>
      {errors.confirm ? (
        <p id="transfer-confirm-error" class="field-error" role="alert">
          {errors.confirm}
        </p>
      ) : null}

      <button type="submit" class="button primary block">
        {m.submit}
      </button>
    </form>
  );
}

/**
 * The transfer page: sign in first; then the fan's ticket with the form (receiver's email, optional
 * name, the confirmation that the ticket and its code become theirs), or why it cannot be given and
 * what to do about it; after the transfer, what happened and the way to the fan's tickets.
 */
export function TransferPage({ ctx, view }: { ctx: PageContext; view: TransferView }) {
  const m = messagesFor(transferMessages, ctx.lang);
  switch (view.kind) {
    case 'signIn':
      return (
        <Layout ctx={ctx} title={m.pageTitle} narrow>
          <SignInForm ctx={ctx} next={view.next} />
        </Layout>
      );
    case 'eligible': {
      const { ticket, availableUntil } = view.eligibility;
      return (
        <Layout ctx={ctx} title={m.pageTitle} narrow>
          <h1>{m.titleForm}</h1>
          <p>{m.intro}</p>
          <TicketCard ctx={ctx} ticket={ticket} m={m} />
          <p class="muted small">{m.availableUntil(formatDate(availableUntil, zoneOf(ticket), ctx.lang, 'long'))}</p>
          <TransferForm ctx={ctx} ticket={ticket} m={m} form={view.form} />
        </Layout>
      );
    }
    case 'refused': {
      const e = view.eligibility;
      return (
        <Layout ctx={ctx} title={m.pageTitle} narrow>
          <h1>{m.titleRefused}</h1>
          <p class="notice warn" role="status">
            {refusalText(ctx, m, e)}
          </p>
          {e.reason === 'TICKET_ALREADY_LISTED' && e.listingId ? (
            <p>
              <a class="button primary block" href={href(ctx, listingPage(e.listingId).segments)}>
                {m.seeListing}
              </a>
            </p>
          ) : null}
          <TicketCard ctx={ctx} ticket={e.ticket} m={m} />
          <MyTicketsLink ctx={ctx} m={m} />
        </Layout>
      );
    }
    case 'done': {
      const r = view.receipt;
      return (
        <Layout ctx={ctx} title={m.pageTitle} narrow>
          <h1>{m.titleDone}</h1>
          <div class="notice ok transfer-done" role="status">
            <p>
              <strong>{m.doneText(r.newOwnerEmail)}</strong>
            </p>
            <p>{m.doneMailed}</p>
          </div>
          <p>{m.doneCodeStops}</p>
          <TicketCard ctx={ctx} ticket={r.ticket} m={m} yours={false} />
          <p class="transfer-to">
            {m.doneTo}: <strong>{r.newOwnerName ? `${r.newOwnerName} (${r.newOwnerEmail})` : r.newOwnerEmail}</strong>
          </p>
          <p class="muted small">{m.doneAt(formatDate(r.transferredAt, zoneOf(r.ticket), ctx.lang, 'long'))}</p>
          <MyTicketsLink ctx={ctx} m={m} primary />
        </Layout>
      );
    }
  }
}
