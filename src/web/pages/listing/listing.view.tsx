import type { ListingPageView } from '../../../flows/seller-listing.js';
import { totalsFor } from '../../../modules/listings/index.js';
import { hostedPageUrl, myTicketsPage, payoutDetailsPage, sellOrderPage, sellTicketPage, ticketSalePage } from '../../../modules/marketplace-urls/index.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import type { PreviewFigures, Refusal } from '../seller/seller.forms.js';
import { sellerMessages } from '../seller/seller.messages.js';
import { boundsText, kindText, MoneyPreview, pageHref, PriceField, seatText, showTitle } from '../seller/seller.ui.js';
import { listingMessages } from './listing.messages.js';

export type ListingDone = 'listed' | 'price' | 'delisted';

export interface ListingPageProps {
  ctx: PageContext;
  view: ListingPageView;
  /** `edit`: the price form first and alone (the URL builder's listingEditPage). */
  mode: 'details' | 'edit';
  /** The price field's value. */
  price: string;
  figures: PreviewFigures;
  refusal?: Refusal | undefined;
  done?: ListingDone | undefined;
  /** A price change or delist was just refused because the listing is no longer on sale: say so. */
  refused?: boolean;
}

const STATUS_BADGE = { ACTIVE: 'badge ok', RESERVED: 'badge warn', SOLD: 'badge ok', TERMINATED: 'badge' } as const;

/**
 * One listing as its seller sees it (SPEC §4.1 item 5): status and the way it went (listed →
 * reserved → sold → payout, dates in the event's time zone), the money, the share link, the payout,
 * and while it is on sale the price form (with the live preview) and delist. While a buyer is paying
 * (RESERVED) both say why they wait; once it has ended neither is offered.
 */
