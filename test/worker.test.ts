import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withTx } from '../src/db/tx.js';
import { emitWebhook } from '../src/modules/webhooks/index.js';
import { startReceiver, waitFor } from './fake-receiver.js';
import { useContext } from './harness.js';

/** `encore worker` is a separate process that runs the jobs that API processes enqueue. */
describe('encore worker', () => {
  const ctx = useContext(); // this process enqueues but runs no workers
  const cleanup: Array<() => Promise<unknown> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('delivers a webhook enqueued by another process, and stops on SIGTERM', async () => {
    const receiver = await startReceiver([200]);
    cleanup.push(() => receiver.close());
    const worker = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../src/app/cli.ts'), 'worker'], {
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'warn', WEBHOOK_PRIVATE_NETWORKS: 'allow' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout.on('data', (c: Buffer) => (out += c.toString()));
    worker.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    cleanup.push(() => {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    });
    await waitFor(() => (out.includes('worker running') ? true : undefined), 30_000);

    const t = await ctx.createTenant();
    await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url: receiver.url } });
    await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: { via: 'worker' } }));

    await waitFor(() => (receiver.received.length > 0 ? true : undefined), 20_000);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ message: { data: { via: 'worker' } } });

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/shutting down \(SIGTERM\)/);
  });
});
