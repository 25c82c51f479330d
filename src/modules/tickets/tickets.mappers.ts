import { toMajor } from '../../lib/money.js';
import type { TicketHistoryEntry } from './tickets.history.js';
import type { StoredFee } from './tickets.normalize.js';
import type { AdmissionRow, TicketRow } from './tickets.repository.js';
import type { TicketBody, TicketView } from './tickets.schemas.js';

/** Stored ticket rows → the API's ticket view and back to the request body they came from. */

export interface TicketRefs {
  externalReferenceEventId: string;
  showId: string;
}

function feeView(fee: StoredFee | null, currency: string): { type: string; value: number } | null {
  if (!fee) return null;
  return fee.type === 'FIXED' ? { type: 'FIXED', value: toMajor(fee.value, currency) } : { type: 'PERCENTAGE', value: fee.value };
}

export function ticketView(row: TicketRow, refs: TicketRefs, admission: AdmissionRow | undefined, history: TicketHistoryEntry[]): TicketView {
  return {
    ticketId: row.ticket_id,
    externalReferenceEventId: refs.externalReferenceEventId,
    showId: refs.showId,
    ticketOptionId: row.ticket_option_id,
    priceTypeId: row.price_type_id,
    buyer: row.buyer,
    buyerEmailExternal: row.buyer_email_external,
    ticketAccess: {
      type: row.access_type,
      // '' = a resold ticket without a valid code until the integrator sends the new one.
      locator: row.access_locator === '' ? null : row.access_locator,
      status: row.access_status,
      version: row.access_version,
      reissuePending: row.access_reissue_pending,
    },
    price: row.price_minor === null ? null : toMajor(row.price_minor, row.currency),
    currency: row.currency,
    primarySaleBuyerData: row.primary_sale_buyer_data,
    nominalTicket: row.nominal_ticket,
    props: row.props,
    primarySalesFee: feeView(row.primary_sales_fee as StoredFee | null, row.currency),
    orderId: row.order_id,
    tags: row.tags,
    status: row.status,
    statusReason: row.status_reason,
    admission: admission
      ? { entryDate: admission.entry_date.toISOString(), admittedAt: admission.admitted_at.toISOString(), locator: admission.locator }
      : null,
    history: history.map((h) => ({ seq: h.seq, at: h.at.toISOString(), kind: h.kind, actor: h.actor, data: h.data })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The stored ticket as a creation body: the base a partial PUT is laid over. */
export function bodyOf(row: TicketRow, refs: TicketRefs): TicketBody {
  const fee = feeView(row.primary_sales_fee as StoredFee | null, row.currency);
  const body: TicketBody = {
    externalReferenceEventId: refs.externalReferenceEventId,
    showId: refs.showId,
    buyer: row.buyer as TicketBody['buyer'],
    ticketId: row.ticket_id,
    // A shield-locked ticket was sent UNLOCKED: a PUT's base is what the integrator sent (what was hashed).
    ticketAccess: { type: row.access_type, locator: row.access_locator, status: row.access_unlock_at !== null ? 'UNLOCKED' : row.access_status },
    ticketOptionId: row.ticket_option_id,
  };
  if (row.price_type_id !== null) body.priceTypeId = row.price_type_id;
  if (row.price_minor !== null) body.price = { amount: toMajor(row.price_minor, row.currency), currency: row.currency };
  if (row.buyer_email_external !== null) body.buyerEmailExternal = row.buyer_email_external;
  if (row.primary_sale_buyer_data !== null) body.primarySaleBuyerData = row.primary_sale_buyer_data;
  if (row.nominal_ticket !== null) body.nominalTicket = row.nominal_ticket as TicketBody['nominalTicket'];
  if (row.props !== null) body.props = row.props;
  if (fee) body.primarySalesFee = fee as TicketBody['primarySalesFee'];
  if (row.order_id !== null) body.orderId = row.order_id;
  if (row.tags.length > 0) body.tags = row.tags;
  return body;
}
