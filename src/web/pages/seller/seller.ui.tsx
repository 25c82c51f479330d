import type { SellReason, SellStatus } from '../../../modules/access-layer/index.js';
import type { TicketSummary } from '../../../flows/seller-pages.js';
import type { PriceBounds } from '../../../modules/listings/index.js';
import type { Lang } from '../../../lib/urls.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { Layout } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import { SignInForm } from '../../sign-in/sign-in.view.js';
import type { PreviewFigures } from './seller.forms.js';
import type { SellerMessages } from './seller.messages.js';

/** Pieces the seller pages share: a ticket's lines, the status badge, the reason, the price field and the money preview. */

const BADGE: Record<SellStatus, string> = { SELLABLE: 'badge ok', FOR_SALE: 'badge', SOLD: 'badge ok', NOT_SELLABLE: 'badge bad' };

export function StatusBadge({ m, status }: { m: SellerMessages; status: SellStatus }) {
  return <span class={BADGE[status]}>{m[`status${status}`]}</span>;
}

/** Why a ticket cannot be sold, with the date it changes when there is one (in the event's time zone). */
export function reasonText(m: SellerMessages, reason: SellReason, o: { availableFrom?: Date | undefined; availableUntil?: Date | undefined; timeZone: string; lang: Lang }): string {
  switch (reason) {
    case 'WINDOW_NOT_OPEN':
      return o.availableFrom ? m.reasonWINDOW_NOT_OPEN(formatDate(o.availableFrom, o.timeZone, o.lang, 'long')) : m.reasonWINDOW_NOT_OPEN_NO_DATE;
    case 'WINDOW_CLOSED':
      return o.availableUntil ? m.reasonWINDOW_CLOSED(formatDate(o.availableUntil, o.timeZone, o.lang, 'long')) : m.reasonWINDOW_CLOSED_NO_DATE;
    case 'RESALE_DISABLED':
    case 'TICKET_USED':
    case 'TICKET_CANCELLED':
    case 'EVENT_CANCELLED':
    case 'NOT_OWNER':
    case 'TICKET_LOCKED':
    case 'LISTING_LIMIT':
      return m[`reason${reason}`];
  }
}

/** "Section B · Row 7 · Seat 12", or null for a ticket without a seat. */
export function seatText(m: SellerMessages, seat: TicketSummary['seat']): string | null {
  if (!seat) return null;
  const parts = [seat.section && m.section(seat.section), seat.row && m.row(seat.row), seat.seat && m.seat(seat.seat), seat.door && m.door(seat.door)].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return parts.length === 0 ? null : parts.join(' · ');
}

/** A ticket's kind in one line: "General · Adult". */
export function kindText(t: Pick<TicketSummary, 'optionTitle' | 'priceTypeTitle'>): string {
  return t.priceTypeTitle ? `${t.optionTitle} · ${t.priceTypeTitle}` : t.optionTitle;
}

/** The show as a heading line: the event, the show's own title when it has one. */
export function showTitle(t: { eventTitle: string; showTitle: string | null }): string {
  return t.showTitle && t.showTitle !== t.eventTitle ? `${t.eventTitle} — ${t.showTitle}` : t.eventTitle;
}

/** The ticket being sold: event, date in the event's zone, kind, seat, face value. */
export function TicketCard({ m, t, lang, headingLevel = 2 }: { m: SellerMessages; t: TicketSummary; lang: Lang; headingLevel?: 2 | 3 }) {
  const seat = seatText(m, t.seat);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="ticket-card">
      <Heading class="ticket-title">{showTitle(t)}</Heading>
      <p class="muted">
        <time dateTime={t.startsAt.toISOString()}>{formatDate(t.startsAt, t.timeZone, lang, 'long')}</time>
      </p>
      <p>
        {kindText(t)}
        {seat ? <span class="muted"> · {seat}</span> : null}
      </p>
      <p class="muted small">
        {m.ticketNumber(t.ticketId)}
        {t.faceValueMinor !== null ? (
          <>
            {' · '}
            {m.faceValue} <span class="num">{formatMinor(t.faceValueMinor, t.currency, lang)}</span>
          </>
        ) : null}
      </p>
    </div>
  );
}

