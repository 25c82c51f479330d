import type { Deps } from '../app/deps.js';
import { withLockTimeout } from '../db/locks.js';
import { withTx, type Executor } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { ID_PREFIX, newId } from '../lib/ids.js';
import type { Lang } from '../lib/urls.js';
import type { Actor } from '../modules/audit/index.js';
import { getEventsByIds, type EventRecord, type ShowRecord } from '../modules/events/index.js';
import { findListingForTicket } from '../modules/listings/index.js';
import { queueMail } from '../modules/mail/index.js';
import { hostedPageUrl, myTicketsPage } from '../modules/marketplace-urls/index.js';
import { getMarketSettings } from '../modules/tenants/index.js';
import {
  changeTicketOwners,
  findTicketsForSeller,
  lockTicketsForResale,
  transferDecision,
  transferSettingsFor,
  type ResaleTicket,
  type TransferDecision,
  type TransferRefusal,
} from '../modules/tickets/index.js';
import { receiverMail, senderMail, type TransferMailFacts } from './ticket-transfer.mail.js';

/**
 * The fan-to-fan transfer (SPEC §4.1 item 8, issue 12): the signed-in fan gives one of their tickets
 * to another e-mail, for free, when the TRANSFER rule allows it. Beside the resale purchase, and
 * sharing its ownership change (changeTicketOwners): new owner, code rotated (the old one refused at
 * the gate), TRANSFERRED history, audit, and `ticket.updated` typed USER_TRANSFER.
 *
 * One transaction: the ticket row is locked (FOR UPDATE under the lock timeout), then decided on what
 * the lock guarantees, then changed, and the two mails (receiver, sender's copy) are queued in the
 * outbox with it. Two transfers of one ticket queue on its row: the second finds it no longer the
 * fan's and is refused like an unknown ticket. A listing being created, an admission or a PUT
 * meanwhile queue on the same row.
 *
 * The ticket is named as the page's URL names it: the show (`showPk`, Encore's `shw_…`) and the
 * integrator's `ticketId`. A ticket that is not the fan's — unknown, another tenant's, another
 * show's, another fan's — is always TICKET_NOT_FOUND: the answer never tells that a ticket exists.
 */

export type TransferDeps = Pick<Deps, 'db' | 'clock' | 'queue' | 'config'>;

/** What the page shows of the ticket being given. */
export interface TransferTicketSummary {
  ticketId: string;
  showPk: string;
  externalReferenceEventId: string;
  eventName: string;
  showId: string;
  showTitle: string | null;
  showStartsAt: Date;
  /** The event's IANA time zone (dates are shown in it); null: UTC. */
  timeZone: string | null;
  ticketOptionId: string;
  ticketOptionName: string;
  seat: ResaleTicket['seat'];
}

export type TransferEligibility =
  /** `availableUntil`: the last moment the TRANSFER rule allows it. */
  | { ok: true; ticket: TransferTicketSummary; availableUntil: Date }
  /**
   * `reason` is the code transferTicket would refuse with. `ticket` is there whenever the ticket is
   * the fan's (never for TICKET_NOT_FOUND); `availableUntil` when the window closed (TRANSFER_CLOSED);
   * `listingId` the listing to end first (TICKET_ALREADY_LISTED).
   */
  | { ok: false; reason: TransferRefusal; ticket?: TransferTicketSummary; availableUntil?: Date; listingId?: string };

export interface TransferInput {
  tenantId: string;
  /** The integrator's ticketId (the page's `?ticketId=`). */
  ticketId: string;
  /** Encore's show id (the page's path). */
  showPk: string;
  /** The signed-in fan. */
  fromEmail: string;
  toEmail: string;
  /** The receiver's full name, optional (a blank form field counts as none). */
  toName?: string | undefined;
  /** The page's language: the mails are written in it. */
  lang: Lang;
}

