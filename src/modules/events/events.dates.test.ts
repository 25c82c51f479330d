import { describe, expect, it } from 'vitest';
import { isTimeZone, parseEventDate, parseOffsetDateTime } from './events.dates.js';

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

describe('parseEventDate', () => {
  it.each([
    // With an offset: as sent, whatever the zone.
    ['2027-06-01T21:00:00+02:00', 'America/New_York', '2027-06-01T19:00:00.000Z', '2027-06-01T21:00:00+02:00'],
    // Without: the zone's offset at that wall-clock time, summer and winter.
    ['2027-06-01T21:00:00', 'Europe/Madrid', '2027-06-01T19:00:00.000Z', '2027-06-01T21:00:00+02:00'],
    ['2027-12-01T21:00', 'Europe/Madrid', '2027-12-01T20:00:00.000Z', '2027-12-01T21:00:00+01:00'],
    ['2027-06-01T21:00:00.5', 'America/Argentina/Buenos_Aires', '2027-06-02T00:00:00.500Z', '2027-06-01T21:00:00.500-03:00'],
    ['2027-06-01T21:00:00', 'Asia/Kolkata', '2027-06-01T15:30:00.000Z', '2027-06-01T21:00:00+05:30'],
    ['2027-06-01T21:00:00', 'Asia/Kathmandu', '2027-06-01T15:15:00.000Z', '2027-06-01T21:00:00+05:45'],
    // No zone: UTC.
    ['2027-06-01T21:00:00', undefined, '2027-06-01T21:00:00.000Z', '2027-06-01T21:00:00+00:00'],
    ['2027-06-01T21:00:00', null, '2027-06-01T21:00:00.000Z', '2027-06-01T21:00:00+00:00'],
    // Clocks skip 02:00–03:00 (Madrid, 2027-03-28): moved forward by the gap.
    ['2027-03-28T02:30:00', 'Europe/Madrid', '2027-03-28T01:30:00.000Z', '2027-03-28T03:30:00+02:00'],
    ['2027-03-28T01:59:59', 'Europe/Madrid', '2027-03-28T00:59:59.000Z', '2027-03-28T01:59:59+01:00'],
    ['2027-03-28T03:00:00', 'Europe/Madrid', '2027-03-28T01:00:00.000Z', '2027-03-28T03:00:00+02:00'],
    // Clocks repeat 02:00–03:00 (Madrid, 2027-10-31): the earlier one.
    ['2027-10-31T02:30:00', 'Europe/Madrid', '2027-10-31T00:30:00.000Z', '2027-10-31T02:30:00+02:00'],
    ['2027-10-31T03:00:00', 'Europe/Madrid', '2027-10-31T02:00:00.000Z', '2027-10-31T03:00:00+01:00'],
    // New York skips 02:00–03:00 on 2027-03-14 and repeats 01:00–02:00 on 2027-11-07.
    ['2027-03-14T02:15:00', 'America/New_York', '2027-03-14T07:15:00.000Z', '2027-03-14T03:15:00-04:00'],
    ['2027-11-07T01:15:00', 'America/New_York', '2027-11-07T05:15:00.000Z', '2027-11-07T01:15:00-04:00'],
  ])('reads %s in %s', (text, zone, iso, stored) => {
    const date = parseEventDate(text, zone);
    expect(date?.at.toISOString()).toBe(iso);
    expect(date?.text).toBe(stored);
    // What is stored reads back as the same instant, whatever the zone.
    expect(parseOffsetDateTime(date!.text)?.toISOString()).toBe(iso);
  });

  it.each(['2027-06-01', '2027-06-01 21:00:00', '2027-02-30T21:00:00', '2027-06-01T24:00:00', 'tomorrow', ''])('refuses %j', (text) => {
    expect(parseEventDate(text, 'Europe/Madrid')).toBeUndefined();
  });
});
