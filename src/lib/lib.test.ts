import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../app/config.js';
import { AppError } from './app-error.js';
import { newId } from './ids.js';
import { isIsoCurrency, minorDigits, toMajor, toMinor } from './money.js';
import { signWebhook, verifyWebhookSignature } from './signing.js';
import { transition, type StateMachine } from './state-machine.js';

describe('ids', () => {
  it('are prefixed, lowercase and sort by creation time', () => {
    const a = newId('evt', 1_700_000_000_000);
    const b = newId('evt', 1_700_000_000_001);
    expect(a).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
  });
});

describe('money', () => {
  it('knows ISO 4217 codes and their minor digits', () => {
    expect(isIsoCurrency('EUR')).toBe(true);
    expect(isIsoCurrency('eur')).toBe(false);
    expect(isIsoCurrency('XYZ')).toBe(false);
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('converts major units to minor units exactly, refusing extra decimals', () => {
    expect(toMinor(5500.5, 'EUR', 'price')).toBe(550050);
    expect(toMinor(0.1 + 0.2, 'EUR', 'price')).toBe(30);
    expect(toMinor(1200, 'JPY', 'price')).toBe(1200);
    expect(() => toMinor(10.005, 'EUR', 'shows[0].price')).toThrow(AppError);
    expect(() => toMinor(1.5, 'JPY', 'price')).toThrow(/more decimals/);
    expect(() => toMinor(1e300, 'EUR', 'price')).toThrow(/too large/);
    expect(toMajor(550050, 'EUR')).toBe(5500.5);
    expect(toMajor(1234, 'KWD')).toBe(1.234);
  });
});

describe('webhook signatures', () => {
  it('round-trips and refuses tampering and stale timestamps', () => {
    const body = '{"message":{}}';
    const header = signWebhook('whsec_x', body, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec_x', body, header, 1_800_000_010)).toBe(true);
    expect(verifyWebhookSignature('whsec_x', `${body} `, header, 1_800_000_010)).toBe(false);
    expect(verifyWebhookSignature('whsec_x', body, header, 1_800_001_000)).toBe(false);
    expect(verifyWebhookSignature('whsec_x', body, 'garbage', 1_800_000_000)).toBe(false);
  });
});

describe('state machines', () => {
  type S = 'A' | 'B' | 'C';
  const m: StateMachine<S> = { A: ['B'], B: ['C'], C: [] };
  it('allows listed transitions and refuses the rest with INVALID_STATE_TRANSITION', () => {
    expect(transition(m, 'thing', 'A', 'B')).toBe('B');
    expect(() => transition(m, 'thing', 'A', 'C')).toThrow(expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' }));
  });
});

describe('config', () => {
  it('has defaults for a newcomer', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', publicUrl: 'http://localhost:3000', databaseUrl: undefined, logLevel: 'info', databasePreparedStatements: true, webhookAllowPrivateNetworks: false });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'OFF' }).databasePreparedStatements).toBe(false);
    expect(c.dataDir).toMatch(/data$/);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: '99999', PUBLIC_URL: 'ftp://x', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'chatty', DATABASE_PREPARED_STATEMENTS: 'maybe', WEBHOOK_PRIVATE_NETWORKS: 'sometimes' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(6);
    }
  });
});
