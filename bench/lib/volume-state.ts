import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runScript } from './process.js';

/**
 * Which data volume the benchmarks run on now (bench/lib/volume.ts writes volumes). Apart from the
 * writer so the server helpers can consult it without importing the writer (which starts servers).
 */
export interface Volume {
  scale: number;
  dir: string;
  tenantIds: string[];
  /** Rows per table, as counted after loading. */
  counts: Record<string, number>;
  /** Seconds it took to write (0 when reused). */
  loadSeconds: number;
}

let active: Volume | undefined;

export function activeVolume(): Volume | undefined {
  return active;
}

export function setActiveVolume(v: Volume | undefined): void {
  active = v;
}

/**
 * The next volume integrator no benchmark has used yet, in this run or an earlier one on the same
 * folder (the count is kept in the folder): a benchmark's fixed references (an event it creates by
 * name) never meet an earlier run's. After every integrator was used once, `--fresh-volume`.
 */
function takeVolumeTenant(v: Volume): string {
  const file = path.join(v.dir, 'encore-volume-next');
  const next = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
  if (next >= v.tenantIds.length) throw new Error(`every integrator of the ${v.scale}× volume was used by earlier runs: run with --fresh-volume`);
  fs.writeFileSync(file, String(next + 1));
  return v.tenantIds[next]!;
}

/**
 * `createTenant` on a volume: the next volume integrator, with the caller's return origins and a
 * new API key (`encore key create`), as the product's own command gives one.
 */
export async function adoptVolumeTenant(v: Volume, name: string, returnOrigins: readonly string[]): Promise<{ tenantId: string; apiKey: string }> {
  const tenantId = takeVolumeTenant(v);
  const client = new pg.Client({ host: path.join(v.dir, 'pg'), port: 5432, user: 'postgres', database: 'encore' });
  await client.connect();
  try {
    await client.query('UPDATE tenants SET name = $2, return_origins = $3 WHERE id = $1', [tenantId, name, [...returnOrigins]]);
  } finally {
    await client.end();
  }
  return { tenantId, apiKey: await createKey(v.dir, tenantId) };
}

/** A new API key for an existing tenant, through the product's own command. */
async function createKey(dataDir: string, tenantId: string): Promise<string> {
  const out = await runScript('bin/encore.mjs', ['key', 'create', '--tenant', tenantId], { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' });
  const line = out
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  const parsed = line ? (JSON.parse(line) as { apiKey?: string }) : {};
  if (!parsed.apiKey) throw new Error(`key create printed ${out}`);
  return parsed.apiKey;
}
