import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';

// Placeholder until the sale URL endpoint lands (being written now).
export function saleUrlRoutes(_deps: Deps): FastifyPluginAsyncTypebox {
  return async () => {};
}
