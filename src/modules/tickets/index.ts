import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';

// Placeholder until the tickets module lands (being written now).
export function ticketsRoutes(_deps: Deps): FastifyPluginAsyncTypebox {
  return async () => {};
}
