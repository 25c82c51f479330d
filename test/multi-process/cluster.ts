import { startServe, startWorker, type ServeProcess, type WorkerProcess } from '../process.js';

/**
 * The documented scale-out on one machine: several `encore serve` (API + in-process job workers) and
 * several `encore worker` processes, all on one PostgreSQL database and one secret key. Every process
 * starts at once (each pays its own tsx start-up), so the cluster is up in about the time of one.
 */
export interface Cluster {
  serves: ServeProcess[];
  workers: WorkerProcess[];
  /** One client per serve process, in the same order. */
  api: ApiClient[];
  stop(): Promise<void>;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON the tests only poke at
  body: any;
}

export interface ApiClient {
  url: string;
  call(method: string, path: string, opts?: { key?: string | undefined; body?: unknown; headers?: Record<string, string> }): Promise<ApiReply>;
}

export function apiClient(url: string): ApiClient {
  return {
    url,
    call: async (method, path, opts = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          ...(opts.key ? { authorization: opts.key } : {}),
          ...opts.headers,
        },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, headers: res.headers, text, body };
    },
  };
}

export async function startCluster(opts: { serves: number; workers: number; env: Record<string, string> }): Promise<Cluster> {
  const [serveResults, workerResults] = await Promise.all([
    Promise.allSettled(Array.from({ length: opts.serves }, () => startServe(opts.env, 100_000))),
    Promise.allSettled(Array.from({ length: opts.workers }, () => startWorker(opts.env, 100_000))),
  ]);
  const serves = serveResults.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const workers = workerResults.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all([...serves, ...workers].map((p) => p.stop()));
  };
  const failed = [...serveResults, ...workerResults].find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { serves, workers, api: serves.map((s) => apiClient(s.url)), stop };
}

/** Runs `count` jobs with at most `limit` in flight; each job gets its index. */
export async function inParallel(count: number, limit: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}
