import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Executor } from '../db/tx.js';

export type JobHandler<T> = (data: T, meta: { id: string; retryCount: number }) => Promise<void>;

interface Registration {
  name: string;
  handler: JobHandler<never>;
  retryLimit: number;
  retryDelaySeconds: number;
  batchSize: number;
  concurrency: number;
}

/**
 * A long-running worker that claims its work from its own table rather than from pg-boss (webhook
 * delivery, ADR 0019: its claim needs fairness across endpoints that a job queue cannot express).
 * Started and stopped with the job workers, so it runs in exactly the processes that work jobs.
 */
export interface Pump {
  start(): void;
  /** Stops claiming and waits up to `timeoutMs` for the work in hand. */
  stop(timeoutMs: number): Promise<void>;
}

export interface SendOptions {
  startAfter?: Date;
  singletonKey?: string;
  retryLimit?: number;
}

/**
 * Background jobs on pg-boss. `send` takes the business transaction, so a job exists exactly when the
 * change that asked for it committed (the outbox rule). Handlers are registered by modules at start-up
 * and run by `serve` in-process and by `encore worker` processes; any number of processes may work the
 * same queues, pg-boss's SKIP LOCKED fetch hands each job to one of them.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly registrations = new Map<string, Registration>();
  private readonly schedules = new Map<string, string>();
  private readonly retired = new Set<string>();
  private readonly pumps = new Map<string, Pump>();
  private started = false;
  private working = false;

  constructor(connection: pg.PoolConfig, opts: { pollingIntervalSeconds?: number } = {}) {
    this.boss = new PgBoss({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      password: typeof connection.password === 'string' ? connection.password : undefined,
      database: connection.database,
      connectionString: connection.connectionString,
      max: 4,
      application_name: 'encore-jobs',
      // Maintenance (archiving, expiring stuck jobs) runs in every process; pg-boss coordinates it.
      supervise: true,
      schedule: true,
    });
    this.pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 0.5;
    // pg-boss reports connection trouble as events; they must not crash the process.
    this.boss.on('error', (err) => this.onError(err));
  }

  private readonly pollingIntervalSeconds: number;
  onError: (err: Error) => void = () => {};

  /**
   * `batchSize`: jobs fetched at once. pg-boss waits out the polling interval after each fetch, so a
   * queue drains at most batchSize / interval jobs a second per process: a queue that must drain
   * fast (mail) takes big batches. `concurrency`: how many handlers of a batch run at once (1: one
   * after the other); a failed handler fails its batch, which pg-boss retries, so such handlers must
   * be idempotent.
   */
  register<T>(name: string, handler: JobHandler<T>, opts: { retryLimit?: number; retryDelaySeconds?: number; batchSize?: number; concurrency?: number } = {}): void {
    this.registrations.set(name, {
      name,
      handler,
      retryLimit: opts.retryLimit ?? 5,
      retryDelaySeconds: opts.retryDelaySeconds ?? 5,
      batchSize: opts.batchSize ?? 1,
      concurrency: Math.max(1, opts.concurrency ?? 1),
    });
  }

  /** A pump started by startWorkers and stopped (first) by stop. */
  addPump(name: string, pump: Pump): void {
    this.pumps.set(name, pump);
  }

  /** Runs a registered job on a cron schedule (UTC); pg-boss makes one process fire it per slot. */
  schedule(name: string, cron: string): void {
    this.schedules.set(name, cron);
  }

  /**
   * A job no longer scheduled under `name`. pg-boss keeps schedules in the database, so one a
   * previous version made would go on creating jobs nobody works; start() removes it.
   */
  retire(name: string): void {
    this.retired.add(name);
  }

  /** Creates pg-boss's schema and every registered queue; needed before send or work. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const r of this.registrations.values()) {
      await this.boss.createQueue(r.name, { name: r.name, retryLimit: r.retryLimit, retryDelay: r.retryDelaySeconds, retryBackoff: true });
    }
    for (const name of this.retired) await this.boss.unschedule(name);
    for (const [name, cron] of this.schedules) await this.boss.schedule(name, cron);
    this.started = true;
  }

  async startWorkers(): Promise<void> {
    await this.start();
    if (this.working) return;
    this.working = true;
    for (const r of this.registrations.values()) {
      await this.boss.work<never>(r.name, { batchSize: r.batchSize, pollingIntervalSeconds: this.pollingIntervalSeconds }, async (jobs) => {
        const run = (job: (typeof jobs)[number]) => r.handler(job.data, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
        for (let i = 0; i < jobs.length; i += r.concurrency) {
          const results = await Promise.allSettled(jobs.slice(i, i + r.concurrency).map(run));
          const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
          if (failed) throw failed.reason;
        }
      });
    }
    for (const pump of this.pumps.values()) pump.start();
  }

  /** Enqueue inside the caller's transaction: the job commits or rolls back with the change. */
  async send(ex: Executor, name: string, data: object, opts: SendOptions = {}): Promise<void> {
    if (!this.registrations.has(name)) throw new Error(`job ${name} is not registered`);
    const db: PgBoss.Db = { executeSql: (text, values) => ex.executeQuery(CompiledQuery.raw(text, values as unknown[])) };
    await this.boss.send(name, data, { db, ...(opts.startAfter ? { startAfter: opts.startAfter } : {}), ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}), ...(opts.retryLimit !== undefined ? { retryLimit: opts.retryLimit } : {}) });
  }

  /** Stops fetching, waits for running handlers (up to `timeoutMs`), closes pg-boss's pool. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.working) await Promise.all([...this.pumps.values()].map((p) => p.stop(timeoutMs)));
    this.working = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
  }
}
