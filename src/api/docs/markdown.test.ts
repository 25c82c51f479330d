import { describe, expect, it } from 'vitest';
import { renderMarkdown, type OpenApiDocument } from './markdown.js';

const errorEnvelope = {
  description: 'Error envelope',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { status: { type: 'integer' }, errors: { type: 'array', items: { type: 'object' } } } },
    },
  },
};

function sampleDoc(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Shop API', version: '2.0.0', description: 'Sells things.\n\nLine two.' },
    servers: [{ url: 'https://shop.example/' }],
    security: [{ key: [] }],
    tags: [
      { name: 'Orders', description: 'Orders and their lines.' },
      { name: 'Unused', description: 'No operations: not rendered.' },
    ],
    components: {
      securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'your key' } },
      schemas: {
        Money: {
          type: 'object',
          required: ['amount'],
          properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', minLength: 3, maxLength: 3, default: 'EUR' } },
        },
        Node: {
          title: 'Node',
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
        },
      },
    },
    paths: {
      '/orders/{orderId}': {
        put: {
          tags: ['Orders'],
          summary: 'Replace an order',
          description: 'Full replace.\nEvery field.',
          parameters: [
            { name: 'orderId', in: 'path', required: true, description: 'the order', schema: { type: 'string', pattern: '^ord_' } },
            { name: 'mode', in: 'query', schema: { anyOf: [{ type: 'string', enum: ['fast'] }, { type: 'string', enum: ['safe'] }] } },
          ],
          requestBody: {
            required: true,
            description: 'The whole order.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['lines'],
                  properties: {
                    lines: {
                      type: 'array',
                      description: 'what is bought',
                      maxItems: 50,
                      items: {
                        type: 'object',
                        required: ['sku'],
                        properties: {
                          sku: { type: 'string' },
                          price: { $ref: '#/components/schemas/Money' },
                          status: { anyOf: [{ const: 'NEW', type: 'string' }, { const: 'DONE', type: 'string' }] },
                        },
                      },
                    },
                    note: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }], description: 'free text' },
                    delivery: {
                      oneOf: [
                        { title: 'Pickup', type: 'object', properties: { store: { type: 'string' } } },
                        { title: 'Shipping', type: 'object', properties: { address: { type: 'object', properties: { city: { type: 'string' } } } } },
                      ],
                    },
                    tree: { $ref: '#/components/schemas/Node' },
                    meta: { type: 'object', additionalProperties: { type: 'string' } },
                    settings: { type: 'object', additionalProperties: {}, description: 'Per kind:\n- A {x}\n- B {y}\nChecked on write.' },
                    labels: { type: ['array', 'null'], maxItems: 5, items: { type: 'object', properties: { text: { type: ['string', 'null'], maxLength: 9 } } } },
                    deep: {
                      type: 'object',
                      properties: { a: { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'string' } } } } } } } },
                    },
                  },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'Default Response',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { data: { type: 'object', properties: { id: { type: 'string' }, total: { $ref: '#/components/schemas/Money' } } } },
                  },
                },
              },
            },
            400: errorEnvelope,
            404: errorEnvelope,
          },
        },
      },
      '/ping': {
        get: { summary: 'Ping', security: [], responses: { 204: { description: 'Nothing' } } },
      },
    },
  };
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleDoc(), { bodyDepth: 3 });

  it('starts with the title, how to call the API, the description and an index', () => {
    expect(md).toMatch(/^# Shop API \(v2\.0\.0\)\n/);
    expect(md).toContain('- **Base URL:** `https://shop.example` — every path below is relative to it.');
    expect(md).toContain('- **Authentication:** API key in the `Authorization` header (your key).');
    expect(md).toContain('`https://shop.example/api/openapi`');
    expect(md).toContain('## Overview\n\nSells things.\n\nLine two.\n');
    expect(md).toContain('- **Orders**\n  - `PUT /orders/{orderId}` — Replace an order');
    // Untagged operations are grouped under "Other"; tags without operations are left out.
    expect(md).toContain('- **Other**\n  - `GET /ping` — Ping');
    expect(md).not.toContain('Unused');
  });

  it('renders an endpoint: heading, description, parameters', () => {
    expect(md).toContain('## Orders\n\nOrders and their lines.\n\n### PUT /orders/{orderId} — Replace an order\n\nFull replace.\nEvery field.\n');
    expect(md).toContain('- `orderId` (path, required, string, pattern `^ord_`) — the order');
    expect(md).toContain('- `mode` (query, optional, string) — One of: `fast`, `safe`.');
  });

  it('renders nested request-body fields with $refs resolved, unions as alternatives and a bounded depth', () => {
    expect(md).toContain('**Request body** (`application/json`, object, required):\n\nThe whole order.\n\n- `lines`');
    const body = md.slice(md.indexOf('**Request body**'), md.indexOf('**Responses:**'));
    expect(body).toContain(
      [
        '- `lines` (array of object, required, ≤ 50 items) — what is bought',
        '  - `sku` (string, required)',
        '  - `price` (object)',
        '    - `amount` (number, required, ≥ 0)',
        '    - `currency` (string, 3–3 chars) — Default: `"EUR"`.',
        '  - `status` (string) — One of: `NEW`, `DONE`.',
      ].join('\n'),
    );
    // `X | null`: X's constraints, the field's description.
    expect(body).toContain('- `note` (string | null, ≤ 200 chars) — free text');
    expect(body).toContain(
      [
        '- `delivery` (object)',
        '  - alternative 1: Pickup (object)',
        '    - `store` (string)',
        '  - alternative 2: Shipping (object)',
        '    - `address` (object)',
        '      - … 1 field (see the OpenAPI document)',
      ].join('\n'),
    );
    // A recursive schema stops at the first repetition.
    expect(body).toContain('- `tree` (object)\n  - `name` (string)\n  - `children` (array of Node (recursive))\n');
    expect(body).toContain('- `meta` (map of string to string)');
    // A multi-line description keeps its lines, indented under the item.
    expect(body).toContain('- `settings` (map of string to any) — Per kind:\n  - A {x}\n  - B {y}\n  Checked on write.\n');
    // 3.1 type lists.
    expect(body).toContain('- `labels` (array of object | null, ≤ 5 items)\n  - `text` (string | null, ≤ 9 chars)\n');
    expect(body).toContain('- `deep` (object)\n  - `a` (object)\n    - `b` (object)\n      - … 1 field (see the OpenAPI document)');
  });

  it('renders responses: success fields nested once, identical error responses grouped', () => {
    const responses = md.slice(md.indexOf('**Responses:**'));
    expect(responses).toContain(
      ['- `200` — OK', '  - `data` (object)', '    - `id` (string)', '    - `total` (object)', '      - … 2 fields'].join('\n'),
    );
    expect(responses).toContain('- `400`, `404` — Error envelope: `status`, `errors`');
    expect(md).toContain('### GET /ping — Ping\n\n*No authentication.*\n\n**Responses:**\n\n- `204` — Nothing');
  });

  it('is deterministic and ends with one newline', () => {
    expect(renderMarkdown(sampleDoc(), { bodyDepth: 3 })).toBe(md);
    expect(md.endsWith('\n')).toBe(true);
    expect(md.endsWith('\n\n')).toBe(false);
    expect(md).not.toMatch(/\n{3,}/);
  });
});
