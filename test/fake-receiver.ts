import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * A webhook receiver on loopback: answers each request with the next status of `script` (the last
 * one repeats), and records what it got.
 */
export async function startReceiver(script: number[] = [200]): Promise<{
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = script[Math.min(received.length, script.length - 1)] ?? 200;
      received.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ControlledReceiver {
  url: string;
  /** The requests answered (200), each with the time it arrived (`Date.now()`). */
  answered: Array<ReceivedRequest & { at: number }>;
  /** Requests that arrived, answered or not. */
  readonly arrived: number;
  /** Requests open at once, at most, since the start. */
  readonly maxOpen: number;
  /** Silent: accepts each request and never answers it (a receiver that hangs); otherwise 200 after `delayMs`. */
  setSilent(silent: boolean): void;
  close(): Promise<void>;
}

/**
 * A receiver on loopback for fairness tests: silent (takes the connection and the request, never
 * answers: the sender's own deadline is all that ends it) or answering 200 after `delayMs`; counts
 * how many requests were open at once.
 */
export async function startControlledReceiver(opts: { silent?: boolean; delayMs?: number } = {}): Promise<ControlledReceiver> {
  let silent = opts.silent ?? false;
  let arrived = 0;
  let open = 0;
  let maxOpen = 0;
  const answered: ControlledReceiver['answered'] = [];
  const server = http.createServer((req, res) => {
    arrived++;
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => open--);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const at = Date.now();
      if (silent) return;
      setTimeout(() => {
        if (res.destroyed) return;
        answered.push({ headers: req.headers, body, status: 200, at });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }, opts.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    answered,
    get arrived() {
      return arrived;
    },
    get maxOpen() {
      return maxOpen;
    },
    setSilent: (value) => {
      silent = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
