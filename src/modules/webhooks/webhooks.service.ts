import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Deps } from '../../app/deps.js';
import { withTx, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { newId } from '../../lib/ids.js';
import { hostOf, isPrivateHost, PrivateAddressError, publicOnlyLookup } from '../../lib/network.js';
import { signWebhook } from '../../lib/signing.js';
import { transition, type StateMachine } from '../../lib/state-machine.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { isPurchaseIntentEventType, signVivenu } from './pi-webhooks.signing.js';
import { webhooksRepository as repo, type DeliveryRow, type EndpointRow } from './webhooks.repository.js';
import { recordTransition } from './webhooks.transitions.js';

type DeliveryStatus = DeliveryRow['status'];
/** FAILED → PENDING and DELIVERED → PENDING are manual redeliveries. */
export const DELIVERY_STATES: StateMachine<DeliveryStatus> = {
  PENDING: ['PENDING', 'DELIVERED', 'FAILED'],
  DELIVERED: ['PENDING'],
  FAILED: ['PENDING'],
};

/** Retries go on for this long after the message was written; then the delivery is FAILED. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_DELAY_MS = 60 * 60 * 1000;

/** Exponential backoff: base, 2×base, 4×base … capped at one hour, with ±10% jitter against herds. */
export function retryDelayMs(attempt: number, baseMs: number, jitter: number = Math.random()): number {
  const raw = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
  return Math.round(raw * (0.9 + 0.2 * jitter));
}

export interface EndpointInput {
  url: string;
  eventTypes?: string[];
  description?: string | null;
  enabled?: boolean;
}

/**
 * An endpoint must be an http(s) URL and, unless the deployment allows private networks
 * (WEBHOOK_PRIVATE_NETWORKS=allow, for development), not name this machine or a private address;
 * names are checked again on every delivery, on the addresses they resolve to then.
 */
export function validateUrl(url: string, allowPrivate: boolean, field = 'url'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('VALIDATION_ERROR', `${field} is not a valid URL`, { field });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AppError('VALIDATION_ERROR', `${field} must be an http or https URL`, { field });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new AppError('VALIDATION_ERROR', `${field} must not carry credentials; verify deliveries with the signing secret`, { field });
  }
  const host = hostOf(parsed);
  if (!allowPrivate && isPrivateHost(host)) {
    throw new AppError('VALIDATION_ERROR', `${field} must be on the public internet (${host} is a loopback, private or reserved address)`, { field });
  }
  return parsed.toString();
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function createEndpointInTx(tx: Tx, deps: Pick<Deps, 'clock' | 'config'>, actor: Actor, input: EndpointInput) {
  const now = deps.clock.now();
  const row = await repo.insertEndpoint(tx, {
    tenant_id: actor.tenantId,
    id: newId('whk', now.getTime()),
    url: validateUrl(input.url, deps.config.webhookAllowPrivateNetworks),
    secret: newSecret(),
    description: input.description ?? null,
    event_types: [...new Set(input.eventTypes ?? [])],
    enabled: input.enabled ?? true,
    created_at: now,
    updated_at: now,
  });
  const view = endpointView(row);
  await recordAudit(tx, actor, { action: 'webhook_endpoint.created', entityType: 'webhook_endpoint', entityId: row.id, after: { ...view, secret: undefined } }, now);
  return view;
}

export async function createEndpoint(deps: Deps, actor: Actor, input: EndpointInput) {
  return withTx(deps.db, (tx) => createEndpointInTx(tx, deps, actor, input));
}

export async function listEndpoints(deps: Deps, tenantId: string) {
  return (await repo.listEndpoints(deps.db, tenantId)).map(endpointView);
}

export async function getEndpoint(deps: Deps, tenantId: string, id: string) {
  const row = await repo.findEndpoint(deps.db, tenantId, id);
  if (!row) throw new AppError('WEBHOOK_NOT_FOUND', `webhook endpoint ${id} does not exist`);
  return endpointView(row);
}

export async function replaceEndpoint(deps: Deps, actor: Actor, id: string, input: EndpointInput) {
  return withTx(deps.db, async (tx) => {
    const before = await repo.findEndpoint(tx, actor.tenantId, id);
    if (!before) throw new AppError('WEBHOOK_NOT_FOUND', `webhook endpoint ${id} does not exist`);
    const now = deps.clock.now();
    const row = await repo.updateEndpoint(tx, actor.tenantId, id, {
      url: validateUrl(input.url, deps.config.webhookAllowPrivateNetworks),
      event_types: [...new Set(input.eventTypes ?? [])],
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      updated_at: now,
    });
    const view = endpointView(row!);
    await recordAudit(tx, actor, { action: 'webhook_endpoint.updated', entityType: 'webhook_endpoint', entityId: id, before: { ...endpointView(before), secret: undefined }, after: { ...view, secret: undefined } }, now);
    return view;
  });
}

export async function deleteEndpoint(deps: Deps, actor: Actor, id: string) {
  return withTx(deps.db, async (tx) => {
    const row = await repo.deleteEndpoint(tx, actor.tenantId, id);
    if (!row) throw new AppError('WEBHOOK_NOT_FOUND', `webhook endpoint ${id} does not exist`);
    await recordAudit(tx, actor, { action: 'webhook_endpoint.deleted', entityType: 'webhook_endpoint', entityId: id, before: { ...endpointView(row), secret: undefined } }, deps.clock.now());
    return { id, deleted: true as const };
  });
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

/** One POST with a total deadline; the body read is capped (the attempt log keeps 1,000 characters). */
function send(url: URL, headers: Record<string, string>, body: string, allowPrivate: boolean, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const host = hostOf(url);
    if (!allowPrivate && isPrivateHost(host)) return reject(new PrivateAddressError(host, host));
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, ...(allowPrivate ? {} : { lookup: publicOnlyLookup }) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < 1000) text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, 1000) }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT_TOTAL' })), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.end(body);
  });
}

