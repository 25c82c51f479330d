import { describe, expect, it } from 'vitest';
import { BUY_INTENTIONS_EXPIRE, HOURLY_SWEEPS, LISTING_HOLDS_RELEASE, MINUTE_SWEEPS, PAYMENTS_RECONCILE, runSweeps, type Sweep, type SweepDeps } from './sweeps.js';

const deps = {} as SweepDeps;

describe('the sweep registry', () => {
  it('reconciles payments first, and lists each sweep after the ones it waits for', () => {
    expect(MINUTE_SWEEPS[0]).toBe(PAYMENTS_RECONCILE);
    for (const [i, sweep] of MINUTE_SWEEPS.entries()) {
      for (const first of sweep.after ?? []) expect(MINUTE_SWEEPS.indexOf(first), `${sweep.name} after ${first.name}`).toBeGreaterThanOrEqual(0);
      for (const first of sweep.after ?? []) expect(MINUTE_SWEEPS.indexOf(first)).toBeLessThan(i);
    }
    expect(BUY_INTENTIONS_EXPIRE.after).toContain(PAYMENTS_RECONCILE);
    expect(LISTING_HOLDS_RELEASE.after).toContain(PAYMENTS_RECONCILE);
    const names = [...MINUTE_SWEEPS, ...HOURLY_SWEEPS].map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs in order; a failure skips only the sweeps after it, and is thrown once all had their turn', async () => {
    const ran: string[] = [];
    const sweep = (name: string, after?: Sweep[], fail = false): Sweep<number> => ({
      name,
      run: async () => {
        ran.push(name);
        if (fail) throw new Error(`${name} failed`);
        return ran.length;
      },
      ...(after ? { after } : {}),
    });
    const a = sweep('a', undefined, true);
    const b = sweep('b', [a]);
    const c = sweep('c', [b]);
    const d = sweep('d');
    await expect(runSweeps(deps, [a, b, c, d])).rejects.toThrow('a failed');
    expect(ran).toEqual(['a', 'd']);

    ran.length = 0;
    const ok = sweep('ok');
    const run = await runSweeps(deps, [ok, sweep('then', [ok])]);
    expect(ran).toEqual(['ok', 'then']);
    expect(run.resultOf(ok)).toBe(1);

    const e = sweep('e', undefined, true);
    const f = sweep('f', undefined, true);
    await expect(runSweeps(deps, [e, f])).rejects.toBeInstanceOf(AggregateError);
  });
});
