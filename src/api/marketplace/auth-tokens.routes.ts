import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../app/deps.js';
import { actorOf, authenticate } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { OneTimeTokenQuery } from './auth-tokens.schemas.js';
import { issueOneTimeToken } from '../../modules/auth-tokens/index.js';

export function authTokensRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.get('/auth/oneTimeToken', {
      schema: {
        tags: ['Auth'],
        summary: 'Generate a one-time token',
        description:
          'A token that signs the fan `user` in on Encore’s hosted pages: append `oneTimeToken=<token>` to any Encore URL. Random (256 bits), ' +
          'stored only as a SHA-256 hash, valid once and for 10 minutes, and only on your pages. `user` must be an e-mail address and `method` ' +
          '`email` (the default); anything else is 400 `VALIDATION_ERROR` naming the field. Every URL endpoint can issue one too, with ' +
          '`loginTrust[withMethod]=email&loginTrust[user]=<email>`.',
        querystring: OneTimeTokenQuery,
        response: { 200: Ok(Type.String({ minLength: 43, maxLength: 43, examples: ['q3Jx…43 base64url characters'] })), ...errorResponses() },
      },
    }, async (req) => ok(await issueOneTimeToken(deps, actorOf(req), { user: req.query.user, method: req.query.method })));
  };
}
