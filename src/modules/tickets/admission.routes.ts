import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';

// Placeholder until admission lands (being written now).
export function admissionRoutes(_deps: Deps): FastifyPluginAsyncTypebox {
  return async () => {};
}
