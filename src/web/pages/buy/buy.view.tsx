import type { BuyPageData, OptionMarket, ResaleClosed } from '../../../flows/buy-page.js';
import type { BuyerListing } from '../../../modules/listings/index.js';
import { formatDate, formatMinor } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Csrf, Layout, ReturnTo, type OpenGraph } from '../../shell/layout.js';
import { href, type PageContext } from '../../shell/page-context.js';
import { buyMessages } from './buy.messages.js';

type M = (typeof buyMessages)['en'];

/** A notice after a POST (POST → 303 → GET carries it in the query). */
export type BuyNotice = 'taken' | 'notified' | 'closed';

export interface NotifyFormState {
  email?: string | undefined;
  error?: string | undefined;
}

export interface BuyPageProps {
  ctx: PageContext;
  data: BuyPageData;
  notice: BuyNotice | null;
  /** The "Notify me" form is shown open (the Smart Access Layer's "Notify me" links here with `notify=1`). */
  notifyOpen: boolean;
  notify?: NotifyFormState;
}

const showSegments = (showPk: string) => ['marketplace', 'shows', showPk];

function seatText(m: M, s: BuyerListing['seats'][number]): string {
  const parts = [s.section && m.section(s.section), s.row && m.row(s.row), s.seat && m.seat(s.seat), s.door && m.door(s.door)].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' · ') : m.noSeat;
}

/** The most listings one "Buy" button stands for: it tries them in order until one is free. */
const MAX_ALTERNATES = 5;

/**
 * Listings a fan cannot tell apart (same option, price type, SINGLE/PACK, all-in price and face
 * value, no seat) are one offer with a count and one "Buy", as on TicketSwap: twenty identical rows
 * would push everything else off a phone's screen. The list is cheapest first, so equal ones are
 * next to each other.
 */
export function offersOf(listings: readonly BuyerListing[]): BuyerListing[][] {
  const key = (l: BuyerListing) =>
    l.seats.some((s) => s.section || s.row || s.seat || s.door)
      ? `seat:${l.listingId}`
      : JSON.stringify([l.ticketOptionId, l.priceTypeId, l.type, l.quantity, l.totalMinor, l.priceMinor, l.faceValuesMinor]);
  const out: BuyerListing[][] = [];
  for (const l of listings) {
    const last = out[out.length - 1];
    if (last && key(last[0]!) === key(l)) last.push(l);
    else out.push([l]);
  }
  return out;
}

function ListingItem({ ctx, data, offer, option, m }: { ctx: PageContext; data: BuyPageData; offer: readonly BuyerListing[]; option: OptionMarket | undefined; m: M }) {
  const listing = offer[0]!;
  const money = (minor: number) => formatMinor(minor, listing.currency, ctx.lang);
  const face = listing.faceValuesMinor.find((f): f is number => f !== null) ?? option?.faceValueMinor;
  const priceType = listing.priceTypeId === null ? undefined : data.show.priceTypes.find((p) => p.priceTypeId === listing.priceTypeId);
  const what = option?.title ?? listing.ticketOptionId;
  const seats = [...new Set(listing.seats.map((s) => seatText(m, s)))];
  return (
    <li class="item buy-listing">
      <div class="what">
        <p class="price buy-price">
          {money(listing.totalMinor)} <span class="small muted">{m.perTicket}</span>
        </p>
        <p class="row">
          <span class="badge">{listing.type === 'PACK' ? m.pack(listing.quantity) : m.single}</span>
          {priceType ? <span class="small">{priceType.title}</span> : null}
          {offer.length > 1 ? <span class="badge ok">{m.available(offer.length)}</span> : null}
        </p>
        {listing.type === 'PACK' ? <p class="small">{m.packTotal(listing.quantity, money(listing.totalMinor * listing.quantity))}</p> : null}
        <p class="small">{seats.join(' / ')}</p>
        <p class="small muted">
          {face !== undefined ? `${m.faceValue(money(face))} · ` : ''}
          {m.breakdown(money(listing.priceMinor), money(listing.buyerFeeMinor))}
        </p>
      </div>
      <form method="post" action={href(ctx, [...showSegments(data.show.id), 'buy'])} class="buy-form">
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="listingId" value={listing.listingId} />
        {offer.length > 1 ? <input type="hidden" name="alternates" value={offer.slice(1, 1 + MAX_ALTERNATES).map((l) => l.listingId).join(' ')} /> : null}
        <button type="submit" class="button primary block" aria-label={m.buyLabel(what, money(listing.totalMinor))}>
          {m.buy}
        </button>
      </form>
    </li>
  );
}

