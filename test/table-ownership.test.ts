import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each module owns its tables (ARCHITECTURE.md, Layout; issue 10): SQL lives only in repositories
 * (and db/, jobs/ for the platform's own), and a module's repository touches only the tables its
 * module declares. The owner of each table is read from src/db/schema.ts, where every table's row
 * type is imported from its module's `*.tables.ts`.
 */
const SRC = path.resolve(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.tsx?$/.test(e.name) && !/\.(test|fixtures)\.ts$/.test(e.name) ? [p] : [];
  });
}

function owners(): Map<string, string> {
  const schema = fs.readFileSync(path.join(SRC, 'db/schema.ts'), 'utf8');
  const moduleOfType = new Map<string, string>();
  for (const m of schema.matchAll(/import type \{([^}]+)\} from '\.\.\/modules\/([^/]+)\//g)) {
    for (const name of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) moduleOfType.set(name, m[2]!);
  }
  const out = new Map<string, string>();
  for (const m of schema.matchAll(/^\s+([a-z_]+): (\w+);$/gm)) {
    const owner = moduleOfType.get(m[2]!);
    if (owner) out.set(m[1]!, owner);
  }
  return out;
}

/** The tables a file's code names: Kysely's builders and raw SQL's FROM/JOIN/INTO/UPDATE. */
function tablesNamed(text: string, tables: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const m of code.matchAll(/\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|with)\(\s*'([a-z_]+)/g)) if (tables.has(m[1]!)) found.add(m[1]!);
  for (const m of code.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b/g)) if (tables.has(m[1]!)) found.add(m[1]!);
  return found;
}

describe('table ownership', () => {
  const tableOwner = owners();
  const tables = new Set(tableOwner.keys());

  it('knows the owner of every table', () => {
    expect(tableOwner.size).toBeGreaterThan(30);
    expect(tableOwner.get('payments')).toBe('payments');
    expect(tableOwner.get('payment_lines')).toBe('payments');
    expect(tableOwner.get('payouts')).toBe('payouts');
    expect(tableOwner.get('payout_accounts')).toBe('payouts');
  });

  it('SQL lives only in repositories (and the platform folders db/ and jobs/)', () => {
    const offenders = files(SRC)
      .filter((f) => !/\.repository\.ts$/.test(f) && !f.startsWith(path.join(SRC, 'db')) && !f.startsWith(path.join(SRC, 'jobs')))
      .map((f) => [path.relative(SRC, f), [...tablesNamed(fs.readFileSync(f, 'utf8'), tables)]] as const)
      .filter(([, named]) => named.length > 0);
    expect(offenders).toEqual([]);
  });

  it('a module’s repository touches only its own module’s tables', () => {
    const foreign: string[] = [];
    for (const f of files(path.join(SRC, 'modules')).filter((p) => p.endsWith('.repository.ts'))) {
      const module = path.relative(path.join(SRC, 'modules'), f).split(path.sep)[0]!;
      for (const t of tablesNamed(fs.readFileSync(f, 'utf8'), tables)) {
        if (tableOwner.get(t) !== module) foreign.push(`${path.relative(SRC, f)} → ${t} (owned by ${tableOwner.get(t)})`);
      }
    }
    expect(foreign).toEqual([]);
  });
});
