import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { Deps } from '../../app/deps.js';
import { AppError } from '../../lib/app-error.js';
import { endSession, requestEmailCode, verifyEmailCode } from '../../modules/fan-sessions/index.js';
import { clearSessionCookie, setSessionCookie } from '../shell/cookies.js';
import { pageContext, type PageContext } from '../shell/page-context.js';
import { seeOther, sendPage } from '../shell/render.js';
import { CodePage, SignInPage } from './sign-in.view.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `next` is a path on this site in a language Encore speaks: never a way to another origin. */
export function safeNext(next: string | undefined, lang: string): string {
  if (next !== undefined && /^\/(es|en)\/[^/\\]/.test(next) && !next.includes('\\') && next.length <= 2048) return next;
  return `/${lang}/`;
}

const Form = Type.Object({
  _csrf: Type.String(),
  tenant: Type.String({ minLength: 1, maxLength: 64 }),
  next: Type.Optional(Type.String({ maxLength: 2048 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  code: Type.Optional(Type.String({ maxLength: 32 })),
  restart: Type.Optional(Type.String({ maxLength: 4 })),
});

async function tenantContext(deps: Deps, request: FastifyRequest, reply: FastifyReply, tenantId: string): Promise<PageContext> {
  const ctx = await pageContext(deps, request, reply, tenantId);
  if (!ctx.brand) throw new AppError('NOT_FOUND', 'no such page');
  return ctx;
}

/**
 * Sign-in by email code (SPEC §4.1, 10) and sign-out. The code is mailed through the outbox (read
 * at /dev/mail in development); every answer is the same whether or not the email has tickets.
 */
export function signInRoutes(deps: Deps, secure: boolean): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/signin', { schema: { querystring: Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 64 }), next: Type.Optional(Type.String({ maxLength: 2048 })) }), hide: true } }, async (request, reply) => {
      const ctx = await tenantContext(deps, request, reply, request.query.tenant);
      if (ctx.fan) return seeOther(reply, safeNext(request.query.next, ctx.lang));
      return sendPage(reply, ctx, h(SignInPage, { ctx, next: safeNext(request.query.next, ctx.lang) }));
    });

    app.post('/signin/code', { schema: { body: Form, hide: true } }, async (request, reply) => {
      const ctx = await tenantContext(deps, request, reply, request.body.tenant);
      const next = safeNext(request.body.next, ctx.lang);
      const email = (request.body.email ?? '').trim().toLowerCase();
      if (request.body.restart !== undefined) return sendPage(reply, ctx, h(SignInPage, { ctx, next }));
      if (!EMAIL.test(email) || email.length > 254) return sendPage(reply, ctx, h(SignInPage, { ctx, next, email, error: ctx.shell.invalidEmail }), 400);
      const sent = await requestEmailCode(deps, { tenantId: ctx.brand!.tenantId, email, ip: request.ip, lang: ctx.lang, tenantName: ctx.brand!.name });
      if (!sent.ok) {
        const minutes = Math.max(1, Math.ceil(sent.retryAfterSeconds / 60));
        return sendPage(reply, ctx, h(SignInPage, { ctx, next, email, error: ctx.shell.rateLimited(minutes) }), 429);
      }
      return sendPage(reply, ctx, h(CodePage, { ctx, next, email }));
    });

    app.post('/signin/verify', { schema: { body: Form, hide: true } }, async (request, reply) => {
      const ctx = await tenantContext(deps, request, reply, request.body.tenant);
      const next = safeNext(request.body.next, ctx.lang);
      const email = (request.body.email ?? '').trim().toLowerCase();
      const code = (request.body.code ?? '').replace(/\s/g, '');
      const result = await verifyEmailCode(deps, { tenantId: ctx.brand!.tenantId, email, code, previousToken: request.web.sessionToken });
      if (result.ok) {
        setSessionCookie(reply, result.session.token, secure);
        return seeOther(reply, next);
      }
      const s = ctx.shell;
      const error = result.reason === 'INVALID_CODE' ? s.invalidCode(result.triesLeft ?? 0) : result.reason === 'EXPIRED' ? s.codeExpired : s.tooManyTries;
      return sendPage(reply, ctx, h(CodePage, { ctx, next, email, error }), 400);
    });

    app.post('/signout', { schema: { body: Type.Object({ _csrf: Type.String(), next: Type.Optional(Type.String({ maxLength: 2048 })) }), hide: true } }, async (request, reply) => {
      if (request.web.sessionToken !== undefined) await endSession(deps, request.web.sessionToken);
      clearSessionCookie(reply, secure);
      return seeOther(reply, safeNext(request.body.next, request.web.lang));
    });
  };
}