async function post(endpoint: EndpointRow, delivery: DeliveryRow, now: Date, config: Deps['config']): Promise<AttemptResult> {
  const started = performance.now();
  const unix = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Encore-Webhooks/1.0',
    'encore-event-id': delivery.message_id,
    'encore-delivery-id': delivery.id,
    'encore-signature': signWebhook(endpoint.secret, delivery.body, unix),
    ...(isPurchaseIntentEventType(delivery.event_type) ? { 'x-vivenu-signature': signVivenu(endpoint.secret, delivery.body) } : {}),
  };
  try {
    // Redirects are not followed: a 3xx is an answer (not a 2xx), so it is retried and logged.
    const res = await send(new URL(endpoint.url), headers, delivery.body, config.webhookAllowPrivateNetworks, config.webhookTimeoutMs);
    return { statusCode: res.status, error: null, responseBody: res.text, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { statusCode: null, error: describeNetworkError(err), responseBody: null, durationMs: Math.round(performance.now() - started) };
  }
}

/** The reason an attempt got no answer: the system code (ECONNREFUSED, ENOTFOUND), or our own message. */
function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ETIMEDOUT_TOTAL' || e.code === 'EPRIVATEADDRESS') return e.message ?? e.code;
  return e.code ?? e.message ?? 'request failed';
}

/**
 * One delivery attempt now, whatever its endpoint's circuit says (the dispatcher, webhooks.dispatcher.ts,
 * decides when; tests call this directly). Nothing happens unless the delivery is PENDING.
 */
export async function deliver(deps: Deps, tenantId: string, deliveryId: string): Promise<DeliveryRow | undefined> {
  const delivery = await repo.findDelivery(deps.db, tenantId, deliveryId);
  if (!delivery || delivery.status !== 'PENDING') return delivery;
  const endpoint = await repo.findEndpoint(deps.db, tenantId, delivery.endpoint_id);
  if (!endpoint) return delivery;
  return attemptDelivery(deps, endpoint, delivery);
}

/** Whether the endpoint is up: it answered, and not with a 5xx, 408 or 429 (those say "not now"). */
function endpointAnswered(statusCode: number | null): boolean {
  return statusCode !== null && statusCode < 500 && statusCode !== 408 && statusCode !== 429;
}

/**
 * One attempt of a delivery read (or claimed) before. The HTTP call happens outside any transaction.
 * A 2xx is success, written in one statement (DELIVERED and the attempt log row). Anything else
 * (including timeouts and connection errors) is retried with backoff until the 24-hour window
 * closes: the attempt log row, the delivery's next attempt and the endpoint's circuit are written
 * together. The lease of a claim ends here.
 */
