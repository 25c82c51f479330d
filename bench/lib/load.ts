import autocannon, { type Result } from 'autocannon';

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** A fresh body for every request (autocannon's `setupRequest`). */
  body?: () => string;
  /** A fresh path for every request (a cache-defeating query, say); `path` otherwise. */
  pathFor?: () => string;
}

export interface LoadResult {
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyAvgMs: number;
  completed: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  durationS: number;
  connections: number;
  /** Empty when every request got a 2xx; otherwise what went wrong. Throughput of such a run is meaningless. */
  problems: string[];
}

/** One autocannon run, in-process, against a server in another process. */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  const headers = { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const body = opts.body;
  const pathFor = opts.pathFor;
  const result: Result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    requests: [
      {
        method: opts.method,
        path: opts.path,
        headers,
        ...(body || pathFor ? { setupRequest: (req) => ({ ...req, ...(body ? { body: body() } : {}), ...(pathFor ? { path: pathFor() } : {}) }) } : {}),
      },
    ],
  });
  const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const problems: string[] = [];
  if (result['2xx'] === 0) problems.push('no request succeeded');
  if (result.non2xx > 0) {
    const codes = Object.entries(statusCounts)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n} × ${code}`)
      .join(', ');
    problems.push(`${result.non2xx} non-2xx responses (${codes})`);
  }
  if (result.errors > 0) problems.push(`${result.errors} connection errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  return {
    reqPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyAvgMs: result.latency.average,
    completed: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    durationS: result.duration,
    connections: opts.connections,
    problems,
  };
}
