import SwaggerParser from '@apidevtools/swagger-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import type { OpenApiDocument, OperationObject } from './markdown.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** `/v1/webhooks/{id}` and `/v1/webhooks/:id` (any parameter names) compare equal. */
function normalizePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/:[^/]+/g, '{}').replace(/\*/g, '{}');
}

/**
 * Every method + path the router knows, read from `app.printRoutes({ commonPrefix: false })`: a tree
 * whose lines are `<indent>├── <segment> (GET, HEAD)`; a node's path is its ancestors' segments
 * concatenated. (Fastify has no public route list, and the app is already `ready`, so an `onRoute`
 * hook can no longer be added.)
 */
function routesFromPrintout(printout: string): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const stack: string[] = [];
  let current = '';
  for (const line of printout.split('\n')) {
    const node = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(.*)$/.exec(line);
    let methods: string | undefined;
    if (node) {
      const depth = node[1]!.length / 4;
      stack.length = depth;
      stack.push(node[2]!);
      current = stack.join('');
      methods = /^ \(([A-Z, ]+)\)/.exec(node[3]!)?.[1];
    } else {
      // A second variant of the same node (other constraints) is printed on a continuation line.
      methods = /^[│ ]*\s\(([A-Z, ]+)\)/.exec(line)?.[1];
    }
    for (const m of methods?.split(', ') ?? []) routes.push({ method: m.trim(), path: current });
  }
  return routes;
}

