import type { StateMachine } from '../../lib/state-machine.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * The ticket lifecycle (SPEC §3). VALID ⇄ LISTED while it is on the resale market; USED after
 * admission; CANCELLED with its show; DELETED by the integrator (irreversible). Tickets issued by a
 * purchase intent start RESERVED and become VALID on completion, INVALID if the intent dies.
 */
export const TICKET_STATES: StateMachine<TicketStatus> = {
  VALID: ['LISTED', 'USED', 'CANCELLED', 'DELETED'],
  LISTED: ['VALID', 'USED', 'CANCELLED', 'DELETED'],
  RESERVED: ['VALID', 'INVALID', 'CANCELLED', 'DELETED'],
  USED: [],
  CANCELLED: [],
  DELETED: [],
  INVALID: [],
};

export type IngestionJobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/**
 * An asynchronous ingestion job. RUNNING → RUNNING is a take-over: a worker whose lease ran out
 * (it crashed) is replaced by another, which resumes from the last committed chunk.
 */
export const INGESTION_JOB_STATES: StateMachine<IngestionJobStatus> = {
  QUEUED: ['RUNNING'],
  RUNNING: ['RUNNING', 'COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
};

/** The states from which `to` may be reached: the WHERE clause of a conditional UPDATE. */
export function statesLeadingTo<S extends string>(machine: StateMachine<S>, to: S): S[] {
  return (Object.keys(machine) as S[]).filter((from) => machine[from].includes(to));
}
