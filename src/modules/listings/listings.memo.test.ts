import { afterEach, describe, expect, it, vi } from 'vitest';
import { allKnownUnavailable, forgetUnavailable, forgetUnavailableEverywhere, rememberUnavailable } from './listings.memo.js';

const at = (iso: string): Date => new Date(iso);

describe('refusals from memory (listings.memo)', () => {
  afterEach(() => {
    vi.useRealTimers();
    forgetUnavailable('t1', ['a', 'b', 'c']);
  });

  it('refuses from memory only when every asked listing is known taken', () => {
    const now = at('2027-01-01T10:00:00Z');
    rememberUnavailable('t1', [{ id: 'a', until: at('2027-01-01T10:10:00Z') }], now);
    expect(allKnownUnavailable('t1', ['a'], now)).toBe(true);
    expect(allKnownUnavailable('t1', ['a', 'b'], now)).toBe(false);
    expect(allKnownUnavailable('t2', ['a'], now)).toBe(false); // another tenant's listing of the same id
    expect(allKnownUnavailable('t1', [], now)).toBe(false);
  });

  it('trusts an entry no longer than the hold it saw, in business time', () => {
    const now = at('2027-01-01T10:00:00Z');
    rememberUnavailable('t1', [{ id: 'a', until: at('2027-01-01T10:00:00.500Z') }], now);
    expect(allKnownUnavailable('t1', ['a'], at('2027-01-01T10:00:00.499Z'))).toBe(true);
    expect(allKnownUnavailable('t1', ['a'], at('2027-01-01T10:00:00.500Z'))).toBe(false); // the hold expired: ask the database
    rememberUnavailable('t1', [{ id: 'b', until: at('2027-01-01T09:00:00Z') }], now);
    expect(allKnownUnavailable('t1', ['b'], now)).toBe(false); // already expired: never remembered
  });

  it('trusts an entry for at most one second, in business and in real time', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const now = at('2027-01-01T10:00:00Z');
    rememberUnavailable('t1', [{ id: 'a', until: null }, { id: 'b', until: at('2027-01-01T10:10:00Z') }], now);
    expect(allKnownUnavailable('t1', ['a', 'b'], at('2027-01-01T10:00:00.999Z'))).toBe(true);
    expect(allKnownUnavailable('t1', ['a'], at('2027-01-01T10:00:01Z'))).toBe(false);
    rememberUnavailable('t1', [{ id: 'c', until: null }], now);
    vi.advanceTimersByTime(1_000);
    expect(allKnownUnavailable('t1', ['c'], now)).toBe(false); // a manual clock that stands still does not keep it
  });

  it('forgets listings this process made available again', () => {
    const now = at('2027-01-01T10:00:00Z');
    rememberUnavailable('t1', [{ id: 'a', until: null }, { id: 'b', until: null }], now);
    forgetUnavailable('t1', ['a']);
    forgetUnavailableEverywhere([{ tenant_id: 't1', id: 'b' }]);
    expect(allKnownUnavailable('t1', ['a'], now)).toBe(false);
    expect(allKnownUnavailable('t1', ['b'], now)).toBe(false);
  });
});
