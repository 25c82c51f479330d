import type { Deps } from '../../app/deps.js';
import { withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { parseOffsetDateTime } from '../events/index.js';
import { emitWebhook } from '../webhooks/index.js';
import { ADMISSIBLE, planAdmissions, type Candidate, type Outcome, type Plan, type Refusal, type Scan, type TicketState } from './admission.plan.js';
import { admissionRepository as repo, type AdmissionTicketRow } from './admission.repository.js';
import { ticketsLeftMarket } from './tickets.market-hooks.js';
import type { TicketStatus } from './tickets.tables.js';

export type AdmissionDeps = Pick<Deps, 'db' | 'clock' | 'queue'>;

export interface ScanInput {
  ticketId: string;
  /** ISO 8601 with an offset; undefined = now. */
  entryDate?: string | undefined;
  locator?: string | undefined;
}

export interface AdmissionResult {
  ticketId: string;
  admitted: true;
  entryDate: string;
  repeated: boolean;
}

export interface BatchRefusal extends Refusal {
  /** The index of the scan in the request. */
  index: number;
}

/** A plan that could not settle after this many rounds means tickets change faster than we admit them. */
const MAX_ROUNDS = 4;

function toState(row: AdmissionTicketRow): TicketState {
  return {
    ticketId: row.ticket_id,
    status: row.status,
    statusReason: row.status_reason,
    accessLocator: row.access_locator,
    admission: row.entry_date ? { entryDate: row.entry_date } : null,
  };
}

// PostgreSQL text cannot hold NUL: such an id names no ticket, and must not fail the whole request.
const storable = (id: string): boolean => !id.includes('\u0000');

const byTicketId = (a: { ticketId: string }, b: { ticketId: string }): number => (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0);

/**
 * What the plan decides when every ticket turns out admissible with the code scanned: each ticket
 * admitted by its first scan with a valid date. The first statement writes this guess and reads the
 * tickets at once; the plan then checks it against what was read.
 */
function optimisticGuess(scans: readonly Scan[]): Write[] {
  const seen = new Set<string>();
  const guess: Write[] = [];
  scans.forEach((s, i) => {
    if (!s.entryDate || seen.has(s.ticketId) || !storable(s.ticketId)) return;
    seen.add(s.ticketId);
    guess.push({ scan: i, ticketId: s.ticketId, entryDate: s.entryDate, locator: s.locator });
  });
  return guess.sort(byTicketId);
}

/** A scan to record: a candidate of the plan, or of the optimistic guess. */
type Write = Omit<Candidate, 'from'>;

interface Admitted {
  ticketId: string;
  entryDate: Date;
  from: TicketStatus;
}

/**
 * Decides and records a set of scans in one transaction with a fixed number of statements, whatever
 * the number of scans: one statement that admits (optimistically, see optimisticGuess) and reads the
 * tickets, then one audit row and one webhook message.
 *
 * The plan then decides every scan on what was read. It asks for more admissions only when the guess
 * was wrong for a ticket that is admissible after all (a later scan of it carried the right code) or
 * when a ticket changed under a concurrent writer between the snapshot and the write (a second scan
 * at another gate, a delete, a new code): those tickets are written and read again, on a fresh
 * snapshot, until the plan settles (a concurrent identical scan becomes a repeat, a different one
 * ALREADY_ADMITTED).
 */
async function admitScans(
  tx: Tx,
  deps: AdmissionDeps,
  actor: Actor,
  scans: readonly Scan[],
  audit: (admitted: Admitted[], now: Date) => Promise<void>,
): Promise<Outcome[]> {
  const now = deps.clock.now();
  const tickets = new Map<string, TicketState>();
  const admitted: Admitted[] = [];
  let write: Write[] = optimisticGuess(scans);
  let read = [...new Set(scans.map((s) => s.ticketId))].filter(storable);
  for (let round = 1; ; round++) {
    const rows = read.length === 0 ? [] : await repo.admitAndRead(tx, {
      tenantId: actor.tenantId,
      rows: write.map((c) => ({ ticketId: c.ticketId, entryDate: c.entryDate.toISOString(), locator: c.locator ?? null })),
      read,
      admissible: ADMISSIBLE,
      now,
      actor: actor.label,
      keyId: actor.keyId ?? null,
    });
    const written = new Map(write.map((c) => [c.ticketId, c]));
    for (const id of read) tickets.delete(id);
    for (const row of rows) {
      let state = toState(row);
      const c = written.get(row.ticket_id);
      if (row.admitted_now && c) {
        // The write's guard is the state machine's (ADMISSIBLE). `from` is the status the statement's
        // snapshot saw: the one the ticket left, unless a concurrent writer changed it in between.
        admitted.push({ ticketId: c.ticketId, entryDate: c.entryDate, from: row.status });
        state = { ...state, status: 'USED', admission: { entryDate: c.entryDate, byScan: c.scan } };
      }
      tickets.set(row.ticket_id, state);
    }
    let plan = planAdmissions(scans, tickets);
    if (plan.candidates.length === 0) {
      plan = await withSupersededCodes(tx, actor.tenantId, scans, tickets, plan);
      if (admitted.length > 0) {
        // The listings of tickets admitted from LISTED end here, in this transaction.
        await ticketsLeftMarket(tx, deps, actor, actor.tenantId, admitted.filter((a) => a.from === 'LISTED').map((a) => a.ticketId), 'TICKET_ADMITTED', now);
        // One message for the whole call (a batch of 1,000 is one webhook, not 1,000).
        await audit(admitted, now);
        await emitWebhook(tx, deps, actor.tenantId, {
          family: 'ticket',
          action: 'admitted',
          data: {
            ticketIds: admitted.map((a) => a.ticketId),
            admissions: admitted.map((a) => ({ ticketId: a.ticketId, entryDate: a.entryDate.toISOString() })),
          },
        });
      }
      return plan.outcomes;
    }
    if (round >= MAX_ROUNDS) throw new AppError('SERVICE_UNAVAILABLE', 'these tickets are being changed by other requests; retry shortly');
    write = plan.candidates;
    read = plan.candidates.map((c) => c.ticketId);
  }
}

/**
 * Tells a seller's code that a resale replaced (ACCESS_CODE_SUPERSEDED) apart from a wrong one. The
 * admission statement does not read `superseded_locators` (the hot path stays one call of
 * admit_tickets): they are read here, in one query, only when the plan refused a scan as a mismatch,
 * and the plan is decided again with them. Only the refusal's code can change, never what is admitted.
 */
async function withSupersededCodes(tx: Tx, tenantId: string, scans: readonly Scan[], tickets: Map<string, TicketState>, plan: Plan): Promise<Plan> {
  const mismatched = new Set<string>();
  for (const o of plan.outcomes) if (o.kind === 'refused' && o.refusal.code === 'ACCESS_CODE_MISMATCH') mismatched.add(o.ticketId);
  if (mismatched.size === 0) return plan;
  const superseded = await repo.findSupersededLocators(tx, tenantId, [...mismatched]);
  if (superseded.size === 0) return plan;
  for (const [ticketId, codes] of superseded) {
    const t = tickets.get(ticketId);
    if (t) tickets.set(ticketId, { ...t, supersededLocators: codes });
  }
  return planAdmissions(scans, tickets);
}

function refusalError(r: Refusal): AppError {
  return new AppError(r.code, r.message, { field: r.field, details: r.details });
}

/** POST /v1/tickets/:ticketId/eventAdmission: admits one ticket, or throws why not. */
export async function admitTicket(deps: AdmissionDeps, actor: Actor, ticketId: string, input: { entryDate?: string | undefined; locator?: string | undefined }): Promise<AdmissionResult> {
  // A malformed date is refused by the plan before anything else (INVALID_DATE, whatever the ticket).
  const entryDate = input.entryDate === undefined ? deps.clock.now() : parseOffsetDateTime(input.entryDate);
  const scan: Scan = { ticketId, entryDate, locator: input.locator };
  const [outcome] = await withTx(deps.db, (tx) =>
    admitScans(tx, deps, actor, [scan], async (admitted, now) => {
      const a = admitted[0]!;
      await recordAudit(
        tx,
        actor,
        { action: 'ticket.admitted', entityType: 'ticket', entityId: a.ticketId, before: { status: a.from }, after: { status: 'USED', entryDate: a.entryDate.toISOString() } },
        now,
      );
    }),
  );
  if (!outcome) throw new Error('admission produced no outcome');
  if (outcome.kind === 'refused') throw refusalError(outcome.refusal);
  return { ticketId, admitted: true, entryDate: outcome.entryDate.toISOString(), repeated: outcome.kind === 'repeat' };
}

/**
 * POST /v1/tickets/batch/eventAdmission: records every admissible scan and returns the refusals
 * (empty when all succeeded). One audit row for the batch, listing the admitted tickets.
 */
export async function admitBatch(deps: AdmissionDeps, actor: Actor, input: readonly ScanInput[]): Promise<BatchRefusal[]> {
  const scans: Scan[] = input.map((s) => ({
    ticketId: s.ticketId,
    entryDate: s.entryDate === undefined ? deps.clock.now() : parseOffsetDateTime(s.entryDate),
    locator: s.locator,
  }));
  const outcomes = await withTx(deps.db, (tx) =>
    admitScans(tx, deps, actor, scans, async (admitted, now) => {
      await recordAudit(
        tx,
        actor,
        {
          action: 'ticket.batch_admitted',
          entityType: 'admission_batch',
          entityId: newId('adb', now.getTime()),
          after: { scans: scans.length, admitted: admitted.length, ticketIds: admitted.map((a) => a.ticketId) },
        },
        now,
      );
    }),
  );
  const refusals: BatchRefusal[] = [];
  outcomes.forEach((o, index) => {
    if (o.kind === 'refused') refusals.push({ ...o.refusal, index });
  });
  return refusals;
}
