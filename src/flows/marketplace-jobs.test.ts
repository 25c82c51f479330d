import { describe, expect, it } from 'vitest';
import { startContext } from '../../test/harness.js';
import { openRuntime } from '../app/runtime.js';
import { marketExitHookCount } from '../modules/tickets/index.js';

/**
 * Issue 10, item 7: "a ticket leaving the market ends its listing" was added again, as a fresh
 * closure over that runtime, by every runtime a process opened. It is registered once per process.
 */
describe('market-exit hook registration', () => {
  it('stays one hook however many runtimes the process opens', async () => {
    const ctx = await startContext();
    try {
      const once = marketExitHookCount();
      expect(once).toBeGreaterThanOrEqual(1);
      const more = [await openRuntime(ctx.config, { role: 'command' }), await openRuntime(ctx.config, { role: 'command' })];
      try {
        expect(marketExitHookCount()).toBe(once);
      } finally {
        for (const rt of more) await rt.close();
      }
    } finally {
      await ctx.close();
    }
  });
});
