import { describe, expect, it } from 'vitest';
import { isTimeZone, parseOffsetDateTime } from './events.dates.js';

describe('parseOffsetDateTime', () => {
  it.each([
    ['2027-06-01T21:00:00+02:00', '2027-06-01T19:00:00.000Z'],
    ['2027-06-01T21:00:00Z', '2027-06-01T21:00:00.000Z'],
    ['2027-06-01t21:00:00z', '2027-06-01T21:00:00.000Z'],
    ['2027-06-01T21:00+0530', '2027-06-01T15:30:00.000Z'],
    ['2027-06-01T21:00:00.123456-03:00', '2027-06-02T00:00:00.123Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseOffsetDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2027-06-01T21:00:00',
    '2027-06-01',
    '2027-06-01 21:00:00+02:00',
    '2027-02-29T00:00:00Z',
    '2027-13-01T00:00:00Z',
    '2027-06-31T00:00:00Z',
    '2027-06-01T24:00:00Z',
    '2027-06-01T21:60:00Z',
    '2027-06-01T21:00:60Z',
    '2027-06-01T21:00:00+19:00',
    '0099-06-01T21:00:00Z',
    'Tue, 01 Jun 2027 21:00:00 GMT',
    '',
  ])('refuses %j', (text) => {
    expect(parseOffsetDateTime(text)).toBeUndefined();
  });
});

describe('isTimeZone', () => {
  it('accepts IANA zones and refuses anything else', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('+02:00')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
