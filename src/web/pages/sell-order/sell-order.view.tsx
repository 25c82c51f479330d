import { packBoundsOf, type SellableTicket, type SellOrderView } from '../../../flows/seller-sell.js';
import { listingPage, myTicketsPage, payoutDetailsPage } from '../../../modules/marketplace-urls/index.js';
import { formatDate } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import type { PreviewFigures } from '../seller/seller.forms.js';
import { sellerMessages } from '../seller/seller.messages.js';
import { boundsText, kindText, pageHref, PriceField, reasonText, seatText, showTitle, StatusBadge } from '../seller/seller.ui.js';
import { sellOrderMessages } from './sell-order.messages.js';

/** What the fan sent (or the page's first offer), and what came back for it. */
export interface SellOrderFormState {
  mode: 'separate' | 'pack';
  picked: ReadonlySet<string>;
  /** The typed price of each ticket, by ticket id. */
  prices: ReadonlyMap<string, string>;
  packPrice: string;
  /** Refusals next to a ticket's price (by ticket id), next to the pack price, or above the form. */
  errors: ReadonlyMap<string, string>;
  packError?: string | undefined;
  formError?: string | undefined;
  figures: ReadonlyMap<string, PreviewFigures>;
  packFigures?: PreviewFigures | undefined;
}

export interface SellOrderPageProps {
  ctx: PageContext;
  view: SellOrderView;
  form: SellOrderFormState;
}

/** The order's tickets by show (an order may span shows), in the order the flow gave them. */
function byShow(items: readonly SellableTicket[]): SellableTicket[][] {
  const groups = new Map<string, SellableTicket[]>();
  for (const it of items) groups.set(it.ticket.showPk, [...(groups.get(it.ticket.showPk) ?? []), it]);
  return [...groups.values()];
}

/**
 * Sell tickets of one order (SPEC §4.1 item 4): the order's tickets the fan holds, each with its
 * status from the sell evaluation (the ones that cannot be sold disabled, with the reason), a price
 * per ticket, and the choice of selling them separately or together as one PACK. One POST lists
 * them all or none.
 */
