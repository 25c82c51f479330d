import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, formatSecretKey, generateSecretKey, parseSecretKey, SecretBoxError } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const key = generateSecretKey();
  const box = createSecretBox(key);
  const aad = JSON.stringify(['payout_accounts', 'ten_a', 'seller@fans.example']);

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = box.seal('ES9121000418450200051332', aad);
    const b = box.seal('ES9121000418450200051332', aad);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[0-9a-f]{12}\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(a).not.toContain('ES91');
    expect(box.open(a, aad)).toBe('ES9121000418450200051332');
    expect(box.open(b, aad)).toBe('ES9121000418450200051332');
    expect(box.open(box.seal('', aad), aad)).toBe('');
    expect(box.open(box.seal('ñ € 漢', aad), aad)).toBe('ñ € 漢');
  });

  it('refuses a tampered value: any changed ciphertext, IV or tag byte', () => {
    const sealed = box.seal('DE89370400440532013000', aad);
    const parts = sealed.split('.');
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(() => box.open(tampered, aad), `part ${i}`).toThrow(SecretBoxError);
    }
    expect(() => box.open('not sealed', aad)).toThrow(SecretBoxError);
    expect(() => box.open(sealed.replace(/^v1/, 'v9'), aad)).toThrow(/unknown version/);
    expect(() => box.open(parts.slice(0, 4).join('.'), aad)).toThrow(SecretBoxError);
  });

  it('refuses a value moved to another row (other additional authenticated data)', () => {
    const sealed = box.seal('GB29NWBK60161331926819', aad);
    expect(() => box.open(sealed, JSON.stringify(['payout_accounts', 'ten_b', 'seller@fans.example']))).toThrow(/belongs to another row/);
    expect(() => box.open(sealed, JSON.stringify(['payout_accounts', 'ten_a', 'other@fans.example']))).toThrow(SecretBoxError);
  });

  it('says so when the value was sealed with another key', () => {
    const other = createSecretBox(generateSecretKey());
    expect(other.keyId).not.toBe(box.keyId);
    expect(() => other.open(box.seal('x', aad), aad)).toThrow(/sealed with another key/);
    // The same key (another box) opens it.
    expect(createSecretBox(Buffer.from(key)).open(box.seal('x', aad), aad)).toBe('x');
  });

  it('parses keys as 64 hex characters or base64 (standard or URL-safe, padded or not) of 32 bytes', () => {
    const k = randomBytes(32);
    expect(parseSecretKey(k.toString('hex'))).toEqual(k);
    expect(parseSecretKey(k.toString('hex').toUpperCase())).toEqual(k);
    expect(parseSecretKey(k.toString('base64'))).toEqual(k);
    expect(parseSecretKey(` ${k.toString('base64')}\n`)).toEqual(k);
    expect(parseSecretKey(k.toString('base64url'))).toEqual(k);
    expect(parseSecretKey(k.toString('base64').replace(/=$/, ''))).toEqual(k);
    expect(parseSecretKey(formatSecretKey(k))).toEqual(k);
    for (const bad of ['', 'secret', k.toString('hex').slice(2), `${k.toString('hex')}00`, randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${k.toString('base64').slice(0, 42)}!=`, 'g'.repeat(64)]) {
      expect(parseSecretKey(bad), bad).toBeUndefined();
    }
  });

  it('takes only 32-byte keys', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
