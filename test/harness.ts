import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, type App } from '../src/app/app.js';
import { loadConfig, type Config } from '../src/app/config.js';
import type { Deps } from '../src/app/deps.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { withTx } from '../src/db/tx.js';
import { ManualClock, type Clock } from '../src/lib/clock.js';
import { createTenantInTx } from '../src/modules/tenants/index.js';
import { createTestDatabase } from './test-database.js';

export { createTestDatabase };

export interface TestContext {
  app: App;
  deps: Deps;
  runtime: Runtime;
  config: Config;
  /** Present when the context was made with `{ clock: 'manual' }`. */
  clock: ManualClock | undefined;
  databaseUrl: string;
  createTenant(name?: string, opts?: { returnOrigins?: string[] }): Promise<{ tenantId: string; apiKey: string; keyId: string }>;
}

export interface ContextOptions {
  clock?: 'manual' | Clock;
  /** Run job workers in this process (webhook deliveries and other jobs). */
  workers?: boolean;
  env?: Record<string, string>;
}


/**
 * The test file's secret key, random and in memory (no key file in ./data). It is put in the
 * environment, so the Encore processes the file spawns (which inherit it) open what it sealed.
 */
function testSecretKey(): string {
  process.env.ENCORE_SECRET_KEY ||= randomBytes(32).toString('base64');
  return process.env.ENCORE_SECRET_KEY;
}

/**
 * Everything a test file needs: its own database, the runtime (migrations, queue), the app for
 * `app.inject`, and a tenant factory going through the real service.
 */
export async function startContext(opts: ContextOptions = {}): Promise<TestContext & { close(): Promise<void> }> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PUBLIC_URL: 'http://encore.test',
    LOG_LEVEL: 'silent',
    WEBHOOK_RETRY_BASE_MS: '50',
    SANDBOX_FAIL_DELAY_MS: '50',
    WEBHOOK_PRIVATE_NETWORKS: 'allow',
    ENCORE_SECRET_KEY: testSecretKey(),
    // Tests read what they just wrote; the cache has its own test (access-layer.routes.test.ts).
    ACCESS_LAYER_CACHE_MS: '0',
    PAGE_CACHE_MS: '0',
    ...opts.env,
  });
  const manual = opts.clock === 'manual' ? new ManualClock() : undefined;
  const clock: Clock | undefined = manual ?? (typeof opts.clock === 'object' ? opts.clock : undefined);
  const runtime = await openRuntime(config, { role: 'command', ...(clock ? { clock } : {}), pollingIntervalSeconds: 0.5 });
  if (opts.workers) await runtime.deps.queue.startWorkers();
  const app = await buildApp(runtime.deps);
  return {
    app,
    deps: runtime.deps,
    runtime,
    config,
    clock: manual,
    databaseUrl: database.url,
    createTenant: async (name = 'acme', tOpts = {}) =>
      withTx(runtime.deps.db, (tx) => createTenantInTx(tx, runtime.deps, { name, returnOrigins: tOpts.returnOrigins ?? [] })),
    close: async () => {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

/** `const ctx = useContext()` at the top of a test file: started before the tests, closed after. */
export function useContext(opts: ContextOptions = {}): TestContext {
  const holder = {} as TestContext & { close?: () => Promise<void> };
  beforeAll(async () => {
    Object.assign(holder, await startContext(opts));
  });
  afterAll(async () => {
    await holder.close?.();
  });
  return holder;
}
