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

/**
 * What the idempotency hook (api/shared/idempotency.ts) reads on every POST made with an API key.
 * Without it in the document a generated client has no typed way to send it (found by
 * test/generated-client: README tour, step 11).
 */
const IDEMPOTENCY_HEADER = {
  'Idempotency-Key': {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7e]+$',
    description:
      'Makes a retry safe: the first answer to this key (per tenant), success or refusal, is replayed byte for byte (with ' +
      '`Idempotent-Replayed: true`) to a retry with the same key and body. The same key with another request is ' +
      '`IDEMPOTENCY_KEY_REUSED`; while the first is still running, `IDEMPOTENCY_CONFLICT`.',
  },
};

const IGNORED_HEADER = {
  'Encore-Ignored-Fields': {
    type: 'string',
    description: 'The JSON paths of the body’s unknown fields that were ignored (comma-separated, at most 20), when there were any.',
  },
};

type Schema = Record<string, unknown>;

export function documentEdge({ schema: given, url, route }: { schema: FastifySchema; url: string; route?: { method: string | string[] } }): { schema: FastifySchema; url: string } {
  const schema = given as Schema | undefined;
  if (!schema) return { schema: given, url };
  // A route documented with `security: []` takes no key, so the idempotency hook never runs for it.
  const keyedPost = [route?.method ?? []].flat().includes('POST') && !(Array.isArray(schema.security) && schema.security.length === 0);
  const added = { ...(schema.body === undefined ? {} : STRICT_HEADER.properties), ...(keyedPost ? IDEMPOTENCY_HEADER : {}) };
  if (Object.keys(added).length === 0) return { schema: given, url };
  const headers = { type: 'object', ...(schema.headers as Schema | undefined), properties: { ...((schema.headers as Schema | undefined)?.properties as Schema | undefined), ...added } };
  if (schema.body === undefined) return { schema: { ...schema, headers }, url };
  const response: Record<string, unknown> = {};
  for (const [status, value] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
    response[status] = /^2/.test(status) && typeof value === 'object' && value !== null ? { ...value, headers: IGNORED_HEADER } : value;
  }
  return { schema: { ...schema, headers, response }, url };
}
