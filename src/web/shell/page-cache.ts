import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JSX } from 'preact';
import { TtlCache } from '../../lib/ttl-cache.js';
import { csrfToken } from './csrf.js';
import type { PageContext, WebDeps } from './page-context.js';
import { renderHtml, sendHtml } from './render.js';

/**
 * Public pages (the buy page, the sale link) for visitors who are not signed in: on an on-sale rush
 * everybody opens the same show page, so each process renders it at most once per PAGE_CACHE_MS and
 * answers the others from memory. What differs per response — the CSP nonces and the browser's CSRF
 * token — is cut out of the cached HTML and put back on every answer, so a cached page is exactly
 * the page that would have been rendered (up to PAGE_CACHE_MS old: a listing sold in that second may
 * still show, and the reservation refuses it as for the API's buy-mode cache). Signed-in fans, form
 * answers and errors are never cached.
 */
type Slot = 'script' | 'style' | 'csrf';

/** The page cut at every per-response value: `parts[0] + value(slots[0]) + parts[1] + …`. */
interface Template {
  parts: string[];
  slots: Slot[];
  status: number;
  frameOrigins: readonly string[];
}

/** Cuts `html` at each occurrence of the given values (random, 16+ bytes: they match nothing else). */
function templateOf(html: string, values: Record<Slot, string>): Pick<Template, 'parts' | 'slots'> {
  const found = (Object.keys(values) as Slot[])
    .filter((slot) => values[slot] !== '')
    .flatMap((slot) => {
      const at: { slot: Slot; index: number }[] = [];
      for (let i = html.indexOf(values[slot]); i >= 0; i = html.indexOf(values[slot], i + 1)) at.push({ slot, index: i });
      return at;
    })
    .sort((a, b) => a.index - b.index);
  const parts: string[] = [];
  const slots: Slot[] = [];
  let from = 0;
  for (const f of found) {
    parts.push(html.slice(from, f.index));
    slots.push(f.slot);
    from = f.index + values[f.slot].length;
  }
  parts.push(html.slice(from));
  return { parts, slots };
}

const templates = new TtlCache<Template>(1_000);

function noncesOf(reply: FastifyReply): { script: string; style: string } {
  const n = (reply as FastifyReply & { cspNonce?: { script: string; style: string } }).cspNonce;
  return { script: n?.script ?? '', style: n?.style ?? '' };
}

export interface BuiltPage {
  ctx: PageContext;
  page: JSX.Element;
  status?: number;
}

export async function sendPublicPage(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, build: () => Promise<BuiltPage>): Promise<FastifyReply> {
  const ttl = deps.config.pageCacheMs;
  if (ttl === 0 || request.web.sessionToken !== undefined) {
    const b = await build();
    return sendHtml(reply, renderHtml(b.page), b.ctx.brand?.allowedOrigins ?? [], b.status);
  }
  const key = `${request.web.lang} ${request.url}`;
  let entry = templates.get(key);
  if (!entry) {
    entry = build().then((b) => ({
      ...templateOf(renderHtml(b.page), { script: b.ctx.nonce, style: b.ctx.styleNonce, csrf: b.ctx.csrf }),
      status: b.status ?? 200,
      frameOrigins: b.ctx.brand?.allowedOrigins ?? [],
    }));
    templates.set(key, entry, ttl);
  }
  const t = await entry;
  const nonces = noncesOf(reply);
  const values: Record<Slot, string> = { script: nonces.script, style: nonces.style, csrf: t.slots.includes('csrf') ? csrfToken(deps.secrets, request.web.csrfSeed) : '' };
  let html = t.parts[0]!;
  for (let i = 0; i < t.slots.length; i++) html += values[t.slots[i]!] + t.parts[i + 1]!;
  return sendHtml(reply, html, t.frameOrigins, t.status);
}
