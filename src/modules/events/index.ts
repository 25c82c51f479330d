import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';

// Placeholder until the events module lands (being written now).
export function eventsRoutes(_deps: Deps): FastifyPluginAsyncTypebox {
  return async () => {};
}
