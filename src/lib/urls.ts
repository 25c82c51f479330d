import { AppError } from './app-error.js';

/**
 * The one builder of Encore's public URLs (the hosted pages that URL endpoints point fans to, SPEC §4
 * and §5). Every URL endpoint goes through it, so the base URL, the language, the escaping and the
 * sign-in and return parameters are handled in one place:
 *
 *   `${publicUrl}/${lang}/${segments…}?${query…}&returnTo=…&oneTimeToken=…`
 *
 * - `lang` is the first path segment: `es` or `en` (anything else is 400 `VALIDATION_ERROR` on `lang`).
 * - Path segments are Encore's own words and ids; each is percent-encoded, and `.`/`..`/empty segments
 *   are refused (a browser would resolve them away, so they cannot name anything). Integrator ids,
 *   which may be any string, belong in the query.
 * - Query values are percent-encoded (`encodeURIComponent`: a space is `%20`, never `+`); undefined
 *   values are left out; the order is the caller's, then `returnTo`, then `oneTimeToken` last.
 * - `returnTo` must be an http(s) URL on one of the tenant's allowed origins (no open redirects): a
 *   malformed URL is 400 `VALIDATION_ERROR`, a URL on another origin 400 `RETURN_TO_NOT_ALLOWED`,
 *   both on `returnTo`.
 *
 * Pure: no I/O, no clock.
 */

export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/**
 * `lang` negotiation (SPEC §1.1): any BCP 47 tag; its primary subtag, case-insensitive, picks `es`
 * or `en` (`es-AR` → es, `EN` → en); any other language, or none, falls back to the tenant's default.
 */
export function negotiateLang(tag: string | undefined, fallback: Lang): Lang {
  if (tag === undefined) return fallback;
  const primary = tag.trim().split(/[-_]/)[0]?.toLowerCase();
  return isLang(primary) ? primary : fallback;
}

export interface PublicUrlParams {
  lang: string;
  /** Query parameters, in order; undefined values are left out. */
  query?: Readonly<Record<string, string | undefined>>;
  /** A one-time token (SPEC §5) that signs the fan in on the hosted page. */
  oneTimeToken?: string | undefined;
  /** Where the hosted page sends the fan back; checked against `allowedOrigins`. */
  returnTo?: string | undefined;
  /** The tenant's allowed return origins (`https://shop.example`); required for `returnTo`. */
  allowedOrigins?: readonly string[];
}

/** The base URL without a trailing slash; its own path (`https://x.test/encore`) is kept. */
function baseOf(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`PUBLIC_URL "${publicUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`PUBLIC_URL "${publicUrl}" must be http(s)`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function encodeSegment(segment: string): string {
  // WHATWG URL parsing treats ".", "..", "%2e" and "%2e%2e" as dot segments whatever the escaping.
  if (segment === '' || segment === '.' || segment === '..') throw new Error(`"${segment}" cannot be a URL path segment`);
  return encodeURIComponent(segment);
}

/** The origin of an allowed `returnTo`, or an AppError naming `returnTo`. */
export function checkReturnTo(returnTo: string, allowedOrigins: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    throw new AppError('VALIDATION_ERROR', 'returnTo must be an absolute http(s) URL', { field: 'returnTo' });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw new AppError('VALIDATION_ERROR', 'returnTo must be an absolute http(s) URL', { field: 'returnTo' });
  }
  if (!allowedOrigins.includes(url.origin)) {
    // Its own code: the URL is well formed, the tenant's settings refuse it (fix the settings, not the URL).
    throw new AppError('RETURN_TO_NOT_ALLOWED', `returnTo must be on one of your allowed return origins (${url.origin} is not)`, {
      field: 'returnTo',
      details: { origin: url.origin },
    });
  }
  return url.href;
}

export function buildPublicUrl(publicUrl: string, segments: readonly string[], params: PublicUrlParams): string {
  if (!isLang(params.lang)) throw new AppError('VALIDATION_ERROR', `lang must be one of ${LANGS.join(', ')}`, { field: 'lang' });
  const path = [params.lang, ...segments].map(encodeSegment).join('/');
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(params.query ?? {})) if (value !== undefined) pairs.push([name, value]);
  if (params.returnTo !== undefined) pairs.push(['returnTo', checkReturnTo(params.returnTo, params.allowedOrigins ?? [])]);
  if (params.oneTimeToken !== undefined) pairs.push(['oneTimeToken', params.oneTimeToken]);
  const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${baseOf(publicUrl)}/${path}${query ? `?${query}` : ''}`;
}
