export { ticketsRoutes } from './tickets.routes.js';
export { recordTicketHistory, recordTicketHistoryMany, listTicketHistory, type TicketHistoryEntry, type TicketHistoryKind } from './tickets.history.js';
export { cancelTicketsOfShowsInTx, lockEventTicketsForCancellation, type CancellationReason } from './tickets.cancel.js';
export { ingestTickets, type IngestResult, type IngestSource } from './tickets.ingest.js';
export { createIngestionJob, getJob, registerIngestionJobs, runIngestion, INGEST_JOB } from './ingestion.service.js';
export { importTickets, type ImportProgress, type ImportSummary } from './import.service.js';
export { deleteTicket, getTicket, updateTicket } from './tickets.service.js';
export { TICKET_STATES } from './tickets.states.js';
