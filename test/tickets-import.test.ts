import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvents } from '../src/modules/tickets/tickets.fixtures.js';
import { useContext } from './harness.js';
import { runCli } from './process.js';

/** `encore tickets import` as a real process against this file's database. */
describe('encore tickets import', () => {
  const ctx = useContext();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-import-'));
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  const env = () => ({ DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'warn' });
  const count = async (prefix: string) =>
    Number(
      (
        await ctx.deps.db
          .selectFrom('tickets')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant_id', '=', tenant.tenantId)
          .where('ticket_id', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    tenant = await ctx.createTenant('importer');
    await createEvents(ctx, tenant.apiKey);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports a CSV file with dotted columns, reports per-line errors, and is idempotent on a second run', async () => {
    const file = path.join(dir, 'tickets.csv');
    const lines = ['externalReferenceEventId,showId,ticketId,buyer,ticketAccess.type,ticketAccess.locator,ticketOptionId,price,props.seating.row,tags'];
    for (let i = 0; i < 2500; i++) lines.push(`solo,,csv-${i},fan${i}@fans.example,URL,"https://t.example/${i}?a=1,b=2",ga,30.5,${i % 40},channel:box;batch:${i >> 9}`);
    lines.push('solo,,csv-bad-1,fan@fans.example,URL,https://t.example/x,nope,30,,');
    lines.push('ghost,,csv-bad-2,fan@fans.example,URL,https://t.example/y,ga,30,,');
    lines.push('solo,,csv-bad-3,not-an-email,URL,https://t.example/z,ga,30,,');
    fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);

    const first = await runCli(['tickets', 'import', '--tenant', tenant.tenantId, file], env());
    expect(first.code, first.stderr).toBe(0);
    const out = first.stdout.trim().split('\n');
    expect(out).toHaveLength(1);
    const summary = JSON.parse(out[0]!) as { total: number; created: number; unchanged: number; failed: number; errors: { line: number; ticketId: string; code: string; field?: string }[] };
    expect(summary).toMatchObject({ total: 2503, created: 2500, unchanged: 0, failed: 3 });
    expect(summary.errors).toEqual([
      expect.objectContaining({ line: 2502, ticketId: 'csv-bad-1', code: 'UNKNOWN_REFERENCE', field: 'ticketOptionId' }),
      expect.objectContaining({ line: 2503, ticketId: 'csv-bad-2', code: 'EVENT_NOT_FOUND', field: 'externalReferenceEventId' }),
      expect.objectContaining({ line: 2504, ticketId: 'csv-bad-3', code: 'VALIDATION_ERROR', field: 'buyer' }),
    ]);
    // Not a terminal: plain progress lines on stderr.
    expect(first.stderr).toMatch(/imported 2,503 rows \(2,500 created, 0 unchanged, 3 failed\)/);
    expect(await count('csv-')).toBe(2500);
    const row = await ctx.deps.db.selectFrom('tickets').selectAll().where('tenant_id', '=', tenant.tenantId).where('ticket_id', '=', 'csv-7').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ access_locator: 'https://t.example/7?a=1,b=2', price_minor: 3050, props: { seating: { row: '7' } }, tags: ['channel:box', 'batch:0'] });
    const history = await ctx.deps.db.selectFrom('ticket_history').select(['actor', 'data']).where('tenant_id', '=', tenant.tenantId).where('ticket_id', '=', 'csv-7').execute();
    expect(history).toEqual([{ actor: 'cli:import', data: { via: 'import' } }]);

    const second = await runCli(['tickets', 'import', '--tenant', tenant.tenantId, file], env());
    expect(JSON.parse(second.stdout)).toMatchObject({ total: 2503, created: 0, unchanged: 2500, failed: 3 });
    expect(await count('csv-')).toBe(2500);
  });

  it('imports NDJSON (.ndjson and .jsonl), naming lines that are not JSON', async () => {
    const file = path.join(dir, 'tickets.jsonl');
    const rows: string[] = [];
    for (let i = 0; i < 1200; i++) {
      rows.push(JSON.stringify({ externalReferenceEventId: 'duo', showId: 'd2', ticketId: `nd-${i}`, buyer: { email: `f${i}@fans.example` }, ticketAccess: { type: 'API', locator: `c${i}` }, ticketOptionId: 'vip' }));
    }
    rows.splice(500, 0, '{not json', '');
    fs.writeFileSync(file, rows.join('\n'));
    const res = await runCli(['tickets', 'import', '--tenant', tenant.tenantId, '--batch-size', '250', file], env());
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ total: 1201, created: 1200, failed: 1, errors: [{ line: 501, ticketId: null, code: 'VALIDATION_ERROR' }] });
    expect(await count('nd-')).toBe(1200);
  });

  it('refuses a bad command line, an unknown tenant, an unknown format and a missing file', async () => {
    const usage = await runCli(['tickets', 'import', 'x.csv'], env());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--tenant/);
    const csv = path.join(dir, 'empty.csv');
    fs.writeFileSync(csv, 'ticketId\n');
    const tenantMissing = await runCli(['tickets', 'import', '--tenant', 'ten_nope', csv], env());
    expect(tenantMissing.code).toBe(1);
    expect(tenantMissing.stderr).toMatch(/tenant ten_nope does not exist/);
    const format = await runCli(['tickets', 'import', '--tenant', tenant.tenantId, path.join(dir, 'tickets.xlsx')], env());
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/\.csv, \.ndjson or \.jsonl/);
    const missing = await runCli(['tickets', 'import', '--tenant', tenant.tenantId, path.join(dir, 'nope.csv')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    const empty = await runCli(['tickets', 'import', '--tenant', tenant.tenantId, csv], env());
    expect(JSON.parse(empty.stdout)).toEqual({ total: 0, created: 0, unchanged: 0, failed: 0, errors: [] });
  });
});
