import type { FastifyReply } from 'fastify';
import type { JSX } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { PageContext } from './page-context.js';

/**
 * `frame-ancestors` is the tenant's allowed origins, so an integrator can embed its pages and nobody
 * else can frame them (clickjacking). Helmet writes the CSP before the page knows its tenant; the
 * directive is set here, once the tenant is known ('none' for pages of no tenant).
 */
function withFrameAncestors(csp: string, origins: readonly string[]): string {
  const value = origins.length === 0 ? "'none'" : ["'self'", ...origins].join(' ');
  const rest = csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !d.startsWith('frame-ancestors'));
  return [...rest, `frame-ancestors ${value}`].join(';');
}

/** A page as the HTML document a browser gets. */
export function renderHtml(page: JSX.Element): string {
  return `<!doctype html>${renderToString(page)}`;
}

/** Sends a page's HTML: no caching by the browser or a proxy (a fan's page), the tenant's frame-ancestors. */
export function sendHtml(reply: FastifyReply, html: string, frameOrigins: readonly string[], status = 200): FastifyReply {
  const csp = reply.getHeader('content-security-policy');
  if (typeof csp === 'string') void reply.header('content-security-policy', withFrameAncestors(csp, frameOrigins));
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** Sends a rendered page: HTML5 doctype, no caching of a fan's page, the tenant's frame-ancestors. */
export function sendPage(reply: FastifyReply, ctx: PageContext, page: JSX.Element, status = 200): FastifyReply {
  return sendHtml(reply, renderHtml(page), ctx.brand?.allowedOrigins ?? [], status);
}

/** A 303 after a POST (the browser then GETs the result, so reload never re-submits). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}
