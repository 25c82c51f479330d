import type { FastifyInstance } from 'fastify';
import { renderMarkdown, type OpenApiDocument } from './markdown.js';

export { renderMarkdown, type OpenApiDocument } from './markdown.js';

const tags = ['System'];

/**
 * The API reference: the OpenAPI 3.1 document @fastify/swagger builds from the route schemas, and a
 * Markdown rendering of it. The interactive reference at `/docs` is @fastify/swagger-ui (app.ts).
 *
 * `app.swagger()` is the decorator of the root instance (the swagger plugin is not encapsulated),
 * so it sees every route, this plugin's siblings included. It is called lazily, on the first
 * request, because routes registered after this plugin only exist once the app is ready; from then
 * on the route table cannot change, so both renderings are built once and cached.
 */
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  let json: string | undefined;
  let markdown: string | undefined;
  const document = (): OpenApiDocument => app.swagger() as unknown as OpenApiDocument;

  app.get('/api/openapi', {
    schema: {
      tags,
      summary: 'The OpenAPI 3.1 document',
      description: 'This API\'s contract, generated from the route schemas: every endpoint with its parameters, request and response schemas.',
      security: [],
      response: { 200: { description: 'The OpenAPI 3.1 document (JSON)', type: 'object', additionalProperties: true } },
    },
  }, async (_req, reply) => {
    json ??= JSON.stringify(document());
    // A string payload is sent as it is: the cached JSON is not serialized again.
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get('/api/docs.md', {
    schema: {
      tags,
      summary: 'The API reference in Markdown',
      description: 'A readable rendering of the OpenAPI document for agents and humans: auth, then per tag each endpoint with its parameters, request-body fields and responses.',
      security: [],
      response: { 200: { description: 'The reference as Markdown', content: { 'text/markdown': { schema: { type: 'string' } } } } },
    },
  }, async (_req, reply) => {
    markdown ??= renderMarkdown(document());
    return reply.type('text/markdown; charset=utf-8').send(markdown);
  });
}
