import type { SellTicketView } from '../../../flows/seller-sell.js';
import { listingPage, myTicketsPage, payoutDetailsPage, transferPage } from '../../../modules/marketplace-urls/index.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import type { PreviewFigures, Refusal } from '../seller/seller.forms.js';
import { sellerMessages } from '../seller/seller.messages.js';
import { boundsText, MoneyPreview, pageHref, PriceField, reasonText, StatusBadge, TicketCard } from '../seller/seller.ui.js';
import { sellTicketMessages } from './sell-ticket.messages.js';

export interface SellTicketPageProps {
  ctx: PageContext;
  view: SellTicketView;
  /** The price field's value: the suggested price, or what the fan last sent. */
  price: string;
  figures: PreviewFigures;
  refusal?: Refusal | undefined;
}

/**
 * Sell one ticket (SPEC §4.1 item 3): the ticket, whether it can be sold (or why not and until
 * when), and the price form with the rule's bounds, the market beside it and the live preview of
 * what the buyer pays and the fan receives. Without JavaScript, "Update preview" posts the form and
 * the page comes back with the figures for the typed price.
 */
export function SellTicketPage({ ctx, view, price, figures, refusal }: SellTicketPageProps) {
  const m = messagesFor(sellerMessages, ctx.lang);
  const p = messagesFor(sellTicketMessages, ctx.lang);
  const { item } = view;
  const t = item.ticket;
  const lang = ctx.lang;
  const tenantId = ctx.brand!.tenantId;
  const money = (minor: number) => formatMinor(minor, t.currency, lang);
  const action = href(ctx, ['marketplace', 'shows', t.showPk, 'sell']);
  const asks =
    item.asks.listings === 0 || item.asks.lowestMinor === null
      ? m.asksNone
      : m.asks(item.asks.listings, money(item.asks.lowestMinor), money(item.asks.typicalMinor ?? item.asks.lowestMinor));
  return (
    <Layout ctx={ctx} title={p.title} narrow>
      <h1>{p.title}</h1>
      <section class="card stack" aria-label={t.eventTitle}>
        <div class="spread">
          <TicketCard m={m} t={t} lang={lang} />
          <StatusBadge m={m} status={item.status} />
        </div>
      </section>

      {item.status === 'SELLABLE' ? (
        <>
          {refusal?.on === 'form' ? (
            <p class="notice bad" role="alert">
              {refusal.text}
            </p>
          ) : null}
          {!view.hasPayoutAccount ? (
            <p class="notice warn" role="status">
              {m.payoutWaits} <a href={pageHref(ctx, payoutDetailsPage(tenantId))}>{m.addPayoutDetails}</a>
            </p>
          ) : null}
          <form method="post" action={action} class="card stack" data-preview={href(ctx, ['marketplace', 'shows', t.showPk, 'sell', 'preview'], { ticketId: t.ticketId })}>
            <Csrf ctx={ctx} />
            <ReturnTo ctx={ctx} />
            <input type="hidden" name="ticketId" value={t.ticketId} />
            <PriceField
              m={m}
              id="price"
              label={m.yourPriceIn(t.currency)}
              value={price}
              hint={boundsText(m, item.bounds, t.currency, lang)}
              error={refusal?.on === 'price' ? refusal.text : null}
            />
            <p class="hint">{asks}</p>
            <MoneyPreview m={m} figures={figures} quantity={1} />
            <p class="hint">{m.previewHint}</p>
            <div class="actions">
              <button type="submit" name="action" value="preview" class="button">
                {m.updatePreview}
              </button>
              <button type="submit" name="action" value="list" class="button primary block">
                {p.list}
              </button>
            </div>
            {item.availableUntil ? <p class="muted small">{p.openUntil(formatDate(item.availableUntil, t.timeZone, lang, 'long'))}</p> : null}
          </form>
        </>
      ) : item.status === 'FOR_SALE' && item.listingId ? (
        <section class="card stack">
          <p class="notice ok" role="status">
            {p.alreadyOnSale}
          </p>
          <a class="button primary block" href={pageHref(ctx, listingPage(item.listingId))}>
            {p.seeListing}
          </a>
        </section>
      ) : item.status === 'SOLD' && item.listingId ? (
        <section class="card stack">
          <p class="notice ok" role="status">
            {p.sold}
          </p>
          <a class="button primary block" href={pageHref(ctx, listingPage(item.listingId))}>
            {p.seeSale}
          </a>
        </section>
      ) : (
        <section class="card stack">
          <p class="notice warn" role="status">
            {item.reason ? reasonText(m, item.reason, { availableFrom: item.availableFrom, availableUntil: item.availableUntil, timeZone: t.timeZone, lang }) : m.statusNOT_SELLABLE}
          </p>
          {item.transferable ? (
            <a class="button block" href={pageHref(ctx, transferPage(t.showPk, t.ticketId))}>
              {p.transferInstead}
            </a>
          ) : null}
        </section>
      )}
      <p>
        <a href={pageHref(ctx, myTicketsPage(tenantId))}>{p.backToTickets}</a>
      </p>
    </Layout>
  );
}
