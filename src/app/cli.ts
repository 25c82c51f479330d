#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { withTx } from '../db/tx.js';
import { isAppError } from '../lib/app-error.js';
import { createKey, createTenantInTx, listTenants, revokeKeyByPrefix, setTheme } from '../modules/tenants/index.js';
import { importTickets, type ImportProgress } from '../modules/tickets/index.js';
import { createEndpointInTx } from '../modules/webhooks/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openRuntime, type Runtime } from './runtime.js';
import { serve } from './server.js';

const USAGE = `Usage: npm run -s encore -- <command>

  serve                         the API and the background workers (what npm start runs)
  worker                        background jobs only (scale out next to serve; needs DATABASE_URL or a running serve)
  migrate                       apply pending database migrations
  tenant create --name NAME [--return-origin URL]... [--webhook-url URL] [--currency EUR] [--lang es|en]
                [--theme-background #fff] [--theme-text #111] [--theme-accent #0b57d0] [--theme-logo https://…]
  tenant theme --tenant ID [--background C] [--text C] [--accent C] [--logo URL]
                                prints {"tenantId", "apiKey"}; the key is shown once
  tenant list                   every tenant with its number of active keys
  key create --tenant ID        a new API key for a tenant
  key revoke --key-prefix P     revoke the key starting with P (first 12 characters)
  tickets import --tenant ID [--batch-size N] FILE
                                import tickets from a CSV (.csv; header row of body field names, nested
                                fields dotted: ticketAccess.locator; tags separated by ";") or NDJSON
                                (.ndjson/.jsonl, one ticket per line) file, through the same checks as
                                POST /v1/sync/tickets; progress on stderr, a JSON summary on stdout

Environment: PORT, HOST, PUBLIC_URL, DATABASE_URL (absent: embedded PostgreSQL in DATA_DIR, default ./data), LOG_LEVEL,
ENCORE_SECRET_KEY (absent: DATA_DIR/secret.key, generated on the first start)`;

const print = (line: string): void => void process.stdout.write(`${line}\n`);