export async function attemptDelivery(deps: Deps, endpoint: EndpointRow, delivery: DeliveryRow): Promise<DeliveryRow | undefined> {
  const tenantId = delivery.tenant_id;
  const deliveryId = delivery.id;
  const startedAt = deps.clock.now();
  const result = await post(endpoint, delivery, startedAt, deps.config);

  if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) {
    const delivered = await repo.recordDelivered(deps.db, {
      tenantId,
      id: deliveryId,
      status: transition(DELIVERY_STATES, 'webhook delivery', 'PENDING', 'DELIVERED'),
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
      deliveredAt: deps.clock.now(),
    });
    // Read at claim time: the common case (a healthy endpoint) writes nothing to the endpoint row.
    if (endpoint.consecutive_failures > 0 || endpoint.paused_until !== null) await repo.recordEndpointRecovered(deps.db, tenantId, endpoint.id);
    return delivered ?? (await repo.findDelivery(deps.db, tenantId, deliveryId));
  }

  return withTx(deps.db, async (tx) => {
    const current = await repo.lockDelivery(tx, tenantId, deliveryId);
    if (!current || current.status !== 'PENDING') return current;
    const attempt = current.attempts + 1;
    await repo.insertAttempt(tx, {
      tenant_id: tenantId,
      delivery_id: deliveryId,
      attempt,
      started_at: startedAt,
      duration_ms: result.durationMs,
      status_code: result.statusCode,
      error: result.error,
      response_body: result.responseBody,
    });
    const now = deps.clock.now();
    if (!endpointAnswered(result.statusCode)) {
      const failures = endpoint.consecutive_failures + 1;
      await repo.recordEndpointFailure(tx, tenantId, endpoint.id, failures, new Date(now.getTime() + retryDelayMs(failures, deps.config.webhookRetryBaseMs)));
    } else if (endpoint.consecutive_failures > 0 || endpoint.paused_until !== null) {
      await repo.recordEndpointRecovered(tx, tenantId, endpoint.id);
    }
    const lastError = result.error ?? `HTTP ${result.statusCode}`;
    const next = new Date(now.getTime() + retryDelayMs(attempt, deps.config.webhookRetryBaseMs));
    if (next.getTime() > current.created_at.getTime() + RETRY_WINDOW_MS) {
      return repo.updateDelivery(tx, tenantId, deliveryId, {
        status: transition(DELIVERY_STATES, 'webhook delivery', current.status, 'FAILED'),
        attempts: attempt,
        next_attempt_at: null,
        claimed_until: null,
        last_status_code: result.statusCode,
        last_error: lastError,
      });
    }
    return repo.updateDelivery(tx, tenantId, deliveryId, {
      attempts: attempt,
      next_attempt_at: next,
      claimed_until: null,
      last_status_code: result.statusCode,
      last_error: lastError,
    });
  });
}

/** Sends a delivery again now, whatever its state (the receiver lost it, or the window closed). */
export async function redeliver(deps: Deps, actor: Actor, deliveryId: string) {
  return withTx(deps.db, async (tx) => {
    const current = await repo.lockDelivery(tx, actor.tenantId, deliveryId);
    if (!current) throw new AppError('DELIVERY_NOT_FOUND', `webhook delivery ${deliveryId} does not exist`);
    const now = deps.clock.now();
    const status = await recordTransition(
      tx,
      deps,
      { machine: DELIVERY_STATES, entity: 'webhook delivery', from: current.status, to: 'PENDING', actor, audit: { action: 'webhook_delivery.redelivered', entityType: 'webhook_delivery', entityId: deliveryId } },
      now,
    );
    // Due now: the next claim of any process sends it (an attempt still in flight keeps its lease).
    const row = await repo.updateDelivery(tx, actor.tenantId, deliveryId, { status, next_attempt_at: now });
    return deliveryView(row, []);
  });
}

type AttemptRow = Awaited<ReturnType<typeof repo.listAttempts>>[number];

export function deliveryView(row: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.message_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    payload: JSON.parse(row.body) as unknown,
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.started_at.toISOString(),
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
    })),
  };
}

export async function listDeliveries(deps: Deps, tenantId: string, endpointId: string, page: { limit: number; offset: number }, status?: DeliveryStatus) {
  const endpoint = await repo.findEndpoint(deps.db, tenantId, endpointId);
  if (!endpoint) throw new AppError('WEBHOOK_NOT_FOUND', `webhook endpoint ${endpointId} does not exist`);
  const { rows, total } = await repo.listDeliveries(deps.db, tenantId, endpointId, page, status);
  const attempts = await repo.listAttempts(deps.db, tenantId, rows.map((r) => r.id));
  return { items: rows.map((r) => deliveryView(r, attempts.filter((a) => a.delivery_id === r.id))), total, ...page };
}
