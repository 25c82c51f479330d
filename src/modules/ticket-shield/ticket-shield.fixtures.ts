import type { TestContext } from '../../../test/harness.js';
import { addWebhookEndpoint, call, createEvents, ticket, ticketRow, webhooksOf } from '../tickets/tickets.fixtures.js';

/** Test helpers for the ticket-shield tests (imported only by *.test.ts files). */

export { call, ticket, ticketRow, webhooksOf };

/** Show `main` of `solo` starts 2027-06-01T19:00Z; `duo`'s `d1` then and `d2` a day later. */
export const SOLO_STARTS = Date.parse('2027-06-01T19:00:00Z');
export const HOUR = 3_600_000;
export const BEFORE = '2026-06-01T00:00:00Z';

export interface Shop {
  tenantId: string;
  key: string;
  sync(items: unknown[]): Promise<{ ticketId: string; status: string }[]>;
  rules(items: Record<string, unknown>[]): Promise<void>;
  access(ticketId: string): Promise<{ status: string; unlockAt: Date | null }>;
}

/** A tenant with the tickets module's two events and a webhook endpoint receiving everything. */
export async function openShop(ctx: TestContext, name: string): Promise<Shop> {
  const tenant = await ctx.createTenant(name);
  const key = tenant.apiKey;
  await createEvents(ctx, key);
  await addWebhookEndpoint(ctx, key);
  return {
    tenantId: tenant.tenantId,
    key,
    async sync(items) {
      const res = await call(ctx, key, 'POST', '/v1/sync/tickets', items);
      if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.data as { ticketId: string; status: string }[];
    },
    async rules(items) {
      const res = await call(ctx, key, 'POST', '/v1/events/rules', items);
      if (res.status !== 200) throw new Error(`rules answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    async access(ticketId) {
      const row = await ticketRow(ctx, tenant.tenantId, ticketId);
      if (!row) throw new Error(`no ticket ${ticketId}`);
      return { status: row.access_status, unlockAt: row.access_unlock_at };
    },
  };
}

export const shield = (hours: number, extra: Record<string, unknown> = {}, enabled = true): Record<string, unknown> => ({
  externalReferenceEventId: 'solo',
  ruleType: 'TICKET_SHIELD',
  rules: { enabled, unlockHoursBeforeShow: hours },
  ...extra,
});

export const unlocked = (ticketId: string, extra: Record<string, unknown> = {}, event = 'solo') =>
  ticket(ticketId, { ticketAccess: { type: 'URL', locator: `https://t.example/${ticketId}`, status: 'UNLOCKED' }, ...extra }, event);

export async function historyKinds(ctx: TestContext, tenantId: string, ticketId: string): Promise<string[]> {
  const rows = await ctx.deps.db.selectFrom('ticket_history').select('kind').where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).orderBy('seq').execute();
  return rows.map((r) => r.kind);
}
