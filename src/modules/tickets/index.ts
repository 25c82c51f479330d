export { recordTicketHistory, recordTicketHistoryMany, listTicketHistory, type TicketHistoryEntry, type TicketHistoryKind } from './tickets.history.js';
export { cancelTicketsOfShowsInTx, lockEventTicketsForCancellation, type CancellationReason } from './tickets.cancel.js';
export { ingestTickets, type IngestResult, type IngestSource } from './tickets.ingest.js';
export { createIngestionJob, getJob, registerIngestionJobs, runIngestion, INGEST_JOB } from './ingestion.service.js';
export { importTickets, type ImportProgress, type ImportSummary } from './import.service.js';
export { deleteTicket, getTicket, updateTicket } from './tickets.service.js';
export { TICKET_STATES } from './tickets.states.js';
export { countLiveTicketsOfOption, findOrderTicketRefs, findTicketRef, type TicketRef } from './tickets.lookup.js';
export { findTicketsForSeller, findTicketsOfOrder, lockTicketsForResale, markTicketsListed, markTicketsUnlisted, type ResaleTicket } from './tickets.resale.js';
export { marketExitHookCount, onTicketsLeaveMarket, type MarketExitDeps, type MarketExitHook, type MarketExitReason } from './tickets.market-hooks.js';
export { findDueShieldCells, lockTicketWritersOfEvents, shieldTicketsInTx, unlockDueShieldedTickets } from './tickets.access.js';
export { ticketsIssuedByIntent } from './tickets.of-intent.js';
export { invalidateTicketsOfIntent, issueTicketsForIntent, lockIssuedTicketsOfIntent, validateTicketsOfIntent, type IntentTicketLine, type IssueForIntent } from './tickets.issue.js';
export { admitBatch, admitTicket } from './admission.service.js';
export { AsyncTicketsBody, JobAccepted, JobParams, JobView, MAX_ASYNC_BATCH, MAX_SYNC_BATCH, SyncTicketsBody, TicketParams, TicketPatchBody, TicketResult, TicketView } from './tickets.schemas.js';
export { firstStringIssueInBatch } from './tickets.validate.js';
export {
  transferClosesAt,
  transferDecision,
  transferSettingsFor,
  transferWindowOpen,
  type TransferDecision,
  type TransferFacts,
  type TransferRefusal,
} from './tickets.transfer-window.js';
export { changeTicketOwners, type NewOwner, type OwnershipChange, type OwnershipChangeReason } from './tickets.ownership.js';
export { ticketAccessOf, ticketIdsOfOwner, type TicketAccess } from './tickets.fan.js';
