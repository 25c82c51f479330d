import { describe, expect, it } from 'vitest';
import { useContext } from './harness.js';

/**
 * Nothing a client sends may produce a 500. Every route of the OpenAPI document gets hostile input —
 * wrong JSON types, nulls, NUL bytes, huge numbers, odd path parameters — with a valid key, and must
 * answer with a 4xx (or a 2xx) in its family's JSON envelope.
 */
const HOSTILE_BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  {},
  { a: { b: { c: [1, 2, { d: null }] } } },
  [{}, null, 'x'],
  { externalReferenceId: 'x\u0000y', title: '\u0000', url: 'http://\u0000' },
  { externalReferenceId: 'e', title: 't', description: 'd', location: {}, configuration: {}, shows: [{ showId: 's', date: '2027-01-01T00:00:00Z', ticketOptions: [{ ticketId: 't', title: 't', price: 1e308 }] }] },
  { externalReferenceId: 'e'.repeat(100_000) },
  [{ externalReferenceEventId: 'nope', ruleType: 'RESALE', rules: { enabled: 'yes' } }],
];
const HOSTILE_PARAMS = ['x', '%00', '%E2%80%AE', 'a'.repeat(5000), '..%2F..%2Fetc', "'; DROP TABLE events; --"];

describe('hostile input never produces a 500', () => {
  const ctx = useContext();

  it('every documented route answers 4xx/2xx JSON to hostile bodies and parameters', async () => {
    const t = await ctx.createTenant();
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const paths = Object.entries(doc.paths);
    expect(paths.length).toBeGreaterThan(5);
    let checked = 0;
    for (const [path, ops] of paths) {
      for (const method of Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
        for (const param of HOSTILE_PARAMS) {
          const url = path.replace(/\{[^}]+\}/g, param) + `?limit=${param}&offset=-1&showId=${param}`;
          const bodies = ['get', 'delete'].includes(method) ? [undefined] : HOSTILE_BODIES;
          for (const body of bodies) {
            const res = await ctx.app.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers: { authorization: t.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
              ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
            });
            expect(res.statusCode, `${method.toUpperCase()} ${url.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 80)}`).toBeLessThan(500);
            if (!path.startsWith('/docs') && res.statusCode >= 400) expect(() => res.json<unknown>()).not.toThrow();
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  }, 120_000);
});