async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(config, { role: 'command' });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function onSignals(stop: (signal: string) => Promise<void>): void {
  let count = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      count += 1;
      if (count > 1) {
        print('second signal: exiting now');
        process.exit(1);
      }
      stop(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const running = await serve(config, print);
      onSignals((s) => running.shutdown(s));
      return -1;
    }
    case 'worker': {
      const rt = await openRuntime(config, { role: 'service', log: print });
      rt.deps.queue.onError = (err) => console.error('job queue error:', err.message);
      await rt.deps.queue.startWorkers();
      print('Encore worker running; Ctrl-C to stop');
      onSignals(async (s) => {
        print(`shutting down (${s})`);
        await rt.close();
      });
      return -1;
    }
    case 'migrate': {
      const applied = await withRuntime(config, async (rt) => rt.migrated);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    case 'tenant': {
      if (sub === 'create') {
        const { values } = parseArgs({
          args: rest,
          options: {
            name: { type: 'string' },
            'return-origin': { type: 'string', multiple: true },
            'webhook-url': { type: 'string' },
            currency: { type: 'string' },
            lang: { type: 'string' },
            'theme-background': { type: 'string' },
            'theme-text': { type: 'string' },
            'theme-accent': { type: 'string' },
            'theme-logo': { type: 'string' },
          },
        });
        if (!values.name) throw new UsageError('tenant create needs --name NAME');
        const created = await withRuntime(config, (rt) =>
          withTx(rt.deps.db, async (tx) => {
            const t = await createTenantInTx(tx, rt.deps, {
              name: values.name!,
              returnOrigins: values['return-origin'] ?? [],
              ...(values.currency ? { defaultCurrency: values.currency } : {}),
              ...(values.lang ? { defaultLanguage: values.lang } : {}),
              theme: {
                ...(values['theme-background'] ? { background: values['theme-background'] } : {}),
                ...(values['theme-text'] ? { text: values['theme-text'] } : {}),
                ...(values['theme-accent'] ? { accent: values['theme-accent'] } : {}),
                ...(values['theme-logo'] ? { logoUrl: values['theme-logo'] } : {}),
              },
            });
            if (values['webhook-url']) {
              await createEndpointInTx(tx, rt.deps, { tenantId: t.tenantId, label: 'cli' }, { url: values['webhook-url'] });
            }
            return t;
          }),
        );
        print(JSON.stringify({ tenantId: created.tenantId, apiKey: created.apiKey }));
        return 0;
      }
      if (sub === 'theme') {
        const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' }, background: { type: 'string' }, text: { type: 'string' }, accent: { type: 'string' }, logo: { type: 'string' } } });
        if (!values.tenant) throw new UsageError('tenant theme needs --tenant ID');
        const theme = await withRuntime(config, (rt) =>
          setTheme(rt.deps, values.tenant!, {
            ...(values.background ? { background: values.background } : {}),
            ...(values.text ? { text: values.text } : {}),
            ...(values.accent ? { accent: values.accent } : {}),
            ...(values.logo ? { logoUrl: values.logo } : {}),
          }),
        );
        print(JSON.stringify(theme));
        return 0;
      }
      if (sub === 'list') {
        parseArgs({ args: rest, options: {} });
        const tenants = await withRuntime(config, (rt) => listTenants(rt.deps));
        for (const t of tenants) print(JSON.stringify(t));
        return 0;
      }
      throw new UsageError(`unknown tenant command "${sub ?? ''}"`);
    }
    case 'key': {
      if (sub === 'create') {
        const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' } } });
        if (!values.tenant) throw new UsageError('key create needs --tenant ID');
        const key = await withRuntime(config, (rt) => createKey(rt.deps, values.tenant!));
        print(JSON.stringify({ tenantId: values.tenant, keyId: key.keyId, apiKey: key.apiKey }));
        return 0;
      }
      if (sub === 'revoke') {
        const { values } = parseArgs({ args: rest, options: { 'key-prefix': { type: 'string' } } });
        if (!values['key-prefix']) throw new UsageError('key revoke needs --key-prefix P');
        const revoked = await withRuntime(config, (rt) => revokeKeyByPrefix(rt.deps, values['key-prefix']!));
        print(JSON.stringify({ ...revoked, revoked: true }));
        return 0;
      }
      throw new UsageError(`unknown key command "${sub ?? ''}"`);
    }
    case 'tickets': {
      if (sub === 'import') {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { tenant: { type: 'string' }, 'batch-size': { type: 'string' } },
        });
        const file = positionals[0];
        if (!values.tenant || !file || positionals.length > 1) throw new UsageError('tickets import needs --tenant ID and one FILE');
        const batchSize = values['batch-size'] === undefined ? 1000 : Number(values['batch-size']);
        if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) throw new UsageError('--batch-size must be an integer from 1 to 5000');
        const progress = progressPrinter();
        const summary = await withRuntime(config, (rt) =>
          importTickets(rt.deps, { tenantId: values.tenant!, file, batchSize, onProgress: progress.update }),
        );
        progress.done();
        print(JSON.stringify(summary));
        return 0;
      }
      throw new UsageError(`unknown tickets command "${sub ?? ''}"`);
    }
    case undefined:
    case 'help':
    case '--help':
      print(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

/**
 * Import progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise (logs, CI). stdout stays for the final JSON summary alone.
 */
function progressPrinter(): { update: (p: ImportProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let last: ImportProgress | undefined;
  const describe = (p: ImportProgress): string => {
    const rate = p.elapsedMs > 0 ? Math.round((p.total * 1000) / p.elapsedMs) : 0;
    return `${p.total.toLocaleString('en')} rows (${p.created.toLocaleString('en')} created, ${p.unchanged.toLocaleString('en')} unchanged, ${p.failed.toLocaleString('en')} failed), ${rate.toLocaleString('en')}/s`;
  };
  return {
    update: (p) => {
      last = p;
      if (tty) {
        const share = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 1;
        const width = 30;
        const filled = Math.round(share * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${describe(p)}\x1b[K`);
      } else if (Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        process.stderr.write(`imported ${describe(p)}\n`);
      }
    },
    done: () => {
      if (tty && last) process.stderr.write('\n');
      else if (last) process.stderr.write(`imported ${describe(last)}\n`);
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof ConfigError || isAppError(err)) {
      console.error(`error: ${(err as Error).message}`);
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  },
);