export function SellOrderPage({ ctx, view, form }: SellOrderPageProps) {
  const m = messagesFor(sellerMessages, ctx.lang);
  const p = messagesFor(sellOrderMessages, ctx.lang);
  const lang = ctx.lang;
  const tenantId = ctx.brand!.tenantId;
  const sellable = view.items.filter((i) => i.status === 'SELLABLE');
  const currency = view.items[0]!.ticket.currency;
  const indexOf = new Map(view.items.map((it, i) => [it.ticket.ticketId, i]));
  const packBounds = packBoundsOf(sellable.filter((i) => form.picked.has(i.ticket.ticketId)).length > 0 ? sellable.filter((i) => form.picked.has(i.ticket.ticketId)) : sellable);

  const item = (it: SellableTicket) => {
    const t = it.ticket;
    const i = indexOf.get(t.ticketId)!;
    const can = it.status === 'SELLABLE';
    const seat = seatText(m, t.seat);
    const figures = form.figures.get(t.ticketId);
    const reason = it.reason ? reasonText(m, it.reason, { availableFrom: it.availableFrom, availableUntil: it.availableUntil, timeZone: t.timeZone, lang }) : null;
    return (
      <li class="item sell-item">
        <div class="what stack">
          <div class="spread">
            <span class="check">
              <input
                type="checkbox"
                id={`pick-${i}`}
                name="pick"
                value={String(i)}
                checked={can && form.picked.has(t.ticketId)}
                disabled={!can}
                aria-describedby={reason ? `reason-${i}` : undefined}
              />
              <label for={`pick-${i}`}>
                {kindText(t)}
                {seat ? <span class="muted"> · {seat}</span> : null}
                <span class="muted small"> · {m.ticketNumber(t.ticketId)}</span>
              </label>
            </span>
            <StatusBadge m={m} status={it.status} />
          </div>
          {reason ? (
            <p id={`reason-${i}`} class="hint">
              {reason}
            </p>
          ) : null}
          {can ? (
            <>
              <input type="hidden" name={`ticket.${i}`} value={t.ticketId} />
              <PriceField
                m={m}
                id={`price-${i}`}
                name={`price.${i}`}
                label={p.ticketPrice(currency)}
                value={form.prices.get(t.ticketId) ?? ''}
                hint={boundsText(m, it.bounds, currency, lang)}
                error={form.errors.get(t.ticketId)}
                required={false}
              />
              {figures && form.mode === 'separate' ? <p class="small">{p.figures(figures.youReceive, figures.buyerPays)}</p> : null}
            </>
          ) : it.listingId ? (
            <a href={pageHref(ctx, listingPage(it.listingId))}>
              {m.ctaDETAILS}
              <span class="sr-only">{m.forTicket(t.ticketId)}</span>
            </a>
          ) : null}
        </div>
      </li>
    );
  };

  return (
    <Layout ctx={ctx} title={p.title} narrow>
      <h1>{p.title}</h1>
      <p class="muted">{p.orderLine(view.orderId)}</p>
      {form.formError ? (
        <p class="notice bad" role="alert">
          {form.formError}
        </p>
      ) : null}
      {!view.hasPayoutAccount && sellable.length > 0 ? (
        <p class="notice warn" role="status">
          {m.payoutWaits} <a href={pageHref(ctx, payoutDetailsPage(tenantId))}>{m.addPayoutDetails}</a>
        </p>
      ) : null}
      {sellable.length === 0 ? (
        <p class="notice" role="status">
          {p.noneSellable}
        </p>
      ) : null}
      <form method="post" action={href(ctx, ['marketplace', 'tenants', tenantId, 'sell'])} class="stack">
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="orderId" value={view.orderId} />
        <fieldset class="card stack">
          <legend>{p.choose}</legend>
          {byShow(view.items).map((group) => {
            const first = group[0]!.ticket;
            return (
              <section class="stack" aria-label={showTitle(first)}>
                <h2 class="ticket-title">{showTitle(first)}</h2>
                <p class="muted">
                  <time dateTime={first.startsAt.toISOString()}>{formatDate(first.startsAt, first.timeZone, lang, 'long')}</time>
                </p>
                <ul class="list">{group.map(item)}</ul>
              </section>
            );
          })}
        </fieldset>
        {sellable.length >= 2 ? (
          <fieldset class="card stack">
            <legend>{p.how}</legend>
            <label class="check">
              <input type="radio" name="mode" value="separate" checked={form.mode === 'separate'} />
              <span>{p.separate}</span>
            </label>
            <label class="check">
              <input type="radio" name="mode" value="pack" checked={form.mode === 'pack'} />
              <span>{p.pack}</span>
            </label>
            <PriceField
              m={m}
              id="pack-price"
              name="packPrice"
              label={p.packPrice(currency)}
              value={form.packPrice}
              hint={[p.packHint, boundsText(m, packBounds, currency, lang)].filter(Boolean).join(' ')}
              error={form.packError}
              required={false}
            />
            {form.packFigures && form.mode === 'pack' ? <p class="small">{p.figures(form.packFigures.youReceive, form.packFigures.buyerPays)}</p> : null}
          </fieldset>
        ) : null}
        {sellable.length > 0 ? (
          <div class="actions">
            <button type="submit" name="action" value="preview" class="button">
              {m.updatePreview}
            </button>
            <button type="submit" name="action" value="list" class="button primary block">
              {p.list}
            </button>
          </div>
        ) : null}
      </form>
      <p>
        <a href={pageHref(ctx, myTicketsPage(tenantId, view.orderId))}>{p.backToTickets}</a>
      </p>
    </Layout>
  );
}
