import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';

/**
 * Issue 9, item 14: a request must arrive whole within REQUEST_TIMEOUT_MS. A client that trickles
 * its body one byte at a time is cut off (408) instead of holding a connection forever.
 */
describe('request time limit', () => {
  const ctx = useContext({ env: { REQUEST_TIMEOUT_MS: '1500' } });
  afterAll(async () => {
    await ctx.app.close();
  });

  it('cuts off a body trickled byte by byte, and serves a prompt request on the same server', async () => {
    const url = new URL(await ctx.app.listen({ port: 0, host: '127.0.0.1' }));
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname);
      let received = '';
      let timer: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        socket.write('POST /api/public/purchaseintents/checkout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n');
        timer = setInterval(() => socket.write('{'), 200);
      });
      socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
      socket.on('close', () => {
        clearInterval(timer);
        resolve(received);
      });
      socket.on('error', (err) => {
        clearInterval(timer);
        if ((err as { code?: string }).code === 'ECONNRESET') resolve(received);
        else reject(err);
      });
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000).unref();
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(6000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"statusCode":408');

    const health = await fetch(`${url.origin}/health`);
    expect(health.status).toBe(200);
  });
});
