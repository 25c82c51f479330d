import type { FastifyInstance } from 'fastify';

// Placeholder until the docs module lands (being written now).
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/openapi', { schema: { hide: true } }, async () => app.swagger());
}
