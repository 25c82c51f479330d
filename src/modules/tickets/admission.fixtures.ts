import { sql } from 'kysely';
import { marketplaceClient, type Dyn, type Reply } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';
import type { TicketStatus } from './tickets.tables.js';

/**
 * Test helpers for the admission and sale-URL route tests (imported only by *.test.ts files).
 * Tickets are inserted straight into the table: admission needs stored tickets, not the ingestion
 * endpoint, and the rows carry every NOT NULL column the tickets table has.
 */


/** Admission answers, errors included, poked at freely by the tests. */
type AdmissionReply = Reply<{ status: number; data: Dyn; errors: Dyn[] | null }>;

export interface StoredEvent {
  /** Encore event id (`evt_…`). */
  id: string;
  externalReferenceId: string;
  /** Encore show id (`shw_…`) of the first show. */
  showPk: string;
  showId: string;
}

export async function createEvent(ctx: TestContext, apiKey: string, externalReferenceId: string): Promise<StoredEvent> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { authorization: apiKey },
    payload: {
      externalReferenceId,
      title: 'Gate test',
      description: 'Admission tests',
      location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
      configuration: { policy: 'NONE', currency: 'EUR' },
      shows: [{ showId: 'night-1', date: '2027-06-01T21:00:00+02:00', ticketOptions: [{ ticketId: 'ga', title: 'General', price: 30 }] }],
    },
  });
  if (res.statusCode !== 200) throw new Error(`POST /v1/events answered ${res.statusCode}: ${res.body}`);
  const { data } = res.json<{ data: { id: string; shows: { id: string; showId: string }[] } }>();
  return { id: data.id, externalReferenceId, showPk: data.shows[0]!.id, showId: data.shows[0]!.showId };
}

export interface TicketSeed {
  ticketId: string;
  status?: TicketStatus;
  statusReason?: string | null;
  locator?: string;
}

export async function insertTickets(ctx: TestContext, tenantId: string, event: StoredEvent, seeds: TicketSeed[]): Promise<void> {
  // Chunks of 1,000 rows stay below PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < seeds.length; i += 1000) {
    await insertChunk(ctx, tenantId, event, seeds.slice(i, i + 1000));
  }
  // What autovacuum would do after a bulk load: the foreign-key checks of admissions and history
  // keep a plan per connection made when the table was tiny (a sequential scan) until statistics
  // change; at thousands of rows that plan costs seconds.
  if (seeds.length >= 1000) await sql`ANALYZE tickets`.execute(ctx.deps.db);
}

async function insertChunk(ctx: TestContext, tenantId: string, event: StoredEvent, seeds: TicketSeed[]): Promise<void> {
  await ctx.deps.db
    .insertInto('tickets')
    .values(
      seeds.map((s) => ({
        tenant_id: tenantId,
        ticket_id: s.ticketId,
        event_id: event.id,
        show_pk: event.showPk,
        ticket_option_id: 'ga',
        price_type_id: null,
        status: s.status ?? 'VALID',
        status_reason: s.statusReason ?? null,
        buyer: JSON.stringify('fan@example.com'),
        buyer_email: 'fan@example.com',
        currency: 'EUR',
        access_type: 'OTHER' as const,
        access_locator: s.locator ?? `code-${s.ticketId}`,
        access_status: 'UNLOCKED' as const,
        content_hash: `hash-${s.ticketId}`,
        tags: [],
      })),
    )
    .execute();
}

export async function ticketRow(ctx: TestContext, tenantId: string, ticketId: string) {
  return ctx.deps.db.selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).executeTakeFirst();
}

export async function admissionsOf(ctx: TestContext, tenantId: string, ticketId?: string) {
  let q = ctx.deps.db.selectFrom('admissions').selectAll().where('tenant_id', '=', tenantId);
  if (ticketId !== undefined) q = q.where('ticket_id', '=', ticketId);
  return q.orderBy('ticket_id').execute();
}

export async function historyOf(ctx: TestContext, tenantId: string, ticketId: string) {
  return ctx.deps.db.selectFrom('ticket_history').selectAll().where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).orderBy('seq').execute();
}

export async function admissionHooks(ctx: TestContext, tenantId: string): Promise<{ message: { family: string; action: string; data: Dyn } }[]> {
  const rows = await ctx.deps.db
    .selectFrom('webhook_deliveries')
    .select('body')
    .where('tenant_id', '=', tenantId)
    .where('event_type', '=', 'ticket.admitted')
    .orderBy('id')
    .execute();
  return rows.map((r) => JSON.parse(r.body) as { message: { family: string; action: string; data: Dyn } });
}

export async function admit(ctx: TestContext, apiKey: string | undefined, ticketId: string, payload?: unknown) {
  return (await marketplaceClient(ctx, apiKey).post(`/v1/tickets/${encodeURIComponent(ticketId)}/eventAdmission`, payload)) as AdmissionReply;
}

export async function admitMany(ctx: TestContext, apiKey: string | undefined, payload: unknown) {
  return (await marketplaceClient(ctx, apiKey).post('/v1/tickets/batch/eventAdmission', payload)) as AdmissionReply;
}
