import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { Deps } from '../app/deps.js';
import { AppError, ERROR_CODES } from '../lib/app-error.js';
import { LANGS, type Lang } from '../lib/urls.js';
import { devMailPages } from './dev-mail/dev-mail.routes.js';
import { pageRoutes } from './pages/index.js';
import { ASSETS_DIR } from './shell/assets.js';
import { CSRF_COOKIE, SESSION_COOKIE, cookieOptions } from './shell/cookies.js';
import { checkCsrf, newCsrfSeed } from './shell/csrf.js';
import { ErrorPage } from './shell/error-page.js';
import { pageContext } from './shell/page-context.js';
import { sendPage } from './shell/render.js';
import { signInFromLink } from './sign-in/one-time-link.js';

/** Form bodies are small (a price, an email, a card number); a page never takes more. */
const FORM_BODY_LIMIT = 16 * 1024;

/**
 * The hosted pages (SPEC §4.1): `/{lang}/…` for each language Encore speaks, the static assets under
 * `/assets/`, and the dev mailbox at `/dev/mail` outside production. Everything here is in its own
 * Fastify context, so the cookie, form-body, CSP and error handling apply to pages only and the two
 * API families keep theirs.
 */
export function webPages(deps: Deps): FastifyPluginAsync {
  return async (app) => {
    const secure = deps.config.publicUrl.startsWith('https:');
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
    await app.register(helmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          // Scripts and styles: our own files and the nonce'd theme <style>; no inline handler can run.
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'https:', 'data:'],
          fontSrc: ["'none'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          // Replaced per page by the tenant's allowed origins (shell/render.ts).
          frameAncestors: ["'none'"],
          ...(secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      // Pages are embeddable by the tenant's origins (frame-ancestors); the legacy header cannot say that.
      frameguard: false,
      crossOriginEmbedderPolicy: false,
      hsts: secure,
    });
    await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: '/assets/', decorateReply: false, immutable: true, maxAge: '365d', index: false });
    app.decorateRequest('web', null as never);
    for (const lang of LANGS) await app.register(langPages(deps, lang, secure), { prefix: `/${lang}` });
    if (deps.config.devMailbox) await app.register(devMailPages(deps), { prefix: '/dev/mail' });
  };
}

/** What a thrown error becomes on a page: its status and, for a 4xx, the safe message to show. */
function statusOf(err: FastifyError | AppError): number {
  if (err instanceof AppError) return ERROR_CODES[err.code];
  const s = err.statusCode ?? 500;
  return s >= 400 && s < 600 ? s : 500;
}

function langPages(deps: Deps, lang: Lang, secure: boolean): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      let seed = request.cookies[CSRF_COOKIE];
      if (seed === undefined || !/^[\w-]{20,40}$/.test(seed)) {
        seed = newCsrfSeed();
        void reply.setCookie(CSRF_COOKIE, seed, cookieOptions(secure));
      }
      request.web = { lang, sessionToken: request.cookies[SESSION_COOKIE], csrfSeed: seed, tenantId: null };
      if (request.method === 'GET') await signInFromLink(deps, request, reply, secure);
    });
    app.addHook('preValidation', async (request) => {
      if (request.method === 'POST') checkCsrf(deps.secrets, request.cookies[CSRF_COOKIE], request);
    });
    app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = statusOf(err);
      if (status >= 500) request.log.error({ err }, 'page failed');
      const ctx = await pageContext(deps, request, reply, request.web?.tenantId ?? null).catch(() => null);
      if (!ctx) return reply.code(status).type('text/plain; charset=utf-8').send(`${status}`);
      return sendPage(reply, ctx, h(ErrorPage, { ctx, status, message: status < 500 ? err.message : undefined, requestId: request.id }), status);
    });
    app.setNotFoundHandler(async (request, reply) => {
      request.web ??= { lang, sessionToken: undefined, csrfSeed: newCsrfSeed(), tenantId: null };
      const ctx = await pageContext(deps, request, reply, null);
      return sendPage(reply, ctx, h(ErrorPage, { ctx, status: 404, requestId: request.id }), 404);
    });
    await app.register(pageRoutes(deps, secure));
  };
}
