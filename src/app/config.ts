import path from 'node:path';
import { parseSecretKey } from '../lib/secret-box.js';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** Absent: Encore runs its own embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * DATABASE_POOL_SIZE: connections one process opens at most for requests and use cases (the job
   * queue has its own 4). Processes × (this + 4) must stay under the server's max_connections
   * (100 by default): lower it when scaling out to many `serve` and `worker` processes.
   */
  databasePoolSize: number;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** First webhook retry delay; each further retry doubles it (capped at one hour) for 24 hours. */
  webhookRetryBaseMs: number;
  /** WEBHOOK_TIMEOUT_MS: the whole of one delivery attempt (connect, send, answer) must fit in this time. */
  webhookTimeoutMs: number;
  /** WEBHOOK_CONCURRENCY: deliveries one process has in flight at most, across all endpoints (ADR 0019). */
  webhookConcurrency: number;
  /** WEBHOOK_ENDPOINT_CONCURRENCY: deliveries in flight to one endpoint at most, across all processes (ADR 0019). */
  webhookEndpointConcurrency: number;
  /** WEBHOOK_POLL_MS: how often an idle process looks for due deliveries. */
  webhookPollMs: number;
  /** How long the sandbox's slow test cards (4000 0000 0000 0259 fails, 4000 0000 0000 3253 succeeds) take to answer. */
  sandboxFailDelayMs: number;
  /** Name parameterised statements so PostgreSQL keeps their plans (ADR 0012); off behind a transaction-mode pooler. */
  databasePreparedStatements: boolean;
  /** Whether webhook endpoints may be on loopback, private or link-local addresses (development only). */
  webhookAllowPrivateNetworks: boolean;
  /** A request (headers and body) must arrive within this time; slower ones are cut off (408). */
  requestTimeoutMs: number;
  /** `smtp://` or `smtps://` server mail is delivered through; absent: mail is kept in the outbox (readable at /dev/mail). */
  smtpUrl: string | undefined;
  /** The From of every mail Encore sends. */
  mailFrom: string;
  /**
   * ENCORE_SECRET_KEY: the 32-byte key that seals secrets at rest (sellers' account numbers). Absent:
   * the runtime uses DATA_DIR/secret.key, generating it on the first start (app/secret-key.ts).
   */
  secretKey: Buffer | undefined;
  /**
   * How old (ms) a Smart Access Layer buy-mode answer may be: integrators call it on every view of
   * their event pages, so each process answers a show from memory for this long (0: never).
   */
  accessLayerCacheMs: number;
  /**
   * How old (ms) a public page (the buy page, the sale link) seen by a fan who is not signed in may
   * be: on an on-sale rush everyone opens the same show page, so each process renders it at most
   * once per this long (0: never). Signed-in fans and every form answer are always rendered fresh.
   */
  pageCacheMs: number;
  /** NODE_ENV is not `production`: the outbox is readable at /dev/mail (a newcomer signs in without SMTP). */
  devMailbox: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once, at start-up; every problem is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const portRaw = env.PORT ?? '3000';
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer from 0 to 65535 (got "${portRaw}")`);
  }

  const host = env.HOST ?? '127.0.0.1';
  if (host.trim() === '') problems.push('HOST must not be empty');

  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${portRaw}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);

  const databaseUrl = env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL : undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const dataDir = path.resolve(env.DATA_DIR ?? './data');

  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const retryRaw = env.WEBHOOK_RETRY_BASE_MS ?? '10000';
  const webhookRetryBaseMs = Number(retryRaw);
  if (!/^\d+$/.test(retryRaw) || webhookRetryBaseMs < 1) problems.push(`WEBHOOK_RETRY_BASE_MS must be a positive integer (got "${retryRaw}")`);

  const databasePoolSize = boundedInt(env, 'DATABASE_POOL_SIZE', 20, 2, 500, problems);
  const webhookTimeoutMs = boundedInt(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000, problems);
  const webhookConcurrency = boundedInt(env, 'WEBHOOK_CONCURRENCY', 64, 1, 1000, problems);
  const webhookEndpointConcurrency = boundedInt(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1, 100, problems);
  const webhookPollMs = boundedInt(env, 'WEBHOOK_POLL_MS', 200, 10, 60_000, problems);

  const delayRaw = env.SANDBOX_FAIL_DELAY_MS ?? '3000';
  const sandboxFailDelayMs = Number(delayRaw);
  if (!/^\d+$/.test(delayRaw)) problems.push(`SANDBOX_FAIL_DELAY_MS must be a non-negative integer (got "${delayRaw}")`);

  const preparedRaw = (env.DATABASE_PREPARED_STATEMENTS ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(preparedRaw)) problems.push(`DATABASE_PREPARED_STATEMENTS must be on or off (got "${preparedRaw}")`);
  const databasePreparedStatements = preparedRaw !== 'off';

  const privateRaw = (env.WEBHOOK_PRIVATE_NETWORKS ?? 'deny').toLowerCase();
  if (!['allow', 'deny'].includes(privateRaw)) problems.push(`WEBHOOK_PRIVATE_NETWORKS must be allow or deny (got "${privateRaw}")`);
  const webhookAllowPrivateNetworks = privateRaw === 'allow';

  const timeoutRaw = env.REQUEST_TIMEOUT_MS ?? '30000';
  const requestTimeoutMs = Number(timeoutRaw);
  if (!/^\d+$/.test(timeoutRaw) || requestTimeoutMs < 1000) problems.push(`REQUEST_TIMEOUT_MS must be an integer of at least 1000 (got "${timeoutRaw}")`);

  const smtpUrl = env.SMTP_URL && env.SMTP_URL.trim() !== '' ? env.SMTP_URL.trim() : undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) problems.push(`SMTP_URL must be an smtp:// or smtps:// URL (got "${smtpUrl}")`);
  const mailFrom = env.MAIL_FROM ?? 'Encore <no-reply@encore.invalid>';

  const salCacheRaw = env.ACCESS_LAYER_CACHE_MS ?? '1000';
  const accessLayerCacheMs = Number(salCacheRaw);
  if (!/^\d+$/.test(salCacheRaw) || accessLayerCacheMs > 60_000) problems.push(`ACCESS_LAYER_CACHE_MS must be an integer from 0 to 60000 (got "${salCacheRaw}")`);
  const pageCacheRaw = env.PAGE_CACHE_MS ?? '1000';
  const pageCacheMs = Number(pageCacheRaw);
  if (!/^\d+$/.test(pageCacheRaw) || pageCacheMs > 60_000) problems.push(`PAGE_CACHE_MS must be an integer from 0 to 60000 (got "${pageCacheRaw}")`);

  // A secret: the problem never repeats the value.
  const secretRaw = env.ENCORE_SECRET_KEY?.trim() ?? '';
  const secretKey = secretRaw === '' ? undefined : parseSecretKey(secretRaw);
  if (secretRaw !== '' && !secretKey) {
    problems.push(`ENCORE_SECRET_KEY must be 32 bytes as 64 hex characters or base64, e.g. the output of \`openssl rand -base64 32\` (got ${secretRaw.length} characters that are neither)`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir,
    logLevel,
    webhookRetryBaseMs,
    webhookTimeoutMs,
    webhookConcurrency,
    databasePoolSize,
    webhookEndpointConcurrency,
    webhookPollMs,
    sandboxFailDelayMs,
    databasePreparedStatements,
    webhookAllowPrivateNetworks,
    requestTimeoutMs,
    smtpUrl,
    mailFrom,
    secretKey,
    accessLayerCacheMs,
    pageCacheMs,
    devMailbox: env.NODE_ENV !== 'production',
  };
}

/** An integer setting from `min` to `max`, `fallback` when unset; a bad value is added to `problems`. */
function boundedInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name] ?? String(fallback);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return n;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
