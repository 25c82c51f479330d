import type { Deps } from '../../app/deps.js';
import { withTx, type Tx } from '../../db/tx.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { AccessShield } from './tickets.access.js';
import { Catalogue, isIssue } from './tickets.catalogue.js';
import { isTicketIssue, normalizeTicket, type NormalizedTicket } from './tickets.normalize.js';
import { ticketsRepository as repo } from './tickets.repository.js';
import type { TicketBody } from './tickets.schemas.js';
import { schemaIssue, stringIssue, type TicketIssue } from './tickets.validate.js';

/**
 * The one ingestion path: the synchronous endpoint, the asynchronous job (chunk by chunk) and the
 * command-line import all call `ingestInTx`. Per ticket: schema, strings, references, money →
 * normalized ticket + content hash; then, for the whole batch, a fixed number of statements:
 * the event locks, one load per distinct event, one INSERT … ON CONFLICT DO NOTHING (with the
 * history rows), and — only when some ids already existed — one read of their hashes.
 *
 * Re-running a batch is harmless: existing tickets with the same hash are UNCHANGED, so a job
 * chunk replayed after a crash changes nothing and reports the same successes.
 */

export type IngestStatus = 'CREATED' | 'UNCHANGED' | 'ERROR';

export interface IngestResult {
  ticketId: string | null;
  status: IngestStatus;
  /** Fields are relative to the ticket; callers add its position (`[3].` or a CSV line). */
  issue?: TicketIssue;
}

export interface IngestSource {
  via: 'sync' | 'async' | 'import';
  jobId?: string;
  /** The items already passed the ticket schema and string checks (an HTTP route did it for the whole request). */
  validated?: boolean;
}

export type IngestDeps = Pick<Deps, 'db' | 'clock'>;

function ticketIdOf(item: unknown): string | null {
  const id = (item as { ticketId?: unknown } | null)?.ticketId;
  return typeof id === 'string' ? id : null;
}

export async function ingestInTx(tx: Tx, deps: IngestDeps, actor: Actor, items: readonly unknown[], source: IngestSource): Promise<IngestResult[]> {
  const results: IngestResult[] = new Array<IngestResult>(items.length);
  const fail = (i: number, issue: TicketIssue): void => {
    results[i] = { ticketId: ticketIdOf(items[i]), status: 'ERROR', issue };
  };

  const valid: { i: number; body: TicketBody }[] = [];
  for (let i = 0; i < items.length; i++) {
    const issue = source.validated ? undefined : (schemaIssue(items[i]) ?? stringIssue(items[i]));
    if (issue) fail(i, issue);
    else valid.push({ i, body: items[i] as TicketBody });
  }

  const refs = valid.map((v) => v.body.externalReferenceEventId);
  await repo.lockEventsShared(tx, actor.tenantId, refs);
  const catalogue = await Catalogue.load(tx, actor.tenantId, refs);
  const now = deps.clock.now();
  const shield = new AccessShield(now);

  // The first occurrence of a ticketId is written; a repeat in the same batch is compared with it.
  const first = new Map<string, { i: number; ticket: NormalizedTicket }>();
  const repeats: { i: number; ticket: NormalizedTicket }[] = [];
  const toWrite: { i: number; ticket: NormalizedTicket }[] = [];
  for (const { i, body } of valid) {
    const resolved = catalogue.resolve(body);
    if (isIssue(resolved)) {
      fail(i, resolved);
      continue;
    }
    const ticket = normalizeTicket(body, resolved);
    if (isTicketIssue(ticket)) {
      fail(i, ticket);
      continue;
    }
    shield.apply(ticket, resolved);
    if (first.has(ticket.ticketId)) {
      repeats.push({ i, ticket });
    } else {
      first.set(ticket.ticketId, { i, ticket });
      toWrite.push({ i, ticket });
    }
  }

  const created = new Set(
    await repo.insertNew(tx, actor.tenantId, toWrite.map((w) => w.ticket), now, {
      actor: actor.label,
      data: { via: source.via, ...(source.jobId ? { jobId: source.jobId } : {}) },
    }),
  );
  const existingIds = toWrite.filter((w) => !created.has(w.ticket.ticketId)).map((w) => w.ticket.ticketId);
  const existing = new Map((await repo.findExisting(tx, actor.tenantId, existingIds)).map((r) => [r.ticket_id, r]));

  for (const { i, ticket } of toWrite) {
    if (created.has(ticket.ticketId)) {
      results[i] = { ticketId: ticket.ticketId, status: 'CREATED' };
      continue;
    }
    const row = existing.get(ticket.ticketId);
    if (row && row.content_hash === ticket.contentHash && row.status !== 'DELETED') {
      results[i] = { ticketId: ticket.ticketId, status: 'UNCHANGED' };
    } else if (row?.status === 'DELETED') {
      fail(i, { code: 'TICKET_DELETED', message: `ticket ${ticket.ticketId} was deleted; deletion is irreversible`, field: 'ticketId' });
    } else {
      fail(i, {
        code: 'TICKET_EXISTS',
        message: `ticket ${ticket.ticketId} already exists with different content; use PUT /v1/tickets/${ticket.ticketId} to change it`,
        field: 'ticketId',
      });
    }
  }
  for (const { i, ticket } of repeats) {
    const earlier = first.get(ticket.ticketId)!;
    if (earlier.ticket.contentHash === ticket.contentHash && results[earlier.i]!.status !== 'ERROR') {
      results[i] = { ticketId: ticket.ticketId, status: 'UNCHANGED' };
    } else {
      fail(i, { code: 'TICKET_EXISTS', message: `ticket ${ticket.ticketId} appears earlier in this batch with different content`, field: 'ticketId' });
    }
  }

  if (created.size > 0) {
    await recordAudit(
      tx,
      actor,
      {
        action: 'tickets.created',
        entityType: source.jobId ? 'ingestion_job' : 'ticket_batch',
        entityId: source.jobId ?? `${source.via}:${now.toISOString()}`,
        after: { via: source.via, created: created.size, ticketIds: [...created] },
      },
      now,
    );
  }
  return results;
}

/** POST /v1/sync/tickets and the command-line import: one transaction per batch. */
export async function ingestTickets(deps: IngestDeps, actor: Actor, items: readonly unknown[], source: IngestSource): Promise<IngestResult[]> {
  return withTx(deps.db, (tx) => ingestInTx(tx, deps, actor, items, source));
}