function closedText(ctx: PageContext, data: BuyPageData, m: M, closed: ResaleClosed): string {
  const date = (at: Date) => formatDate(at, data.timeZone, ctx.lang, 'long');
  switch (closed.reason) {
    case 'EVENT_CANCELLED':
      return m.closedEventCancelled;
    case 'SHOW_CANCELLED':
      return m.closedShowCancelled;
    case 'SHOW_STARTED':
      return m.closedShowStarted(date(closed.at));
    case 'RESALE_DISABLED':
      return m.closedDisabled;
    case 'WINDOW_NOT_OPEN':
      return m.closedNotOpen(date(closed.at));
    case 'WINDOW_CLOSED':
      return m.closedWindow(date(closed.at));
  }
}

function NotifyForm({ ctx, data, m, state, filter }: { ctx: PageContext; data: BuyPageData; m: M; state: NotifyFormState | undefined; filter: OptionMarket | undefined }) {
  const error = state?.error;
  return (
    <form method="post" action={href(ctx, [...showSegments(data.show.id), 'notify'])} class="stack" id="notify">
      <Csrf ctx={ctx} />
      <ReturnTo ctx={ctx} />
      {filter ? <input type="hidden" name="ticketOptionId" value={filter.ticketOptionId} /> : null}
      <label for="notify-email">{m.email}</label>
      <input
        id="notify-email"
        name="email"
        type="email"
        autocomplete="email"
        inputMode="email"
        required
        maxLength={254}
        value={state?.email ?? ctx.fan?.email ?? ''}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'notify-error' : 'notify-hint'}
      />
      {error ? (
        <p id="notify-error" class="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p id="notify-hint" class="hint">
          {filter ? `${m.notifyText} ${m.notifyOption(filter.title)}.` : m.notifyText}
        </p>
      )}
      <button type="submit" class="button primary block">
        {m.notifyMe}
      </button>
    </form>
  );
}

/** The Open Graph card of a sale link: the event and date, and the all-in price when the ticket is on sale. */
export function saleOpenGraph(ctx: PageContext, data: BuyPageData): OpenGraph | undefined {
  if (!data.sale) return undefined;
  const m = messagesFor(buyMessages, ctx.lang);
  const title = m.ogTitle(data.event.title, formatDate(data.show.startsAt, data.timeZone, ctx.lang, 'long'));
  const l = data.sale.listing;
  const option = l ? data.options.find((o) => o.ticketOptionId === l.ticketOptionId) : undefined;
  const description = l ? m.ogOnSale(option?.title ?? l.ticketOptionId, formatMinor(l.totalMinor, l.currency, ctx.lang)) : m.ogGone(data.event.title);
  return { title, description, url: data.sale.url, image: data.map?.image };
}

