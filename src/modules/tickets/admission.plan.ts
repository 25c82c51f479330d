import type { ErrorCode } from '../../lib/app-error.js';
import { canTransition } from '../../lib/state-machine.js';
import { TICKET_STATES } from './tickets.states.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * The decision of admission, as a pure function of the scans and the stored tickets, so the single
 * and the batch endpoint decide alike and the rules are tested without a database.
 *
 * Scans are decided in order, as if they had arrived one after the other: a ticket scanned twice in
 * one batch is admitted by its first admissible scan, and a later scan of it is a repeat (same entry
 * time) or ALREADY_ADMITTED (another time), exactly as two separate requests would be.
 *
 * Checks, in order, for each scan:
 *  1. `entryDate` parses (ISO 8601 with an offset)          else INVALID_DATE          (field entryDate)
 *  2. the ticket exists for this tenant                      else TICKET_NOT_FOUND      (field ticketId)
 *  3. `locator`, when given, is the current access code     else ACCESS_CODE_SUPERSEDED (a code a resale
 *                                                            replaced) / ACCESS_CODE_MISMATCH (field locator)
 *  4. an admission is recorded: same entry time → repeat (success, nothing written);
 *     another time → ALREADY_ADMITTED with `firstEntryDate`
 *  5. the ticket may become USED (VALID, LISTED)             else TICKET_DELETED / TICKET_CANCELLED /
 *                                                                 TICKET_NOT_ADMISSIBLE / ALREADY_ADMITTED (USED)
 *  6. admit.
 * The code is checked before the admission, so a wrong code never opens the gate, not even as a repeat.
 */

export interface Scan {
  ticketId: string;
  /** Undefined when the text did not parse. */
  entryDate: Date | undefined;
  locator: string | undefined;
}

export interface RecordedAdmission {
  entryDate: Date;
  /** The index of the scan of this request that recorded it; undefined for an earlier request's. */
  byScan?: number;
}

export interface TicketState {
  ticketId: string;
  status: TicketStatus;
  statusReason: string | null;
  accessLocator: string;
  admission: RecordedAdmission | null;
  /** The codes a resale replaced; read only for scans refused as a mismatch (the rare case). */
  supersededLocators?: readonly string[];
}

export interface Refusal {
  code: ErrorCode;
  message: string;
  field: 'ticketId' | 'entryDate' | 'locator';
  details: Record<string, unknown>;
}

export type Outcome =
  | { kind: 'admitted'; ticketId: string; entryDate: Date }
  | { kind: 'repeat'; ticketId: string; entryDate: Date }
  | { kind: 'refused'; ticketId: string; refusal: Refusal };

export interface Candidate {
  scan: number;
  ticketId: string;
  entryDate: Date;
  locator: string | undefined;
  from: TicketStatus;
}

export interface Plan {
  outcomes: Outcome[];
  /** Scans that would record an admission, at most one per ticket, sorted by ticketId (the lock order). */
  candidates: Candidate[];
}

/** The statuses from which the state machine allows admission (VALID, LISTED). */
export const ADMISSIBLE: TicketStatus[] = (Object.keys(TICKET_STATES) as TicketStatus[]).filter((s) => canTransition(TICKET_STATES, s, 'USED'));

function refuse(ticketId: string, code: ErrorCode, message: string, field: Refusal['field'], details: Record<string, unknown> = {}): Outcome {
  return { kind: 'refused', ticketId, refusal: { code, message, field, details: { ticketId, ...details } } };
}

/** Why a ticket that may not become USED is refused. */
function statusRefusal(t: TicketState): Outcome {
  switch (t.status) {
    case 'DELETED':
      return refuse(t.ticketId, 'TICKET_DELETED', `ticket ${t.ticketId} was deleted and cannot be admitted`, 'ticketId', { status: t.status });
    case 'CANCELLED':
      return refuse(
        t.ticketId,
        'TICKET_CANCELLED',
        `ticket ${t.ticketId} is cancelled${t.statusReason ? ` (${t.statusReason})` : ''} and cannot be admitted`,
        'ticketId',
        { status: t.status, statusReason: t.statusReason },
      );
    case 'USED':
      // USED without an admission row: used by a path other than admission (none today).
      return refuse(t.ticketId, 'ALREADY_ADMITTED', `ticket ${t.ticketId} was already used`, 'ticketId', { status: t.status, firstEntryDate: null });
    case 'RESERVED':
    case 'INVALID':
    case 'VALID':
    case 'LISTED':
      return refuse(t.ticketId, 'TICKET_NOT_ADMISSIBLE', `ticket ${t.ticketId} is ${t.status} and cannot be admitted`, 'ticketId', { status: t.status });
  }
}

/**
 * Codes that were valid once: a resale or a transfer rotates the ticket's code, and the old owner's
 * code is told apart here (ACCESS_CODE_SUPERSEDED) from a code that never belonged to the ticket. The
 * caller fills `supersededLocators` only after a first plan refused a scan as a mismatch, so the
 * common path never reads them.
 */
function locatorRefusal(t: TicketState, locator: string): Outcome {
  if (t.supersededLocators?.includes(locator)) {
    return refuse(t.ticketId, 'ACCESS_CODE_SUPERSEDED', `the code scanned was replaced after a resale or transfer of ticket ${t.ticketId} and is no longer valid`, 'locator');
  }
  return refuse(t.ticketId, 'ACCESS_CODE_MISMATCH', `the code scanned is not the current access code of ticket ${t.ticketId}`, 'locator');
}

export function planAdmissions(scans: readonly Scan[], tickets: ReadonlyMap<string, TicketState>): Plan {
  const outcomes: Outcome[] = [];
  const candidates: Candidate[] = [];
  // Admissions decided earlier in this request, on top of the stored ones.
  const pending = new Map<string, RecordedAdmission>();
  scans.forEach((scan, i) => {
    const { ticketId, entryDate, locator } = scan;
    if (entryDate === undefined) {
      outcomes.push(refuse(ticketId, 'INVALID_DATE', 'entryDate must be an ISO 8601 date-time with an offset, e.g. 2027-07-01T19:42:10Z', 'entryDate'));
      return;
    }
    const t = tickets.get(ticketId);
    if (!t) {
      outcomes.push(refuse(ticketId, 'TICKET_NOT_FOUND', `ticket ${ticketId} does not exist`, 'ticketId'));
      return;
    }
    if (locator !== undefined && locator !== t.accessLocator) {
      outcomes.push(locatorRefusal(t, locator));
      return;
    }
    const recorded = pending.get(ticketId) ?? t.admission;
    if (recorded) {
      if (recorded.entryDate.getTime() !== entryDate.getTime()) {
        const first = recorded.entryDate.toISOString();
        outcomes.push(refuse(ticketId, 'ALREADY_ADMITTED', `ticket ${ticketId} was already admitted at ${first}`, 'ticketId', { firstEntryDate: first }));
      } else {
        outcomes.push({ kind: recorded.byScan === i ? 'admitted' : 'repeat', ticketId, entryDate: recorded.entryDate });
      }
      return;
    }
    if (!canTransition(TICKET_STATES, t.status, 'USED')) {
      outcomes.push(statusRefusal(t));
      return;
    }
    pending.set(ticketId, { entryDate, byScan: i });
    candidates.push({ scan: i, ticketId, entryDate, locator, from: t.status });
    outcomes.push({ kind: 'admitted', ticketId, entryDate });
  });
  candidates.sort((a, b) => (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0));
  return { outcomes, candidates };
}
