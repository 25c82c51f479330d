import { expect } from 'vitest';
import { withTx } from '../../src/db/tx.js';
import { createTenantInTx } from '../../src/modules/tenants/index.js';
import { marketplaceClient, purchaseIntentClient, type Client, type Dyn, type Envelope, type Reply } from '../client.js';
import type { TestContext } from '../harness.js';

/**
 * Shared set-up of the existing-client acceptance suite: a tenant with both clients, and bodies that
 * are valid on every side of this issue (so a test fails for what it is about, not for its set-up).
 * Every call goes through test/client.ts: `Content-Type: application/json` on every request, as the
 * clients integrators already have.
 */

export const SHOP_ORIGIN = 'https://shop.example';
export const PUBLIC_URL = 'http://encore.test';
export const SHOW_DATE = '2027-06-01T21:00:00+02:00';

export interface Tenant {
  tenantId: string;
  apiKey: string;
  mp: Client<Envelope>;
  pi: Client<Dyn>;
}

export async function tenant(ctx: TestContext, name: string, opts: { returnOrigins?: string[]; defaultLanguage?: 'es' | 'en' } = {}): Promise<Tenant> {
  const returnOrigins = opts.returnOrigins ?? [SHOP_ORIGIN];
  const t = opts.defaultLanguage
    ? await withTx(ctx.deps.db, (tx) => createTenantInTx(tx, ctx.deps, { name, returnOrigins, defaultLanguage: opts.defaultLanguage }))
    : await ctx.createTenant(name, { returnOrigins });
  return { tenantId: t.tenantId, apiKey: t.apiKey, mp: marketplaceClient(ctx, t.apiKey), pi: purchaseIntentClient(ctx, t.apiKey) };
}

/** A one-show event that every version of the API accepts (explicit currency, policy and venue). */
export function plainEvent(externalReferenceId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalReferenceId,
    title: 'Concert',
    description: 'Live',
    location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
    shows: [
      {
        showId: 'main',
        date: SHOW_DATE,
        ticketOptions: [
          { ticketId: 'ga', title: 'General', price: 30, capacity: 100 },
          { ticketId: 'vip', title: 'VIP', price: 90 },
        ],
      },
    ],
    ...overrides,
  };
}

export function plainTicket(ticketId: string, event: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalReferenceEventId: event,
    buyer: 'fan@fans.example',
    ticketId,
    ticketAccess: { type: 'URL', locator: `https://t.example/${ticketId.slice(0, 50)}` },
    ticketOptionId: 'ga',
    ...overrides,
  };
}

/** Expects a 2xx (the reply in the message otherwise) and answers the reply. */
export function ok<R extends Reply<unknown>>(res: R, status = 200): R {
  expect(res.status, res.text.slice(0, 2000)).toBe(status);
  return res;
}

export async function createEvent(t: Tenant, body: Record<string, unknown>): Promise<Dyn> {
  return ok(await t.mp.post('/v1/events', body)).body.data;
}

export async function syncTickets(t: Tenant, tickets: Record<string, unknown>[]): Promise<void> {
  const res = ok(await t.mp.post('/v1/sync/tickets', tickets));
  const failed = (res.body.data as { status: string }[]).filter((r) => r.status === 'ERROR');
  expect(failed, JSON.stringify(res.body.data)).toEqual([]);
}

/** A purchase intent of `plainEvent(event)`'s only show (named by its externalReferenceId). */
export async function createIntent(t: Tenant, event: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Dyn> {
  const res = await t.pi.post('/api/purchaseintents', { eventId: event, tickets: [{ ticketTypeId: 'vip', amount: 1, price: 90 }], ...extra }, { headers });
  return ok(res, 201).body;
}

export async function createStrategy(t: Tenant, overrides: Record<string, unknown> = {}): Promise<string> {
  const body = {
    name: 'plain',
    availabilityStrategy: { createTickets: false, checkAvailability: false, withoutSeats: false, createValidTickets: false },
    expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
    needsApproval: false,
    cancellationStrategy: 'cancellationAllowed',
    ...overrides,
  };
  return (ok(await t.pi.post('/api/purchaseintents/strategies', body), 201).body as { _id: string })._id;
}

/** The marketplace error envelope, exactly (SPEC §1). */
export function expectMarketplaceError(res: Reply<Envelope>, status: number, code: string, field?: string): void {
  expect(res.status, res.text.slice(0, 2000)).toBe(status);
  expect(res.body).toMatchObject({ status, data: null });
  expect(Array.isArray(res.body.errors)).toBe(true);
  expect(res.body.errors?.[0]).toMatchObject({ code, ...(field !== undefined ? { field } : {}) });
  expect(typeof res.body.errors?.[0]?.message).toBe('string');
}

/** The purchase-intent error envelope, exactly `{statusCode, error, message}` (SPEC §1). */
export function expectPiError(res: Reply<Dyn>, status: number, message?: RegExp): void {
  expect(res.status, res.text.slice(0, 2000)).toBe(status);
  expect(Object.keys(res.body as object).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(res.body.statusCode).toBe(status);
  expect(typeof res.body.error).toBe('string');
  if (message) expect(res.body.message).toMatch(message);
}

/** The paths named in `Encore-Ignored-Fields`, as a sorted list. */
export function ignoredFields(res: Reply<unknown>): string[] {
  const h = res.headers['encore-ignored-fields'];
  if (h === undefined) return [];
  return String(h)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .sort();
}

/** A deep copy of a published example with some members replaced (ids that must name real objects). */
export function withValues<T>(example: T, set: (copy: Dyn) => void): T {
  const copy = structuredClone(example) as Dyn;
  set(copy);
  return copy as T;
}
