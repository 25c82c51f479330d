import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { checkReturnTo, type Lang } from '../../lib/urls.js';
import { readSession } from '../../modules/fan-sessions/index.js';
import { DEFAULT_THEME, getMarketSettings, type Theme } from '../../modules/tenants/index.js';
import { messagesFor } from '../i18n/messages.js';
import { setSessionCookie } from './cookies.js';
import { csrfToken } from './csrf.js';
import { shellMessages } from './shell.messages.js';

/** Who the page is for: the integrator whose name, colours and logo it wears. */
export interface Brand {
  tenantId: string;
  name: string;
  theme: Theme;
  allowedOrigins: readonly string[];
}

/** The signed-in fan; only ever for the page's own tenant. */
export interface Fan {
  tenantId: string;
  email: string;
}

/** Per-request state the web plugin's hooks set before any page handler runs. */
export interface WebState {
  lang: Lang;
  /** The raw session cookie, when the browser sent one. */
  sessionToken: string | undefined;
  csrfSeed: string;
  /** The tenant of the page, once known: an error page raised later still wears its brand. */
  tenantId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    web: WebState;
  }
}

export type WebDeps = Deps;

export interface PageContext {
  deps: WebDeps;
  lang: Lang;
  /** The CSP nonces of this response's <script> and <style> elements (helmet draws one for each directive). */
  nonce: string;
  styleNonce: string;
  /** The value of every form's `_csrf` field. */
  csrf: string;
  brand: Brand | null;
  fan: Fan | null;
  /** An allowed `returnTo` of the URL (re-checked against the tenant's origins), else null. */
  returnTo: string | null;
  /** The current path after the language segment (`/marketplace/shows/…`) and its query, for the switcher and forms. */
  path: string;
  search: string;
  signInLinkExpired: boolean;
  shell: (typeof shellMessages)['en'];
}

function noncesOf(reply: FastifyReply): { script: string; style: string } {
  const n = (reply as FastifyReply & { cspNonce?: { script: string; style: string } }).cspNonce;
  return { script: n?.script ?? '', style: n?.style ?? '' };
}

/** The query without the one-time token (already consumed by the hook) and without the CSRF field. */
function cleanSearch(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete('oneTimeToken');
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

export async function brandOf(deps: WebDeps, tenantId: string): Promise<Brand | null> {
  try {
    const s = await getMarketSettings(deps.db, tenantId);
    return { tenantId, name: s.name, theme: s.theme, allowedOrigins: s.returnOrigins };
  } catch {
    return null;
  }
}

export const ENCORE_BRAND: Omit<Brand, 'tenantId'> = { name: 'Encore', theme: DEFAULT_THEME, allowedOrigins: [] };

/**
 * Everything a view needs to render for this request, for `tenantId`'s pages (null: a page that
 * belongs to no integrator, such as a 404). The fan is read from the session only when the session is
 * this tenant's: a session opened on another integrator's pages signs no one in here.
 */
export async function pageContext(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, tenantId: string | null): Promise<PageContext> {
  const brand = tenantId === null ? null : await brandOf(deps, tenantId);
  if (brand) request.web.tenantId = brand.tenantId;
  let fan: Fan | null = null;
  const token = request.web.sessionToken;
  if (brand && token !== undefined) {
    const session = await readSession(deps, token);
    if (session && session.tenantId === brand.tenantId) {
      fan = { tenantId: session.tenantId, email: session.email };
      // The expiry slid forward (at most hourly): the cookie's own max-age follows it.
      if (session.renewed) setSessionCookie(reply, token, deps.config.publicUrl.startsWith('https:'));
    }
  }
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as Record<string, unknown> | undefined;
  const rawReturnTo = typeof body?.returnTo === 'string' ? body.returnTo : typeof query?.returnTo === 'string' ? query.returnTo : undefined;
  let returnTo: string | null = null;
  if (brand && rawReturnTo !== undefined && rawReturnTo !== '') {
    try {
      returnTo = checkReturnTo(rawReturnTo, brand.allowedOrigins);
    } catch {
      returnTo = null; // never a way out to an origin the integrator did not allow
    }
  }
  const lang = request.web.lang;
  const pathOnly = request.url.split('?')[0] ?? '/';
  return {
    deps,
    lang,
    nonce: noncesOf(reply).script,
    styleNonce: noncesOf(reply).style,
    csrf: csrfToken(deps.secrets, request.web.csrfSeed),
    brand,
    fan,
    returnTo,
    path: pathOnly.replace(/^\/(es|en)(?=\/|$)/, '') || '/',
    search: cleanSearch(request.url),
    signInLinkExpired: query?.signin === 'expired',
    shell: messagesFor(shellMessages, lang),
  };
}

/**
 * A URL of this site in the context's language, from raw path segments (escaped here):
 * `href(ctx, ['marketplace', 'shows', showPk], { ticketId })`. The allowed returnTo travels along.
 */
export function href(ctx: Pick<PageContext, 'lang' | 'returnTo'>, segments: readonly string[], query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  if (ctx.returnTo !== null && !params.has('returnTo')) params.set('returnTo', ctx.returnTo);
  const s = params.toString();
  return `/${ctx.lang}/${segments.map((seg) => encodeURIComponent(seg)).join('/')}${s === '' ? '' : `?${s}`}`;
}

/** This very page in the other language (the switcher). */
export function inLang(ctx: Pick<PageContext, 'path' | 'search'>, lang: Lang): string {
  return `/${lang}${ctx.path}${ctx.search}`;
}
