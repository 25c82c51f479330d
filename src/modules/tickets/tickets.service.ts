import type { Deps } from '../../app/deps.js';
import { withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { canTransition } from '../../lib/state-machine.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findShow } from '../events/index.js';
import { emitWebhook, recordTransition } from '../webhooks/index.js';
import { AccessShield } from './tickets.access.js';
import { Catalogue, isIssue } from './tickets.catalogue.js';
import { listTicketHistory, recordTicketHistory } from './tickets.history.js';
import { ticketsLeftMarket } from './tickets.market-hooks.js';
import { bodyOf, ticketView, type TicketRefs } from './tickets.mappers.js';
import { isTicketIssue, normalizeTicket, type NormalizedTicket } from './tickets.normalize.js';
import { ticketsRepository as repo, type TicketRow } from './tickets.repository.js';
import type { TicketBody, TicketPatchBody, TicketView } from './tickets.schemas.js';
import { TICKET_STATES } from './tickets.states.js';
import type { TicketStatus } from './tickets.tables.js';
import { schemaIssue, stringIssue, type TicketIssue } from './tickets.validate.js';

type TicketDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

export function ticketNotFound(ticketId: string): AppError {
  return new AppError('TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`);
}

/** Why a ticket in this state can no longer change: the 409 the client gets, with the status in details. */
function refusal(row: TicketRow): AppError {
  const status = row.status;
  const reason = row.status_reason ? ` (${row.status_reason})` : '';
  const codes: Partial<Record<TicketStatus, AppError['code']>> = {
    DELETED: 'TICKET_DELETED',
    CANCELLED: 'TICKET_CANCELLED',
    USED: 'TICKET_USED',
    INVALID: 'TICKET_INVALID',
  };
  return new AppError(codes[status] ?? 'INVALID_STATE_TRANSITION', `ticket ${row.ticket_id} is ${status}${reason} and can no longer change`, {
    details: { status, statusReason: row.status_reason },
  });
}

function toAppError(issue: TicketIssue): AppError {
  return new AppError(issue.code, issue.message, { ...(issue.field ? { field: issue.field } : {}), ...(issue.details ? { details: issue.details } : {}) });
}

/** The integrator's event and show ids of a stored ticket (tickets keep Encore's show id). */
async function refsOf(ex: Executor, row: TicketRow): Promise<TicketRefs> {
  const found = await findShow(ex, row.tenant_id, { id: row.show_pk });
  if (!found) throw new Error(`ticket ${row.ticket_id} references a missing show ${row.show_pk}`);
  return { externalReferenceEventId: found.event.externalReferenceId, showId: found.show.showId };
}

async function viewOf(ex: Executor, row: TicketRow, refs?: TicketRefs): Promise<TicketView> {
  const [r, admission, history] = await Promise.all([
    refs ?? refsOf(ex, row),
    repo.findAdmission(ex, row.tenant_id, row.ticket_id),
    listTicketHistory(ex, row.tenant_id, row.ticket_id),
  ]);
  return ticketView(row, r, admission, history);
}

export async function getTicket(deps: Pick<Deps, 'db'>, tenantId: string, ticketId: string): Promise<TicketView> {
  const row = await repo.findTicket(deps.db, tenantId, ticketId);
  if (!row) throw ticketNotFound(ticketId);
  return viewOf(deps.db, row);
}

/**
 * The PUT body laid over the stored ticket: a field sent replaces the stored one (objects whole),
 * `null` clears an optional field. A new event without a `showId` chooses the show afresh.
 */
function merge(current: TicketBody, patch: TicketPatchBody): TicketBody {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'ticketId') continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (patch.externalReferenceEventId !== undefined && patch.externalReferenceEventId !== current.externalReferenceEventId && patch.showId === undefined) {
    delete merged.showId;
  }
  // A price sent as a bare number takes its currency from a sibling `currency`, never from the stored price object.
  if (typeof patch.price === 'number' && patch.currency === undefined) delete merged.currency;
  return merged as TicketBody;
}

function accessChanged(row: TicketRow, n: NormalizedTicket): boolean {
  return row.access_type !== n.accessType || row.access_locator !== n.accessLocator || row.access_status !== n.accessStatus;
}

async function writeChanges(tx: Tx, deps: TicketDeps, actor: Actor, row: TicketRow, n: NormalizedTicket, patch: TicketPatchBody): Promise<TicketRow> {
  const now = deps.clock.now();
  const ownerChanged = JSON.stringify(row.buyer) !== JSON.stringify(n.buyer);
  const newAccess = accessChanged(row, n);
  // A resold ticket waits for its new code: the integrator's ticketAccess re-issues it, with the status sent.
  const reissued = row.access_reissue_pending && patch.ticketAccess !== undefined && patch.ticketAccess !== null;
  // A listed ticket that changes owner leaves the market: the seller no longer owns what is on sale.
  const leavesMarket = row.status === 'LISTED' && row.buyer_email !== n.buyerEmail;
  const updated = await repo.updateTicket(tx, actor.tenantId, row.ticket_id, {
    ...(leavesMarket ? { status: 'VALID' as const } : {}),
    ...(reissued ? { access_reissue_pending: false } : {}),
    event_id: n.eventId,
    show_pk: n.showPk,
    ticket_option_id: n.ticketOptionId,
    price_type_id: n.priceTypeId,
    buyer: JSON.stringify(n.buyer),
    buyer_email: n.buyerEmail,
    buyer_email_external: n.buyerEmailExternal,
    price_minor: n.priceMinor,
    currency: n.currency,
    access_type: n.accessType,
    access_locator: n.accessLocator,
    access_status: n.accessStatus,
    access_unlock_at: n.accessUnlockAt,
    access_version: newAccess ? row.access_version + 1 : row.access_version,
    primary_sale_buyer_data: n.primarySaleBuyerData === null ? null : JSON.stringify(n.primarySaleBuyerData),
    nominal_ticket: n.nominalTicket === null ? null : JSON.stringify(n.nominalTicket),
    props: n.props === null ? null : JSON.stringify(n.props),
    primary_sales_fee: n.primarySalesFee === null ? null : JSON.stringify(n.primarySalesFee),
    order_id: n.orderId,
    tags: n.tags,
    content_hash: n.contentHash,
    updated_at: now,
  });
  if (ownerChanged) {
    await recordTicketHistory(tx, actor.tenantId, row.ticket_id, 'OWNER_CHANGED', actor, { previousOwner: row.buyer, newOwner: n.buyer }, now);
  }
  if (newAccess) {
    // The code itself stays out of the history: it is a credential, and the ticket shows the current one.
    await recordTicketHistory(
      tx,
      actor.tenantId,
      row.ticket_id,
      'ACCESS_CHANGED',
      actor,
      { previousVersion: row.access_version, version: updated.access_version, type: n.accessType, status: n.accessStatus, ...(reissued ? { reissued: true } : {}) },
      now,
    );
  }
  if (leavesMarket) {
    await recordTicketHistory(tx, actor.tenantId, row.ticket_id, 'UNLISTED', actor, { listingId: null, reason: 'OWNER_CHANGED' }, now);
    await ticketsLeftMarket(tx, deps, actor, actor.tenantId, [row.ticket_id], 'OWNER_CHANGED', now);
  }
  const others = Object.keys(patch).filter((k) => !['ticketId', 'buyer', 'ticketAccess'].includes(k));
  if (others.length > 0) await recordTicketHistory(tx, actor.tenantId, row.ticket_id, 'UPDATED', actor, { fields: others.sort() }, now);
  return updated;
}

/**
 * PUT /v1/tickets/:ticketId. The merged ticket goes through the same checks as a new one (event,
 * show, option, price type live and the show's; currency), under the ticket's row lock and the
 * event's shared lock. A buyer change is an ownership change, a new `ticketAccess` a new access
 * code (version + 1): both are kept in the history. Sending what is stored changes nothing.
 */
export async function updateTicket(deps: TicketDeps, actor: Actor, ticketId: string, patch: TicketPatchBody): Promise<TicketView> {
  if (patch.ticketId !== undefined && patch.ticketId !== ticketId) {
    throw new AppError('VALIDATION_ERROR', `ticketId must be the ticket of the path (${ticketId}) or be omitted`, { field: 'ticketId' });
  }
  const strings = stringIssue(patch);
  if (strings) throw toAppError(strings);
  return withTx(deps.db, async (tx) => {
    const row = await repo.lockTicket(tx, actor.tenantId, ticketId);
    if (!row) throw ticketNotFound(ticketId);
    // A ticket can be edited while its lifecycle is open: a terminal state (no way out) is final.
    if (TICKET_STATES[row.status].length === 0) throw refusal(row);
    if (row.access_locator === '' && (patch.ticketAccess === undefined || patch.ticketAccess === null)) {
      throw new AppError('VALIDATION_ERROR', `ticket ${ticketId} was resold and waits for its new access code: send ticketAccess with this change`, {
        field: 'ticketAccess',
      });
    }
    const refs = await refsOf(tx, row);
    const merged = merge(bodyOf(row, refs), patch);
    const invalid = schemaIssue(merged);
    if (invalid) throw toAppError(invalid);

    await repo.lockEventsShared(tx, actor.tenantId, [merged.externalReferenceEventId]);
    const resolved = (await Catalogue.load(tx, actor.tenantId, [merged.externalReferenceEventId])).resolve(merged);
    if (isIssue(resolved)) throw toAppError(resolved);
    const n = normalizeTicket(merged, resolved);
    if (isTicketIssue(n)) throw toAppError(n);
    new AccessShield(deps.clock.now()).apply(n, resolved);
    if (row.superseded_locators.includes(n.accessLocator)) {
      throw new AppError('ACCESS_CODE_SUPERSEDED', `this access code of ticket ${ticketId} was replaced after a resale or transfer and cannot be used again`, {
        field: 'ticketAccess.locator',
      });
    }
    if (n.contentHash === row.content_hash) return viewOf(tx, row, refs);

    const beforeView = await viewOf(tx, row, refs);
    const updated = await writeChanges(tx, deps, actor, row, n, patch);
    const view = await viewOf(tx, updated, { externalReferenceEventId: n.externalReferenceEventId, showId: n.showId });
    const { history: _h, ...after } = view;
    const { history: _b, ...before } = beforeView;
    const audit = { action: 'ticket.updated', entityType: 'ticket', entityId: ticketId, before, after };
    const webhook = { family: 'ticket', action: 'updated', data: after } as const;
    if (updated.status !== row.status) {
      // A listed ticket that changed owner left the market (LISTED → VALID, written by writeChanges); a refused transition rolls it back.
      await recordTransition(tx, deps, { machine: TICKET_STATES, entity: `ticket ${ticketId}`, from: row.status, to: updated.status, actor, audit, webhooks: [webhook] }, deps.clock.now());
    } else {
      await recordAudit(tx, actor, audit, deps.clock.now());
      await emitWebhook(tx, deps, actor.tenantId, webhook);
    }
    return view;
  });
}

/**
 * DELETE /v1/tickets/:ticketId: DELETED, irreversibly. Deleting a deleted ticket again succeeds
 * without writing anything (a client's retry must not fail); a used, cancelled or invalid ticket
 * cannot be deleted (409 with its state). A LISTED ticket leaves the market: its listing ends here,
 * in this transaction (the market-exit hooks).
 */
export async function deleteTicket(deps: TicketDeps, actor: Actor, ticketId: string): Promise<TicketView> {
  return withTx(deps.db, async (tx) => {
    const row = await repo.lockTicket(tx, actor.tenantId, ticketId);
    if (!row) throw ticketNotFound(ticketId);
    if (row.status === 'DELETED') return viewOf(tx, row);
    if (!canTransition(TICKET_STATES, row.status, 'DELETED')) throw refusal(row);
    const now = deps.clock.now();
    const updated = await repo.updateTicket(tx, actor.tenantId, ticketId, { status: 'DELETED', status_reason: 'DELETED_BY_INTEGRATOR', updated_at: now });
    await recordTicketHistory(tx, actor.tenantId, ticketId, 'DELETED', actor, { previousStatus: row.status }, now);
    if (row.status === 'LISTED') await ticketsLeftMarket(tx, deps, actor, actor.tenantId, [ticketId], 'TICKET_DELETED', now);
    const view = await viewOf(tx, updated);
    const { history: _h, ...data } = view;
    // After the write, because the webhook carries the deleted ticket; a refused transition rolls it back.
    await recordTransition(
      tx,
      deps,
      { machine: TICKET_STATES, entity: `ticket ${ticketId}`, from: row.status, to: 'DELETED', actor, audit: { action: 'ticket.deleted', entityType: 'ticket', entityId: ticketId }, webhooks: [{ family: 'ticket', action: 'deleted', data }] },
      now,
    );
    return view;
  });
}
