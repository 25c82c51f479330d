import type { Deps } from '../app/deps.js';
import type { Tx } from '../db/tx.js';
import { formatMoney } from '../lib/money.js';
import type { Lang } from '../lib/urls.js';
import { getEventForTenant } from '../modules/events/index.js';
import type { ListingView } from '../modules/listings/index.js';
import { newMailId, queueMail } from '../modules/mail/index.js';
import { markLeadAlerted, wishlistLeadsFor, type LeadRow } from '../modules/market-data/index.js';
import { hostedPageUrl, ticketSalePage } from '../modules/marketplace-urls/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import { emitWebhook } from '../modules/webhooks/index.js';

/**
 * Wishlist alerts (SPEC §6): when a listing is created or re-priced, the WISHLIST leads it answers
 * (its show; the option and price type they name, or none; a price at least what a ticket costs the
 * buyer) are mailed a link to the listing's buy page, the first ones in creation order, each once per
 * listing and at most once an hour per show (WISHLIST_QUIET_MS), and one `notifyMe.created.updated` webhook names them. In the listing's own transaction:
 * the outbox rows (mail, webhook) commit with the listing or not at all, and a lead alerted by a
 * concurrent transaction (the lead_alerts key) is not mailed twice. A listing nobody waits for costs
 * one indexed read.
 */

type AlertDeps = Pick<Deps, 'clock' | 'queue' | 'config'>;

const TEXTS: Record<Lang, (v: { event: string; option: string; price: string; url: string }) => { subject: string; text: string }> = {
  en: (v) => ({
    subject: `Resale tickets for ${v.event}`,
    text: `A ticket you asked about is on resale: ${v.option}, ${v.price} per ticket (fees included).\n\nBuy it here: ${v.url}\n\nYou receive this mail because you asked to be told when tickets for ${v.event} are available.`,
  }),
  es: (v) => ({
    subject: `Entradas de reventa para ${v.event}`,
    text: `Hay en reventa una entrada que pediste: ${v.option}, ${v.price} por entrada (gastos incluidos).\n\nCómprala aquí: ${v.url}\n\nRecibes este correo porque pediste que te avisáramos cuando hubiera entradas para ${v.event}.`,
  }),
};

export async function alertWishlists(tx: Tx, deps: AlertDeps, tenantId: string, listing: ListingView): Promise<number> {
  if (listing.status !== 'ACTIVE') return 0;
  const now = deps.clock.now();
  const leads = await wishlistLeadsFor(tx, tenantId, listing, now);
  if (leads.length === 0) return 0;
  const [event, settings] = await Promise.all([getEventForTenant(tx, tenantId, listing.externalReferenceEventId), getMarketSettings(tx, tenantId)]);
  const lang = settings.defaultLanguage;
  const show = event?.shows.find((s) => s.showId === listing.showId);
  const option = show?.ticketOptions.find((o) => o.ticketId === listing.ticketOptionId)?.title ?? listing.ticketOptionId;
  const alerted: LeadRow[] = [];
  for (const lead of leads) {
    const mailId = newMailId(now);
    if (!(await markLeadAlerted(tx, tenantId, lead.id, listing.listingId, mailId, now))) continue;
    const url = hostedPageUrl(deps.config.publicUrl, ticketSalePage(lead.show_pk, listing.ticketIds[0]!), { lang });
    const { subject, text } = TEXTS[lang]({ event: event?.title ?? listing.externalReferenceEventId, option, price: formatMoney(listing.total, listing.currency, lang), url });
    await queueMail(tx, deps, { tenantId, id: mailId, to: lead.email!, subject, text, kind: 'wishlist.alert', ref: listing.listingId });
    alerted.push(lead);
  }
  if (alerted.length > 0) {
    await emitWebhook(tx, deps, tenantId, {
      family: 'notifyMe',
      action: 'created.updated',
      data: {
        listingId: listing.listingId,
        externalReferenceEventId: listing.externalReferenceEventId,
        showId: listing.showId,
        ticketOptionId: listing.ticketOptionId,
        price: listing.total,
        currency: listing.currency,
        leads: alerted.map((l) => ({ id: l.id, email: l.email })),
      },
    });
  }
  return alerted.length;
}
