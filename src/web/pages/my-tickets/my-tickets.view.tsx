import type { PendingCta } from '../../../flows/access-layer-sell.js';
import { MY_TICKETS_LIMIT, type MyTicket, type MyTicketsView } from '../../../flows/seller-tickets.js';
import { formatMoney } from '../../../lib/money.js';
import { myTicketsPage, payoutDetailsPage } from '../../../modules/marketplace-urls/index.js';
import { formatDate } from '../../i18n/format.js';
import { messagesFor } from '../../i18n/messages.js';
import { Layout } from '../../shell/layout.js';
import type { PageContext } from '../../shell/page-context.js';
import { sellerMessages, type SellerMessages } from '../seller/seller.messages.js';
import { kindText, pageHref, reasonText, seatText, showTitle, StatusBadge } from '../seller/seller.ui.js';
import { myTicketsMessages } from './my-tickets.messages.js';

export interface MyTicketsPageProps {
  ctx: PageContext;
  view: MyTicketsView;
  orderId?: string | undefined;
  done?: 'listed' | undefined;
}

/** The sell evaluation's actions as links on this site: the primary one (SELL, EDIT) stands out. */
function Actions({ ctx, m, ticketId, ctas }: { ctx: PageContext; m: SellerMessages; ticketId: string; ctas: readonly PendingCta[] }) {
  if (ctas.length === 0) return null;
  return (
    <div class="row actions-row">
      {ctas.map((c, i) => (
        <a class={i === 0 ? 'button primary' : 'button'} href={pageHref(ctx, c.page)}>
          {m[`cta${c.type as 'SELL' | 'P2P' | 'EDIT' | 'DETAILS' | 'PENDING_PAYOUT_INFO'}`]}
          <span class="sr-only">{m.forTicket(ticketId)}</span>
        </a>
      ))}
    </div>
  );
}

/** The access code only when UNLOCKED; otherwise when it will be, or why it is not there yet. */
function Access({ ctx, t }: { ctx: PageContext; t: MyTicket }) {
  const p = messagesFor(myTicketsMessages, ctx.lang);
  const a = t.access;
  if (!a) return null;
  if (a.locator !== null) {
    return (
      <div class="access">
        <p class="small muted">{p.code}</p>
        {a.type === 'URL' && /^https?:\/\//i.test(a.locator) ? (
          <a class="button block" href={a.locator} rel="noopener noreferrer">
            {p.openTicket}
            <span class="sr-only">{messagesFor(sellerMessages, ctx.lang).forTicket(t.ticket.ticketId)}</span>
          </a>
        ) : (
          <code class="access-code">{a.locator}</code>
        )}
      </div>
    );
  }
  const text = a.reissuePending ? p.codeReissue : a.unlockAt ? p.codeOn(formatDate(a.unlockAt, t.ticket.timeZone, ctx.lang, 'long')) : p.codeLocked;
  return <p class="hint access-locked">{text}</p>;
}

/**
 * The signed-in fan's tickets with this integrator (SPEC §4.1 item 6), optionally one order's, by
 * show: each with the Smart Access Layer's sell-mode status, reason and actions, and the access
 * code when it is UNLOCKED (the unlock time otherwise).
 */
export function MyTicketsPage({ ctx, view, orderId, done }: MyTicketsPageProps) {
  const m = messagesFor(sellerMessages, ctx.lang);
  const p = messagesFor(myTicketsMessages, ctx.lang);
  const lang = ctx.lang;
  const tenantId = ctx.brand!.tenantId;
  const soldWithoutAccount = !view.hasPayoutAccount && view.shows.some((s) => s.tickets.some((t) => t.status === 'SOLD'));

  const item = (t: MyTicket) => {
    const seat = seatText(m, t.ticket.seat);
    const price = t.listing ? formatMoney(t.listing.price, t.listing.currency, lang) : null;
    return (
      <li class="item my-ticket">
        <div class="what stack">
          <div class="spread">
            <span>
              <strong>{kindText(t.ticket)}</strong>
              {seat ? <span class="muted"> · {seat}</span> : null}
            </span>
            <StatusBadge m={m} status={t.status} />
          </div>
          <p class="muted small">{m.ticketNumber(t.ticket.ticketId)}</p>
          {t.status === 'FOR_SALE' && price ? <p class="small">{p.onSaleFor(price)}</p> : null}
          {t.status === 'SOLD' && price ? <p class="small">{p.soldFor(price)}</p> : null}
          {t.reason ? <p class="hint">{reasonText(m, t.reason, { availableFrom: t.availableFrom, availableUntil: t.availableUntil, timeZone: t.ticket.timeZone, lang })}</p> : null}
          <Access ctx={ctx} t={t} />
          <Actions ctx={ctx} m={m} ticketId={t.ticket.ticketId} ctas={t.ctas} />
        </div>
      </li>
    );
  };

  return (
    <Layout ctx={ctx} title={p.title}>
      <h1>{p.title}</h1>
      {orderId !== undefined ? (
        <p class="muted">
          {p.orderLine(orderId)} · <a href={pageHref(ctx, myTicketsPage(tenantId))}>{p.allTickets}</a>
        </p>
      ) : null}
      {done === 'listed' ? (
        <p class="notice ok" role="status">
          {p.doneListed}
        </p>
      ) : null}
      {soldWithoutAccount ? (
        <p class="notice warn" role="status">
          {p.payoutMissing} <a href={pageHref(ctx, payoutDetailsPage(tenantId))}>{m.addPayoutDetails}</a>
        </p>
      ) : null}
      {view.shows.length === 0 ? (
        <section class="card center stack">
          <h2>{p.emptyTitle}</h2>
          <p class="muted">{orderId !== undefined ? p.emptyOrder : p.empty(ctx.brand!.name)}</p>
          {orderId !== undefined ? (
            <p>
              <a class="button" href={pageHref(ctx, myTicketsPage(tenantId))}>
                {p.allTickets}
              </a>
            </p>
          ) : null}
        </section>
      ) : (
        view.shows.map((s) => (
          <section class="card stack" aria-labelledby={`show-${s.showPk}`}>
            <h2 id={`show-${s.showPk}`} class="ticket-title">
              {showTitle(s)}
            </h2>
            <p class="muted">
              <time dateTime={s.startsAt.toISOString()}>{formatDate(s.startsAt, s.timeZone, lang, 'long')}</time>
            </p>
            <ul class="list">{s.tickets.map(item)}</ul>
          </section>
        ))
      )}
      {view.truncated ? <p class="muted small">{p.truncated(MY_TICKETS_LIMIT)}</p> : null}
    </Layout>
  );
}
