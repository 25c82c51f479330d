import { describe, expect, it } from 'vitest';
import { nestingDepthExceeds, stripUnknownFields } from './unknown-fields.js';

const ticket = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ticketId: { type: 'string' },
    buyer: {
      anyOf: [
        { type: 'string' },
        { type: 'object', additionalProperties: false, properties: { email: { type: 'string' }, phone: { type: 'string' } } },
      ],
    },
    props: { type: ['object', 'null'], additionalProperties: false, properties: { seating: { type: 'object', additionalProperties: false, properties: { row: { type: 'string' } } } } },
    tags: { type: 'array', items: { type: 'string' } },
    meta: { type: 'object', additionalProperties: true },
    labels: { type: 'object', patternProperties: { '^.*$': { type: 'string' } } },
  },
};

describe('stripUnknownFields', () => {
  it('removes and names unknown members at any depth, inside arrays and unions', () => {
    const body = [
      { ticketId: 'a', colour: 'red', buyer: { email: 'x@y.z', nickname: 'n' }, props: { seating: { row: '1', gate: 'N' }, extra: 1 } },
      { ticketId: 'b', buyer: 'x@y.z', tags: ['t'] },
    ];
    const found = stripUnknownFields({ type: 'array', items: ticket }, body);
    expect(found.sort()).toEqual(['[0].buyer.nickname', '[0].colour', '[0].props.extra', '[0].props.seating.gate']);
    expect(body[0]).toEqual({ ticketId: 'a', buyer: { email: 'x@y.z' }, props: { seating: { row: '1' } } });
    expect(body[1]).toEqual({ ticketId: 'b', buyer: 'x@y.z', tags: ['t'] });
  });

  it('leaves free-form members alone and walks no deeper than the schema', () => {
    const body = { ticketId: 'a', meta: { anything: { deep: true } }, labels: { k: 'v' }, props: null };
    expect(stripUnknownFields(ticket, body)).toEqual([]);
    expect(body.meta).toEqual({ anything: { deep: true } });
  });

  it('keeps a member known to any branch of a union of objects', () => {
    const schema = { anyOf: [{ type: 'object', properties: { a: { type: 'number' } } }, { type: 'object', properties: { b: { type: 'number' } } }] };
    const body = { a: 1, b: 2, c: 3 };
    expect(stripUnknownFields(schema, body)).toEqual(['c']);
    expect(body).toEqual({ a: 1, b: 2 });
  });

  it('walks a single object given where the schema wants a list of them', () => {
    const body = { ticketId: 'a', typo: 1 };
    expect(stripUnknownFields({ type: 'array', items: ticket }, body)).toEqual(['typo']);
  });
});

describe('nestingDepthExceeds', () => {
  it('bounds the depth without recursion, even 100,000 levels deep', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestingDepthExceeds(deep, 32)).toBe(true);
    expect(nestingDepthExceeds({ a: [{ b: { c: [1, 2] } }] }, 32)).toBe(false);
    expect(nestingDepthExceeds('text', 1)).toBe(false);
  });
});

describe('stripUnknownFields with overlapping branches', () => {
  it('walks a member named by several branches against all of them', () => {
    const schema = {
      oneOf: [
        { type: 'object', properties: { kind: { type: 'string' }, settings: { type: 'object', additionalProperties: false, properties: { a: { type: 'number' } } } } },
        { type: 'object', properties: { kind: { type: 'string' }, settings: { type: 'object', additionalProperties: false, properties: { phases: { type: 'array' } } } } },
      ],
    };
    const body = { kind: 'x', settings: { phases: [1], a: 2, nope: 3 } };
    expect(stripUnknownFields(schema, body)).toEqual(['settings.nope']);
    expect(body.settings).toEqual({ phases: [1], a: 2 });
  });
});