describe('API reference', () => {
  const ctx = useContext();
  let doc: OpenApiDocument;
  let raw: string;

  beforeAll(async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/openapi' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    raw = res.body;
    doc = JSON.parse(raw) as OpenApiDocument;
  });

  function operations(): { method: string; path: string; op: OperationObject }[] {
    return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m.toLowerCase()]).map((m) => ({ method: m, path, op: item[m.toLowerCase()] as OperationObject })),
    );
  }

  it('serves a valid OpenAPI 3.1 document, the same one on every call', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // SwaggerParser dereferences the document in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    const again = await ctx.app.inject({ method: 'GET', url: '/api/openapi' });
    expect(again.body).toBe(raw);
  });

  it('documents every route the app serves, and nothing else', () => {
    const routes = routesFromPrintout(ctx.app.printRoutes({ commonPrefix: false }))
      // HEAD routes are Fastify's automatic twins of GET routes; /docs is the interactive UI itself;
      // OPTIONS is answered on every path of a family (SPEC §1.1), described once in the document.
      // The hosted pages (HTML for browsers: /es, /en, their assets, the dev mailbox) are not the API.
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.path.startsWith('/docs'))
      // (@fastify/static's `/assets/*` prints as a bare `*` at the root.)
      .filter((r) => !/^\/(es|en|assets|dev\/mail)(\/|$)/.test(r.path) && r.path !== '*');
    // The parser must have understood the printout: routes of two different plugins are there.
    expect(routes).toContainEqual({ method: 'GET', path: '/health' });
    expect(routes).toContainEqual({ method: 'POST', path: '/v1/webhooks' });
    expect(routes).toContainEqual({ method: 'GET', path: '/api/docs.md' });

    const documented = new Set(operations().map((o) => `${o.method} ${normalizePath(o.path)}`));
    const served = new Set(routes.map((r) => `${r.method} ${normalizePath(r.path)}`));
    expect([...served].filter((r) => !documented.has(r)), 'routes missing from the OpenAPI document').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)), 'documented operations that no route serves').toEqual([]);
  });

  it('documents the forgiving edge: Encore-Strict on every route with a body, Encore-Ignored-Fields on its success', () => {
    const withBody = operations().filter((o) => (o.op as { requestBody?: unknown }).requestBody !== undefined);
    expect(withBody.length).toBeGreaterThan(20);
    for (const { method, path, op } of withBody) {
      const params = ((op as { parameters?: { in: string; name: string }[] }).parameters ?? []).map((p) => `${p.in}:${p.name}`);
      expect(params, `${method} ${path}`).toContain('header:Encore-Strict');
      const ok = Object.entries((op as { responses: Record<string, { headers?: Record<string, unknown> }> }).responses).find(([s]) => s.startsWith('2'));
      expect(Object.keys(ok?.[1].headers ?? {}), `${method} ${path}`).toContain('Encore-Ignored-Fields');
    }
    expect(doc.info.description).toContain('Encore-Ignored-Fields');
  });

  it('bounds every string and array a marketplace client sends (issue 9: limits at the edge, documented)', () => {
    // The purchase-intent family has its own sweep (test/purchase-intents-contract.test.ts).
    type Node = Record<string, unknown>;
    const typed = (n: Node, t: string) => n.type === t || (Array.isArray(n.type) && n.type.includes(t));
    const unbounded: string[] = [];
    const walk = (n: unknown, where: string): void => {
      if (n === null || typeof n !== 'object') return;
      const s = n as Node;
      if (typed(s, 'string') && s.maxLength === undefined && s.enum === undefined && s.format === undefined) unbounded.push(where);
      if (typed(s, 'array')) {
        if (s.maxItems === undefined) unbounded.push(`${where}[]`);
        walk(s.items, `${where}[]`);
      }
      for (const key of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((b) => walk(b, where));
      if (s.properties) for (const [k, v] of Object.entries(s.properties as Node)) walk(v, `${where}.${k}`);
    };
    for (const { method, path, op } of operations().filter((o) => o.path.startsWith('/v1'))) {
      const o = op as { requestBody?: { content?: Record<string, { schema?: unknown }> }; parameters?: { in: string; name: string; schema?: unknown }[] };
      walk(o.requestBody?.content?.['application/json']?.schema, `${method} ${path} body`);
      for (const p of o.parameters ?? []) if (p.in !== 'header') walk(p.schema, `${method} ${path} ${p.in}:${p.name}`);
    }
    expect(unbounded).toEqual([]);
  });

  it('has the webhooks routes', () => {
    const ops = new Set(operations().map((o) => `${o.method} ${o.path}`));
    for (const op of [
      'GET /v1/webhooks',
      'POST /v1/webhooks',
      'GET /v1/webhooks/{id}',
      'PUT /v1/webhooks/{id}',
      'DELETE /v1/webhooks/{id}',
      'GET /v1/webhooks/{id}/deliveries',
      'POST /v1/webhooks/deliveries/{id}/redeliver',
    ]) {
      expect(ops, op).toContain(op);
    }
  });

  it('gives every operation a summary, a declared tag, a success response, its path parameters and its body', () => {
    const declaredTags = new Set((doc.tags ?? []).map((t) => t.name));
    const problems: string[] = [];
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      if (!op.summary?.trim()) problems.push(`${where}: no summary`);
      if (!op.tags?.length) problems.push(`${where}: no tag`);
      for (const t of op.tags ?? []) if (!declaredTags.has(t)) problems.push(`${where}: tag "${t}" is not declared in app.ts`);
      const statuses = Object.keys(op.responses ?? {});
      if (!statuses.some((s) => /^2\d\d$/.test(s))) problems.push(`${where}: no 2xx response`);
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
        if (!op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required)) problems.push(`${where}: path parameter ${name} undocumented`);
      }
      if (op.requestBody) {
        // Fastify validates exactly the body schema that documents it; an empty one validates nothing.
        const schema = op.requestBody.content?.['application/json']?.schema;
        if (!schema || Object.keys(schema).length === 0) problems.push(`${where}: request body without a JSON schema`);
      }
      if (method === 'GET' || method === 'DELETE') {
        if (op.requestBody) problems.push(`${where}: ${method} with a request body`);
      }
    }
    expect(problems).toEqual([]);
    // Body-taking writes are documented with their body (the rest, like redeliver, take none).
    for (const path of ['/v1/webhooks', '/v1/webhooks/{id}']) {
      const item = doc.paths![path]!;
      for (const m of ['post', 'put'] as const) {
        const op = item[m] as OperationObject | undefined;
        if (op) expect(op.requestBody?.content?.['application/json']?.schema, `${m} ${path}`).toBeTruthy();
      }
    }
  });

  it('serves the Markdown rendering with every endpoint', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/docs.md' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    const md = res.body;
    expect(md).toMatch(/^# Encore API/);
    expect(md).toContain('### POST /v1/webhooks — Create a webhook endpoint');
    expect(md).toContain('- `url` (string, required, 1–2000 chars)');
    expect(md).toContain('**Authentication:** API key in the `Authorization` header');
    for (const { method, path } of operations()) expect(md).toContain(`### ${method} ${path}`);
    const again = await ctx.app.inject({ method: 'GET', url: '/api/docs.md' });
    expect(again.body).toBe(md);
  });

  it('serves the interactive reference at /docs', async () => {
    let res = await ctx.app.inject({ method: 'GET', url: '/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      const location = new URL(String(res.headers.location), 'http://encore.test/docs');
      res = await ctx.app.inject({ method: 'GET', url: location.pathname + location.search });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });
});