/** The bounds the RESALE rule sets, in one hint line (null: no bounds). */
export function boundsText(m: SellerMessages, b: PriceBounds, currency: string, lang: Lang): string | null {
  const money = (minor: number) => formatMinor(minor, currency, lang);
  const range =
    b.minMinor !== undefined && b.maxMinor !== undefined
      ? m.boundsBetween(money(b.minMinor), money(b.maxMinor))
      : b.minMinor !== undefined
        ? m.boundsMin(money(b.minMinor))
        : b.maxMinor !== undefined
          ? m.boundsMax(money(b.maxMinor))
          : null;
  const markup = b.maxBy === 'maxMarkupPercent' && b.maxMarkupPercent !== undefined ? m.boundsMarkup(b.maxMarkupPercent) : null;
  return [range, markup].filter((s): s is string => s !== null).join(' ') || null;
}

export interface PriceFieldProps {
  m: SellerMessages;
  /** The input's id (unique on the page); its hint and error ids derive from it. */
  id: string;
  name?: string;
  label: string;
  value: string;
  hint?: string | null | undefined;
  error?: string | null | undefined;
  required?: boolean;
}

/** A price input: decimal keyboard on phones, the rule's bounds as its hint, a refusal announced and tied to it. */
export function PriceField({ id, name = 'price', label, value, hint, error, required = true }: PriceFieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class="stack price-field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="text"
        inputMode="decimal"
        autocomplete="off"
        class="price-input"
        value={value}
        required={required}
        maxLength={16}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described === '' ? undefined : described}
      />
      {hint ? (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * What the buyer pays, the seller fee and what the seller receives, the figures filled by encore.js
 * from the preview URL as the price is typed (`data-preview-field`), and by the server otherwise.
 * What the seller receives is the total: the number a seller decides on.
 */
export function MoneyPreview({ m, figures, quantity, error }: { m: SellerMessages; figures: PreviewFigures; quantity: number; error?: string | null | undefined }) {
  return (
    <div class="preview" aria-live="polite">
      <table class="sum">
        <caption class="sr-only">{m.forTickets(quantity)}</caption>
        <tbody>
          <tr>
            <th scope="row">
              {m.buyerPays}
              {quantity > 1 ? <span class="muted small"> {m.forTickets(quantity)}</span> : null}
            </th>
            <td data-preview-field="buyerPays">{figures.buyerPays}</td>
          </tr>
          <tr>
            <th scope="row">{m.sellerFee}</th>
            <td data-preview-field="sellerFee">{figures.sellerFee}</td>
          </tr>
          <tr class="total">
            <th scope="row">{m.youReceive}</th>
            <td class="receive" data-preview-field="youReceive">
              {figures.youReceive}
            </td>
          </tr>
        </tbody>
      </table>
      <p class="field-error" data-preview-field="error">
        {error ?? ''}
      </p>
    </div>
  );
}

/** The page's own shell with the sign-in form in place of its content (a page that needs a fan, shown to nobody yet). */
export function SignInInstead({ ctx, title, next }: { ctx: PageContext; title: string; next: string }) {
  return (
    <Layout ctx={ctx} title={title} narrow>
      <SignInForm ctx={ctx} next={next} />
    </Layout>
  );
}

/** A hosted page of the URL builder (modules/marketplace-urls) as a link on this site, in the page's language. */
export function pageHref(ctx: PageContext, page: { segments: readonly string[]; query: Record<string, string | undefined> }, extra: Record<string, string | undefined> = {}): string {
  return href(ctx, page.segments, { ...page.query, ...extra });
}