export function BuyPage({ ctx, data, notice, notifyOpen, notify }: BuyPageProps) {
  const m = messagesFor(buyMessages, ctx.lang);
  const { event, show } = data;
  const longDate = formatDate(show.startsAt, data.timeZone, ctx.lang, 'long');
  const filter = data.filter === null ? undefined : data.options.find((o) => o.ticketOptionId === data.filter);
  const withListings = data.options.filter((o) => o.listings.length > 0);
  const shown = filter ? [filter].filter((o) => o.listings.length > 0) : withListings;
  const total = withListings.reduce((n, o) => n + o.listings.length, 0);
  const sale = data.sale;
  const saleListing = sale?.listing ?? null;
  const others = event.shows.filter((s) => s.id !== show.id);
  const noticeText = notice === 'taken' ? m.noticeTaken : notice === 'notified' ? m.noticeNotified : notice === 'closed' ? m.noticeClosed : null;
  const notOpen = !data.resale.open && data.resale.closed.reason === 'WINDOW_NOT_OPEN';
  const chipQuery = (ticketOptionId: string | undefined) => ({ ticketOptionId });

  return (
    <Layout ctx={ctx} title={event.title} og={saleOpenGraph(ctx, data)}>
      {noticeText ? (
        <p class={`notice ${notice === 'notified' ? 'ok' : 'warn'}`} role="status">
          {noticeText}
        </p>
      ) : null}
      <header class="buy-head">
        <h1>{event.title}</h1>
        <p class="buy-when">
          {show.title && show.title !== event.title ? <span>{show.title} · </span> : null}
          <time dateTime={show.startsAt.toISOString()}>{longDate}</time>
          {data.venue ? <span> · {data.venue}</span> : null}
        </p>
      </header>

      {others.length > 0 ? (
        <nav aria-label={m.otherDates} class="buy-picker">
          <ul class="tabs">
            <li>
              <a href={href(ctx, showSegments(show.id))} aria-current="page">
                {formatDate(show.startsAt, data.timeZone, ctx.lang, 'short')}
                <span class="sr-only"> ({m.thisDate})</span>
              </a>
            </li>
            {others.map((s) => (
              <li>
                <a href={href(ctx, showSegments(s.id))}>
                  {formatDate(s.startsAt, data.timeZone, ctx.lang, 'short')}
                  {s.status === 'CANCELLED' ? ` · ${m.cancelledBadge}` : ''}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      {sale ? (
        <section class="card buy-shared" aria-labelledby="shared-title">
          <h2 id="shared-title">{m.sharedTitle}</h2>
          {saleListing ? (
            <ul class="list">
              <ListingItem ctx={ctx} data={data} offer={[saleListing]} option={data.options.find((o) => o.ticketOptionId === saleListing.ticketOptionId)} m={m} />
            </ul>
          ) : (
            <p class="notice warn" role="status">
              {m.sharedGone}
            </p>
          )}
        </section>
      ) : null}

      {!data.resale.open ? (
        <section class="card" aria-labelledby="closed-title">
          <h2 id="closed-title">{notOpen ? m.notOpenTitle : m.closedTitle}</h2>
          <p>{closedText(ctx, data, m, data.resale.closed)}</p>
          {notOpen ? <NotifyForm ctx={ctx} data={data} m={m} state={notify} filter={filter} /> : null}
        </section>
      ) : (
        <>
          {withListings.length > 0 ? (
            <nav aria-label={m.ticketTypes}>
              <ul class="tabs">
                <li>
                  <a href={href(ctx, showSegments(show.id), chipQuery(undefined))} aria-current={filter ? undefined : 'page'}>
                    {m.all(total)}
                  </a>
                </li>
                {withListings.map((o) => (
                  <li>
                    <a href={href(ctx, showSegments(show.id), chipQuery(o.ticketOptionId))} aria-current={filter?.ticketOptionId === o.ticketOptionId ? 'page' : undefined}>
                      {m.optionChip(o.title, o.listings.length)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}

          {shown.map((o) => {
            const listings = o.listings.filter((l) => l.listingId !== saleListing?.listingId);
            if (listings.length === 0) return null;
            return (
              <section class="buy-group" aria-labelledby={`opt-${o.ticketOptionId}`}>
                <h2 id={`opt-${o.ticketOptionId}`}>
                  {o.title}
                  {o.zone && o.zone.name !== o.title ? <span class="muted"> · {o.zone.name}</span> : null}
                </h2>
                <p class="small muted">
                  {m.fromPrice(formatMinor(o.listings[0]!.totalMinor, event.currency, ctx.lang))} · {m.faceValue(formatMinor(o.faceValueMinor, event.currency, ctx.lang))} · {m.listingsCount(o.listings.length)}
                </p>
                <ul class="list">
                  {offersOf(listings).map((offer) => (
                    <ListingItem ctx={ctx} data={data} offer={offer} option={o} m={m} />
                  ))}
                </ul>
              </section>
            );
          })}

          {shown.length === 0 ? (
            <section class="card buy-empty" aria-labelledby="empty-title">
              <h2 id="empty-title">{filter ? m.emptyFiltered(filter.title) : m.emptyTitle}</h2>
              <p>{m.emptyText}</p>
              <NotifyForm ctx={ctx} data={data} m={m} state={notify} filter={filter} />
              {filter && total > 0 ? (
                <p>
                  <a href={href(ctx, showSegments(show.id))}>{m.seeAll}</a>
                </p>
              ) : null}
            </section>
          ) : notifyOpen || notify?.error ? (
            <section class="card" aria-labelledby="notify-title">
              <h2 id="notify-title">{m.notifyTitle}</h2>
              <NotifyForm ctx={ctx} data={data} m={m} state={notify} filter={filter} />
            </section>
          ) : null}
        </>
      )}

      {data.map ? (
        <section class="buy-seating" aria-labelledby="seating-title">
          <h2 id="seating-title">{m.seatingTitle}</h2>
          <img src={data.map.image} alt={data.venue ? m.seatingAlt(data.venue) : m.seatingAltNoVenue} loading="lazy" />
          {data.resale.open && data.map.zones.length > 0 ? (
            <ul class="tabs">
              {data.map.zones
                .filter((z) => z.ticketOptionIds.some((id) => withListings.some((o) => o.ticketOptionId === id)))
                .map((z) => (
                  <li>
                    <a href={href(ctx, showSegments(show.id), chipQuery(z.ticketOptionIds.find((id) => withListings.some((o) => o.ticketOptionId === id))))}>{m.zoneLink(z.name)}</a>
                  </li>
                ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <aside class="buy-safe muted small" aria-label={m.safeTitle}>
        <p>
          <strong>{m.safeTitle}.</strong> {m.safeText}
        </p>
      </aside>
    </Layout>
  );
}
