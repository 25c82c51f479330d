import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { adminQuery } from './test-server.js';

/*
 * Apart from harness.ts, which builds the app: a test that only needs a database (or starts Encore
 * as a process) does not pay for importing the whole product.
 */

/** A fresh database copied from the migrated template, for this test file alone. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { adminUrl, template, prefix, urlPattern } = inject('testDb');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (err) {
      // 55006: the template is briefly in use by a concurrent CREATE DATABASE.
      if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  return {
    url: urlPattern.replace('__DB__', name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
