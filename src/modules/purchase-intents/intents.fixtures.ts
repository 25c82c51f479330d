import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { purchaseIntentClient, type CallOptions } from '../../../test/client.js';
import type { Dyn } from '../../../test/client.js';
import type { TestContext } from '../../../test/harness.js';

export type { Dyn };
import { referenceSchema } from './reference.js';

/** Test helpers for the purchase-intent route tests (imported only by *.test.ts files). */


export interface PiReply {
  status: number;
  body: Dyn;
}

export async function pi(ctx: TestContext, key: string | undefined, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown, opts?: CallOptions): Promise<PiReply> {
  const res = await purchaseIntentClient(ctx, key).call(method, url, payload, opts);
  return { status: res.status, body: res.body };
}

export const SHOW_DATE = '2027-06-01T21:00:00+02:00';

/**
 * `gig` (one show `main`: `ga` 30 EUR capacity 5, `vip` 90 EUR unlimited) and `duo` (two shows).
 * Returns the Encore show ids.
 */
export async function createPiEvents(ctx: TestContext, key: string): Promise<{ gigShow: string; duoShows: string[] }> {
  const base = {
    title: 'Concert',
    description: 'Live',
    location: { venueName: 'Sala', city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
  };
  const options = [
    { ticketId: 'ga', title: 'General', price: 30, capacity: 5 },
    { ticketId: 'vip', title: 'VIP', price: 90 },
  ];
  const ids: string[][] = [];
  for (const event of [
    { ...base, externalReferenceId: 'gig', shows: [{ showId: 'main', date: SHOW_DATE, ticketOptions: options }] },
    {
      ...base,
      externalReferenceId: 'duo',
      shows: [
        { showId: 'd1', date: SHOW_DATE, ticketOptions: options },
        { showId: 'd2', date: '2027-06-02T21:00:00+02:00', ticketOptions: options },
      ],
    },
  ]) {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: key }, payload: event });
    if (res.statusCode !== 200) throw new Error(`POST /v1/events answered ${res.statusCode}: ${res.body}`);
    const created = res.json<{ data: { shows: { id: string }[] } }>();
    ids.push(created.data.shows.map((s) => s.id));
  }
  return { gigShow: ids[0]![0]!, duoShows: ids[1]! };
}

export async function createStrategy(ctx: TestContext, key: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const body = {
    name: 'checked',
    availabilityStrategy: { createTickets: false, checkAvailability: true, withoutSeats: false, createValidTickets: false },
    expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
    needsApproval: false,
    cancellationStrategy: 'cancellationAllowed',
    ...overrides,
  };
  const res = await pi(ctx, key, 'POST', '/api/purchaseintents/strategies', body);
  if (res.status !== 201) throw new Error(`POST strategies answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { _id: string })._id;
}

/**
 * A validator of the reference's own schema. Ajv 8 reads OpenAPI's `nullable` only next to a `type`;
 * the reference also puts it on a `oneOf` (`triggeredBy`), which is rewritten here to a `null`
 * alternative. `format: float` is a hint and accepted as any number.
 */
export function referenceValidator(name: string): ValidateFunction {
  const fix = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(fix);
    if (node === null || typeof node !== 'object') return node;
    const obj = Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, fix(v)]));
    if (obj.nullable === true && obj.type === undefined) {
      const { nullable: _n, ...rest } = obj;
      return { anyOf: [rest, { type: 'null' }] };
    }
    return obj;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  const addFormats = (formatsPlugin as unknown as { default: (a: Ajv) => Ajv }).default ?? formatsPlugin;
  addFormats(ajv);
  ajv.addFormat('float', true);
  return ajv.compile(fix(referenceSchema(name)) as object);
}
