import { describe, expect, it } from 'vitest';
import { CsvError, CsvParser, rowToTicket } from './import.csv.js';

function parseAll(text: string, chunkSize = text.length || 1): { line: number; fields: string[] }[] {
  const p = new CsvParser();
  const out: { line: number; fields: string[] }[] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...p.push(text.slice(i, i + chunkSize)));
  out.push(...p.end());
  return out;
}

describe('CsvParser (RFC 4180, streaming)', () => {
  it('parses plain, quoted, escaped and multi-line fields, LF and CRLF, whatever the chunking', () => {
    const text = '\ufeffa,b,c\r\n1,"two, with comma","say ""hi"""\r\n"multi\nline",,x\n"",last,"q"';
    const expected = [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, with comma', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', '', 'x'] },
      { line: 5, fields: ['', 'last', 'q'] },
    ];
    for (const size of [1, 2, 3, 7, 1000]) expect(parseAll(text, size), `chunks of ${size}`).toEqual(expected);
  });

  it('handles a trailing line break, a final CR, and empty lines', () => {
    expect(parseAll('a,b\n1,2\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
    expect(parseAll('a\r')).toEqual([{ line: 1, fields: ['a'] }]);
    expect(parseAll('a\n\nb')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [''] },
      { line: 3, fields: ['b'] },
    ]);
  });

  it('refuses malformed quoting with the line number', () => {
    expect(() => parseAll('a,b"c\n')).toThrow(CsvError);
    expect(() => parseAll('x\n"abc"d\n')).toThrow(/line 2|closing quote/);
    expect(() => parseAll('"never closed')).toThrow(/ends inside a quoted field/);
  });
});

describe('rowToTicket', () => {
  it('builds nested fields from dotted headers, numbers for money, tags split on ;', () => {
    const header = ['externalReferenceEventId', 'ticketId', 'buyer', 'ticketAccess.type', 'ticketAccess.locator', 'price', 'tags', 'props.seating.row', 'showId', 'primarySalesFee.type', 'primarySalesFee.value'];
    const row = ['ev', 't1', 'a@b.example', 'URL', 'https://x', '35.5', 'a:b; c:d', '7', '', 'FIXED', 'abc'];
    expect(rowToTicket(header, row)).toEqual({
      externalReferenceEventId: 'ev',
      ticketId: 't1',
      buyer: 'a@b.example',
      ticketAccess: { type: 'URL', locator: 'https://x' },
      price: 35.5,
      tags: ['a:b', 'c:d'],
      props: { seating: { row: '7' } },
      primarySalesFee: { type: 'FIXED', value: 'abc' },
    });
    expect(rowToTicket(['tags'], ['["x:y"]'])).toEqual({ tags: ['x:y'] });
  });

  it('never writes to a prototype: a __proto__ header becomes an own (unknown) field', () => {
    const t = rowToTicket(['__proto__.polluted', 'constructor'], ['yes', 'no']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(t)).toEqual(['__proto__', 'constructor']);
  });
});
