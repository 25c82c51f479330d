import type { Deps } from '../../app/deps.js';
import { withTx } from '../../db/tx.js';
import { webhooksRepository as repo, type DeliveryRow, type EndpointRow } from './webhooks.repository.js';
import { attemptDelivery } from './webhooks.service.js';

/**
 * How long after the end of an attempt's own deadline (WEBHOOK_TIMEOUT_MS) its claim still holds.
 * Only a process that died mid-attempt lets a lease run out; the delivery is then due again.
 */
const LEASE_MARGIN_MS = 30_000;

/** The job each delivery used to be, before the dispatcher (kept only to drain old jobs). */
const LEGACY_DELIVER_JOB = 'webhook-deliver';

/**
 * Fair, concurrent webhook delivery (ADR 0019), one per process that works jobs. The outbox table is
 * the queue: each round claims, in one short transaction, the due deliveries of the endpoints that
 * may be sent to now (`lockReadyEndpoints`: not resting after a failure, below their bound of
 * WEBHOOK_ENDPOINT_CONCURRENCY in flight across all processes, one at a time while failing), up to
 * this process's free share of WEBHOOK_CONCURRENCY, spread over the endpoints one delivery at a time
 * so that many busy endpoints share the process evenly. Each claimed delivery is then sent on its own
 * (attemptDelivery), outside any transaction. A round runs when an attempt ends (a slot is free) or,
 * when idle, every WEBHOOK_POLL_MS.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** An attempt ended since the last round began: a slot may be free, so the next round runs at once. */
  private slotFreed = false;

  constructor(
    private readonly deps: Deps,
    private readonly onError: (err: Error) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Claims nothing more, then waits (up to `timeoutMs`) for the attempts in flight to be recorded. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.slotFreed = false;
      const free = this.deps.config.webhookConcurrency - this.inFlight.size;
      if (free > 0) {
        try {
          for (const { endpoint, delivery } of await this.claim(free)) this.launch(endpoint, delivery);
        } catch (err) {
          this.onError(err as Error);
        }
      }
      await this.sleep(this.deps.config.webhookPollMs);
    }
  }

  /** Resolves after `ms`, or sooner when an attempt ends or the dispatcher stops. */
  private sleep(ms: number): Promise<void> {
    if (!this.running || this.slotFreed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async claim(free: number): Promise<Array<{ endpoint: EndpointRow; delivery: DeliveryRow }>> {
    const { config, clock } = this.deps;
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + config.webhookTimeoutMs + LEASE_MARGIN_MS);
    return withTx(this.deps.db, async (tx) => {
      await repo.preferOrderedIndexes(tx);
      const endpoints = await repo.lockReadyEndpoints(tx, now, config.webhookEndpointConcurrency, free);
      const take = shareOut(endpoints, free);
      const claimed = await repo.claimDeliveries(tx, take, now, leaseUntil);
      const byId = new Map(endpoints.map((e) => [`${e.tenant_id}/${e.id}`, e]));
      return claimed.map((delivery) => ({ endpoint: byId.get(`${delivery.tenant_id}/${delivery.endpoint_id}`)!, delivery }));
    });
  }

  private launch(endpoint: EndpointRow, delivery: DeliveryRow): void {
    const attempt: Promise<void> = attemptDelivery(this.deps, endpoint, delivery)
      .then(
        () => undefined,
        (err: unknown) => this.onError(err as Error),
      )
      .finally(() => {
        this.inFlight.delete(attempt);
        this.slotFreed = true;
        this.wake?.();
      });
    this.inFlight.add(attempt);
  }
}

/** `free` claims dealt one at a time over the endpoints in order, each up to its own free slots. */
export function shareOut(
  endpoints: ReadonlyArray<{ tenant_id: string; id: string; slots: number; cap: number }>,
  free: number,
): Array<{ tenantId: string; endpointId: string; count: number; cap: number }> {
  const counts = endpoints.map(() => 0);
  let left = free;
  for (let dealt = true; dealt && left > 0; ) {
    dealt = false;
    endpoints.forEach((e, i) => {
      if (left > 0 && counts[i]! < e.slots) {
        counts[i]!++;
        left--;
        dealt = true;
      }
    });
  }
  return endpoints.map((e, i) => ({ tenantId: e.tenant_id, endpointId: e.id, count: counts[i]!, cap: e.cap })).filter((t) => t.count > 0);
}

/**
 * Webhook delivery in every process that works jobs (serve, worker). `webhook-deliver` jobs are no
 * longer sent; the handler stays so jobs queued by an older version drain as no-ops (their delivery
 * rows are due, and the dispatcher sends them).
 */
export function registerWebhookJobs(deps: Deps): void {
  deps.queue.register(LEGACY_DELIVER_JOB, async () => {}, { batchSize: 100 });
  deps.queue.addPump('webhook-dispatch', new WebhookDispatcher(deps, (err) => deps.queue.onError(err)));
}
