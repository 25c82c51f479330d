import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-core.js';
import * as m0002 from './migrations/0002-events.js';
import * as m0003 from './migrations/0003-webhooks.js';
import * as m0004 from './migrations/0004-idempotency.js';
import * as m0005 from './migrations/0005-tickets.js';
import * as m0006 from './migrations/0006-admission-function.js';
import * as m0007 from './migrations/0007-marketplace.js';
import * as m0008 from './migrations/0008-one-time-tokens.js';
import * as m0009 from './migrations/0009-ticket-shield.js';
import * as m0010 from './migrations/0010-purchase-intent-strategies.js';
import * as m0011 from './migrations/0011-purchase-intents.js';
import * as m0012 from './migrations/0012-purchase-intent-payments.js';
import * as m0013 from './migrations/0013-purchase-intent-mail.js';
import * as m0014 from './migrations/0014-checkout-buyer.js';
import * as m0015 from './migrations/0015-tenant-language.js';
import * as m0016 from './migrations/0016-idempotency-committed.js';
import * as m0017 from './migrations/0017-purchase-intent-identification.js';
import * as m0018 from './migrations/0018-one-payments-table.js';
import * as m0019 from './migrations/0019-show-inventory.js';
import * as m0020 from './migrations/0020-leads.js';
import * as m0021 from './migrations/0021-mail-outbox.js';
import * as m0022 from './migrations/0022-tenant-theme.js';
import * as m0023 from './migrations/0023-payout-accounts.js';
import * as m0024 from './migrations/0024-lead-last-alerted.js';
import * as m0025 from './migrations/0025-purchase-intent-checkouts.js';
import * as m0026 from './migrations/0026-fan-sessions.js';
import * as m0027 from './migrations/0027-checkout-extension.js';
import * as m0028 from './migrations/0028-plan-stable-keys.js';
import * as m0029 from './migrations/0029-capacity-counters.js';
import * as m0030 from './migrations/0030-webhook-fairness.js';
import * as m0031 from './migrations/0031-capacity-plans.js';

// Listed in code rather than read from a folder: works the same under tsx, a bundle or tests.
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-events': m0002,
  '0003-webhooks': m0003,
  '0004-idempotency': m0004,
  '0005-tickets': m0005,
  '0006-admission-function': m0006,
  '0007-marketplace': m0007,
  '0008-one-time-tokens': m0008,
  '0009-ticket-shield': m0009,
  '0010-purchase-intent-strategies': m0010,
  '0011-purchase-intents': m0011,
  '0012-purchase-intent-payments': m0012,
  '0013-purchase-intent-mail': m0013,
  '0014-checkout-buyer': m0014,
  '0015-tenant-language': m0015,
  '0016-idempotency-committed': m0016,
  '0017-purchase-intent-identification': m0017,
  '0018-one-payments-table': m0018,
  '0019-show-inventory': m0019,
  '0020-leads': m0020,
  '0021-mail-outbox': m0021,
  '0022-tenant-theme': m0022,
  '0023-payout-accounts': m0023,
  '0024-lead-last-alerted': m0024,
  '0025-purchase-intent-checkouts': m0025,
  '0026-fan-sessions': m0026,
  '0027-checkout-extension': m0027,
  '0028-plan-stable-keys': m0028,
  '0029-capacity-counters': m0029,
  '0030-webhook-fairness': m0030,
  '0031-capacity-plans': m0031,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Applies every pending migration; Kysely's lock table makes concurrent starts safe. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Applies (or undoes) migrations up to and including `name`: for tests that fill a database as an
 * older release left it and then check what a later migration makes of the rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  if (!(name in MIGRATIONS)) throw new Error(`no migration named ${name}`);
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
}
