import type { FastifySchema } from 'fastify';

/**
 * What the forgiving edge (SPEC §1.1) adds to every route that takes a body, written into the
 * OpenAPI document by @fastify/swagger's `transform` (documentation only: it changes no validation).
 */
const STRICT_HEADER = {
  type: 'object',
  properties: {
    'Encore-Strict': {
      type: 'string',
      enum: ['true', 'false'],
      description:
        'Unknown fields in the body are ignored and named in `Encore-Ignored-Fields`; with `Encore-Strict: true` they are a 400 ' +
        '(`UNKNOWN_FIELD`, every path in `details.fields`): for integrators testing their client.',
    },
  },
};

const IGNORED_HEADER = {
  'Encore-Ignored-Fields': {
    type: 'string',
    description: 'The JSON paths of the body’s unknown fields that were ignored (comma-separated, at most 20), when there were any.',
  },
};

type Schema = Record<string, unknown>;

export function documentEdge({ schema: given, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  const schema = given as Schema | undefined;
  if (!schema || schema.body === undefined) return { schema: given, url };
  const response: Record<string, unknown> = {};
  for (const [status, value] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
    response[status] = /^2/.test(status) && typeof value === 'object' && value !== null ? { ...value, headers: IGNORED_HEADER } : value;
  }
  const headers = schema.headers ? { ...(schema.headers as Schema), properties: { ...((schema.headers as Schema).properties as Schema), ...STRICT_HEADER.properties } } : STRICT_HEADER;
  return { schema: { ...schema, headers, response }, url };
}
