import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { AppError } from '../../../lib/app-error.js';
import { pageContext, type PageContext } from '../../shell/page-context.js';

/** The seller pages' request plumbing: the tenant's page context, the 404, and the preview's JSON. */

/** One answer for an unknown id and for another fan's ticket or listing: nothing tells them apart. */
export const notFound = (): AppError => new AppError('NOT_FOUND', 'no such page');

/**
 * The page context of `tenantId`'s page, taken before anything can fail, so an error page wears the
 * tenant's brand; an unknown tenant is the 404 page.
 */
export async function tenantPage(deps: Deps, request: FastifyRequest, reply: FastifyReply, tenantId: string | undefined): Promise<PageContext> {
  if (tenantId === undefined) throw notFound();
  const ctx = await pageContext(deps, request, reply, tenantId);
  if (!ctx.brand) throw notFound();
  return ctx;
}

/** This page's own URL (what the sign-in form comes back to). */
export const thisPage = (ctx: PageContext): string => `/${ctx.lang}${ctx.path}${ctx.search}`;

/** The live preview's answer (encore.js reads it; never cached, it depends on the fan and the moment). */
export function sendPreview(reply: FastifyReply, status: number, body: Record<string, string>): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}

/** Route parameters and query ids: bounded strings; what they name (or not) is the 404's business. */
export const ID = { minLength: 1, maxLength: 200 } as const;