export function ListingPage({ ctx, view, mode, price, figures, refusal, done, refused }: ListingPageProps) {
  const m = messagesFor(sellerMessages, ctx.lang);
  const p = messagesFor(listingMessages, ctx.lang);
  const lang = ctx.lang;
  const l = view.listing;
  const v = l.view;
  const tz = view.timeZone;
  const tenantId = ctx.brand!.tenantId;
  const money = (minor: number) => formatMinor(minor, l.currency, lang);
  const date = (d: Date | string) => formatDate(d, tz, lang, 'long');
  const totals = totalsFor(l.money, l.quantity);
  const status = v.status;
  const open = status === 'ACTIVE' || status === 'RESERVED';
  const base = ['marketplace', 'listings', v.listingId];
  const shareUrl = hostedPageUrl(ctx.deps.config.publicUrl, ticketSalePage(l.showPk, view.shareTicketId), { lang });
  const title = mode === 'edit' && status === 'ACTIVE' ? p.editTitle : p.title;
  const seats = v.seats.map((s) => seatText(m, s)).filter((s): s is string => s !== null);
  const [payout] = view.payouts;

  const notice =
    done === 'listed' ? p.doneListed : done === 'price' ? p.donePrice : done === 'delisted' && status === 'TERMINATED' ? p.doneDelisted : null;

  const summary = (
    <section class="card stack" aria-labelledby="listing-show">
      <div class="spread">
        <h2 id="listing-show" class="ticket-title">
          {showTitle(view)}
        </h2>
        <span class={STATUS_BADGE[status]}>{p[`status${status}`]}</span>
      </div>
      <p class="muted">
        <time dateTime={view.startsAt.toISOString()}>{date(view.startsAt)}</time>
      </p>
      <p>
        {kindText(view)} · {v.type === 'PACK' ? p.pack(l.quantity) : p.single}
      </p>
      {seats.length > 0 ? (
        <ul class="plain small muted">
          {seats.map((s) => (
            <li>{s}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );

  const lockedNotice =
    status === 'RESERVED' && l.holdExpiresAt ? (
      <p class="notice warn" role="status">
        {p.reservedLocked(formatDate(l.holdExpiresAt, tz, lang, 'time'))}
      </p>
    ) : !open && refused ? (
      <p class="notice" role="status">
        {p.endedLocked}
      </p>
    ) : null;

  const priceForm =
    status === 'ACTIVE' ? (
      <section class="card stack" aria-labelledby="price-title">
        <h2 id="price-title">{p.editPrice}</h2>
        {refusal?.on === 'form' ? (
          <p class="notice bad" role="alert">
            {refusal.text}
          </p>
        ) : null}
        <form method="post" action={href(ctx, [...base, 'price'])} class="stack" data-preview={href(ctx, [...base, 'preview'])}>
          <Csrf ctx={ctx} />
          <ReturnTo ctx={ctx} />
          <input type="hidden" name="mode" value={mode} />
          <PriceField
            m={m}
            id="price"
            label={m.yourPriceIn(l.currency)}
            value={price}
            hint={boundsText(m, view.bounds, l.currency, lang)}
            error={refusal?.on === 'price' ? refusal.text : null}
          />
          <MoneyPreview m={m} figures={figures} quantity={l.quantity} />
          <div class="actions">
            <button type="submit" name="action" value="preview" class="button">
              {m.updatePreview}
            </button>
            <button type="submit" name="action" value="save" class="button primary block">
              {p.savePrice}
            </button>
          </div>
        </form>
      </section>
    ) : null;

  const delistForm =
    status === 'ACTIVE' ? (
      <section class="card stack" aria-labelledby="delist-title">
        <h2 id="delist-title">{p.delistTitle}</h2>
        <p class="hint">{p.delistHint}</p>
        <form method="post" action={href(ctx, [...base, 'delist'])} data-confirm={p.delistConfirm}>
          <Csrf ctx={ctx} />
          <ReturnTo ctx={ctx} />
          <input type="hidden" name="mode" value={mode} />
          <button type="submit" class="button danger block">
            {p.delist}
          </button>
        </form>
      </section>
    ) : null;

  if (mode === 'edit' && status === 'ACTIVE') {
    return (
      <Layout ctx={ctx} title={title} narrow>
        <h1>{title}</h1>
        {summary}
        {priceForm}
        {delistForm}
        <p>
          <a href={href(ctx, base)}>{p.backToListing}</a>
        </p>
      </Layout>
    );
  }

  const payoutStep = (): { text: string; done: boolean } => {
    if (!payout) return { text: p.payoutNext, done: false };
    if (payout.status === 'RELEASED') return { text: p.payoutReleased(date(payout.releasedAt ?? payout.releaseAt)), done: true };
    if (payout.status === 'CANCELLED') return { text: p.payoutCancelled, done: true };
    return view.hasPayoutAccount ? { text: p.payoutScheduled(date(payout.releaseAt)), done: false } : { text: p.payoutWaiting, done: false };
  };
  const pay = payoutStep();

  return (
    <Layout ctx={ctx} title={title} narrow>
      <h1>{title}</h1>
      {notice ? (
        <p class="notice ok" role="status">
          {notice}
        </p>
      ) : null}
      {summary}

      <section class="card stack" aria-labelledby="money-title">
        <h2 id="money-title">{p.money}</h2>
        <table class="sum">
          <tbody>
            <tr>
              <th scope="row">{p.pricePerTicket}</th>
              <td>{money(l.money.priceMinor)}</td>
            </tr>
            <tr>
              <th scope="row">
                {m.buyerPays}
                {l.quantity > 1 ? <span class="muted small"> {m.forTickets(l.quantity)}</span> : null}
              </th>
              <td class="big">{money(totals.totalMinor)}</td>
            </tr>
            <tr>
              <th scope="row">{m.sellerFee}</th>
              <td>−{money(totals.sellerFeeMinor)}</td>
            </tr>
            <tr class="total">
              <th scope="row">{m.youReceive}</th>
              <td>{money(totals.payoutMinor)}</td>
            </tr>
          </tbody>
        </table>
      </section>

      <section class="card stack" aria-labelledby="progress-title">
        <h2 id="progress-title">{p.progress}</h2>
        <ol class="timeline">
          <li class="done">{p.stepListed(date(l.createdAt))}</li>
          {status === 'TERMINATED' ? (
            <li class="done">{p.stepRemoved(date(l.updatedAt))}</li>
          ) : (
            <>
              <li class={status === 'RESERVED' || status === 'SOLD' ? 'done' : undefined}>
                {status === 'RESERVED' && l.holdExpiresAt
                  ? p.stepReservedNow(formatDate(l.holdExpiresAt, tz, lang, 'time'))
                  : status === 'SOLD'
                    ? p.stepReservedDone
                    : p.stepReservedNext}
              </li>
              <li class={status === 'SOLD' ? 'done' : undefined}>{status === 'SOLD' ? p.stepSold(date(l.updatedAt)) : p.stepSoldNext}</li>
              <li class={pay.done ? 'done' : undefined}>{pay.text}</li>
            </>
          )}
        </ol>
      </section>

      {status === 'SOLD' && !view.hasPayoutAccount && payout?.status !== 'CANCELLED' ? (
        <section class="card stack" aria-labelledby="payout-title">
          <h2 id="payout-title">{p.payout}</h2>
          <p class="notice warn" role="status">
            {p.payoutNeedsDetails}
          </p>
          <a class="button primary block" href={pageHref(ctx, payoutDetailsPage(tenantId))}>
            {m.addPayoutDetails}
          </a>
        </section>
      ) : null}

      {lockedNotice}

      {open ? (
        <section class="card stack" aria-labelledby="share-title">
          <h2 id="share-title">{p.share}</h2>
          <label for="share-link">{p.shareLink}</label>
          <div class="row share">
            <input id="share-link" type="url" readOnly value={shareUrl} aria-describedby="share-hint" />
            <button type="button" class="button" data-copy={shareUrl} data-copied={p.copied}>
              {p.copy}
            </button>
          </div>
          <p id="share-hint" class="hint">
            {p.shareHint} <a href={shareUrl}>{p.openLink}</a>
          </p>
        </section>
      ) : null}

      {priceForm}
      {delistForm}

      {status === 'TERMINATED' ? (
        <p>
          <a class="button block" href={pageHref(ctx, v.type === 'PACK' && v.orderId ? sellOrderPage(tenantId, v.orderId) : sellTicketPage(l.showPk, view.shareTicketId))}>
            {p.sellAgain}
          </a>
        </p>
      ) : null}
      <p>
        <a href={pageHref(ctx, myTicketsPage(tenantId))}>{p.backToTickets}</a>
      </p>
    </Layout>
  );
}