export interface TransferResult {
  transferId: string;
  ticket: TransferTicketSummary;
  previousOwnerEmail: string;
  newOwnerEmail: string;
  transferredAt: Date;
  /** The outbox ids of the receiver's mail and the sender's copy. */
  mails: { receiver: string; sender: string };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_NAME = 300;

const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The receiver's address and name as given by the form: refused naming the field, never echoed into an error's details. */
function checkReceiver(input: TransferInput): { from: string; to: string; toName: string | undefined } {
  const from = normalizeEmail(input.fromEmail);
  const to = normalizeEmail(input.toEmail);
  if (to.length > 254 || !EMAIL.test(to) || CONTROL.test(to)) throw new AppError('VALIDATION_ERROR', 'toEmail must be an e-mail address', { field: 'toEmail' });
  if (to === from) throw new AppError('TRANSFER_TO_SELF', 'a ticket cannot be transferred to the e-mail that already holds it', { field: 'toEmail' });
  const toName = input.toName?.trim() || undefined;
  if (toName !== undefined && (toName.length > MAX_NAME || CONTROL.test(toName))) {
    throw new AppError('VALIDATION_ERROR', `toName must be at most ${MAX_NAME} characters, without control characters`, { field: 'toName' });
  }
  return { from, to, toName };
}

/** The ticket as a transfer describes it (the answer, the eligibility and the receipt page). */
export function transferTicketSummary(event: EventRecord, show: ShowRecord, t: ResaleTicket): TransferTicketSummary {
  return {
    ticketId: t.ticketId,
    showPk: show.id,
    externalReferenceEventId: event.externalReferenceId,
    eventName: event.title,
    showId: show.showId,
    showTitle: show.title,
    showStartsAt: show.startsAt,
    timeZone: event.timeZone,
    ticketOptionId: t.ticketOptionId,
    ticketOptionName: show.ticketOptions.find((o) => o.ticketId === t.ticketOptionId)?.title ?? t.ticketOptionId,
    seat: t.seat,
  };
}

interface Assessed {
  decision: TransferDecision;
  /** Only for the fan's own ticket. */
  ticket?: TransferTicketSummary;
}

/** The facts of the decision table (tickets' transferDecision), read for one ticket and one fan. */
async function assess(ex: Executor, tenantId: string, t: ResaleTicket | undefined, showPk: string, email: string, now: Date): Promise<Assessed> {
  const notOwner: Assessed = { decision: transferDecision({ kind: 'not-owner' }, now) };
  if (!t || t.showPk !== showPk || t.buyerEmail !== email) return notOwner;
  const [event] = await getEventsByIds(ex, tenantId, [t.eventId]);
  const show = event?.shows.find((s) => s.id === t.showPk);
  if (!event || !show) return notOwner;
  const decision = transferDecision(
    {
      kind: 'owner',
      ticket: t.status,
      eventCancelled: event.status === 'CANCELLED',
      showCancelled: show.status === 'CANCELLED',
      transfer: transferSettingsFor(event.rules, { showId: show.showId, ticketOptionId: t.ticketOptionId, priceTypeId: t.priceTypeId }),
      showStartsAt: show.startsAt,
    },
    now,
  );
  return { decision, ticket: transferTicketSummary(event, show, t) };
}

const MESSAGES: Record<TransferRefusal, (ticketId: string) => string> = {
  TICKET_NOT_FOUND: (id) => `ticket ${id} does not exist or is not yours`,
  EVENT_CANCELLED: (id) => `the event of ticket ${id} is cancelled`,
  SHOW_CANCELLED: (id) => `the show of ticket ${id} is cancelled`,
  TICKET_USED: (id) => `ticket ${id} was already used at the gate`,
  TICKET_CANCELLED: (id) => `ticket ${id} is cancelled`,
  TICKET_DELETED: (id) => `ticket ${id} was deleted`,
  TICKET_INVALID: (id) => `ticket ${id} is no longer valid`,
  TICKET_RESERVED: (id) => `ticket ${id} is reserved by a purchase that is not completed yet`,
  TICKET_ALREADY_LISTED: (id) => `ticket ${id} is listed for resale; end its listing before transferring it`,
  TRANSFER_DISABLED: (id) => `the organiser does not allow transferring ticket ${id}`,
  TRANSFER_CLOSED: (id) => `transfers of ticket ${id} are closed`,
};

/** The refusal as the API says it: the code, the field, and what the page needs to explain it. */
async function refusal(ex: Executor, tenantId: string, ticketId: string, email: string, d: Extract<TransferDecision, { ok: false }>): Promise<AppError> {
  const details: Record<string, unknown> = {};
  if (d.availableUntil) details.availableUntil = d.availableUntil.toISOString();
  if (d.reason === 'TICKET_ALREADY_LISTED') {
    const listing = await findListingForTicket(ex, tenantId, ticketId, email);
    if (listing) Object.assign(details, { listingId: listing.listingId, listingStatus: listing.status });
  }
  return new AppError(d.reason, MESSAGES[d.reason](ticketId), { field: 'ticketId', ...(Object.keys(details).length > 0 ? { details } : {}) });
}

const busy = (): AppError => new AppError('SERVICE_UNAVAILABLE', 'the ticket is being changed by another request; retry shortly');

/** Gives the fan's ticket to `toEmail`, or throws why not (see TransferRefusal; VALIDATION_ERROR / TRANSFER_TO_SELF on the receiver). */
export async function transferTicket(deps: TransferDeps, input: TransferInput): Promise<TransferResult> {
  const { tenantId, ticketId, showPk, lang } = input;
  const { from, to, toName } = checkReceiver(input);
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const actor: Actor = { tenantId, label: 'transfer' };
    const [t] = await withLockTimeout(() => lockTicketsForResale(tx, tenantId, [ticketId]), busy);
    const { decision, ticket } = await assess(tx, tenantId, t, showPk, from, now);
    if (!decision.ok) throw await refusal(tx, tenantId, ticketId, from, decision);
    const transferId = newId(ID_PREFIX.transfer, now.getTime());
    // The ticket is locked and VALID: the guarded UPDATE inside cannot miss it.
    await changeTicketOwners(tx, deps, actor, { tenantId, ticketIds: [ticketId], newOwner: { email: to, name: toName }, reason: { type: 'USER_TRANSFER', transferId }, now });
    const summary = ticket!;
    const settings = await getMarketSettings(tx, tenantId);
    const facts: TransferMailFacts = {
      ...summary,
      tenantName: settings.name,
      fromEmail: from,
      toEmail: to,
      toName,
      myTicketsUrl: hostedPageUrl(deps.config.publicUrl, myTicketsPage(tenantId), { lang }),
    };
    const receiver = await queueMail(tx, deps, { tenantId, to, kind: 'ticket.transfer.received', ref: transferId, ...receiverMail(facts, lang) });
    const sender = await queueMail(tx, deps, { tenantId, to: from, kind: 'ticket.transfer.sent', ref: transferId, ...senderMail(facts, lang) });
    return { transferId, ticket: summary, previousOwnerEmail: from, newOwnerEmail: to, transferredAt: now, mails: { receiver, sender } };
  });
}

/**
 * What the transfer page shows before the fan tries: the ticket, or why it cannot be given (the
 * same decision as transferTicket, read without locks; the transfer decides again under its lock).
 */
export async function transferEligibility(
  deps: Pick<Deps, 'db'>,
  input: { tenantId: string; showPk: string; ticketId: string; email: string; now: Date },
): Promise<TransferEligibility> {
  const email = normalizeEmail(input.email);
  const [t] = await findTicketsForSeller(deps.db, input.tenantId, [input.ticketId], []);
  const { decision, ticket } = await assess(deps.db, input.tenantId, t, input.showPk, email, input.now);
  if (decision.ok) return { ok: true, ticket: ticket!, availableUntil: decision.availableUntil };
  const answer: TransferEligibility = { ok: false, reason: decision.reason };
  if (ticket) answer.ticket = ticket;
  if (decision.availableUntil) answer.availableUntil = decision.availableUntil;
  if (decision.reason === 'TICKET_ALREADY_LISTED') {
    const listing = await findListingForTicket(deps.db, input.tenantId, input.ticketId, email);
    if (listing) answer.listingId = listing.listingId;
  }
  return answer;
}
