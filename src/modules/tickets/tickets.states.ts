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
