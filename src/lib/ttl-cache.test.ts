import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('answers until the entry expires', async () => {
    const c = new TtlCache<number>(10);
    c.set('a', Promise.resolve(1), 30);
    expect(await c.get('a')).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(c.get('a')).toBeUndefined();
  });

  it('shares a pending value and forgets a rejected one', async () => {
    const c = new TtlCache<number>(10);
    let resolve!: (n: number) => void;
    const pending = new Promise<number>((r) => (resolve = r));
    c.set('p', pending, 1000);
    expect(c.get('p')).toBe(pending);
    resolve(7);
    expect(await c.get('p')).toBe(7);
    const failing = Promise.reject(new Error('boom'));
    c.set('f', failing, 1000);
    await expect(failing).rejects.toThrow('boom');
    await Promise.resolve();
    expect(c.get('f')).toBeUndefined();
  });

  it('stays within its bound', () => {
    const c = new TtlCache<number>(3);
    for (let i = 0; i < 10; i++) c.set(String(i), Promise.resolve(i), 1000);
    expect(c.size).toBeLessThanOrEqual(3);
  });
});
