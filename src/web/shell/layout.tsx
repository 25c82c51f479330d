import type { ComponentChildren } from 'preact';
import { LANGS } from '../../lib/urls.js';
import { assetUrl } from './assets.js';
import { inkOn } from './colors.js';
import { CSRF_FIELD } from './csrf.js';
import { ENCORE_BRAND, href, inLang, type PageContext } from './page-context.js';

export interface OpenGraph {
  title: string;
  description: string;
  url: string;
  image?: string | undefined;
}

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /** Sharing tags (the sale public URL); pages for one fan only stay out of search engines. */
  og?: OpenGraph | undefined;
  /** Narrow single-column pages (checkout, forms) read better at a form's width. */
  narrow?: boolean;
}

/** The hidden CSRF field every form carries. */
export function Csrf({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name={CSRF_FIELD} value={ctx.csrf} />;
}

/** The returnTo field forms carry so the way back survives a POST. */
export function ReturnTo({ ctx }: { ctx: PageContext }) {
  return ctx.returnTo === null ? null : <input type="hidden" name="returnTo" value={ctx.returnTo} />;
}

/**
 * The page shell: white-labelled with the tenant's name, colours and logo (Encore's own when the page
 * belongs to no tenant), the language switcher (this very page in the other language), the signed-in
 * fan with sign-out, and returnTo as the way back. The theme's colours are CSS variables in a
 * nonce'd <style>; there is no inline script or handler anywhere (the CSP forbids them).
 */
export function Layout({ ctx, title, children, og, narrow }: LayoutProps) {
  const brand = ctx.brand ?? { ...ENCORE_BRAND, tenantId: '' };
  const theme = brand.theme;
  const s = ctx.shell;
  const vars = `:root{--bg:${theme.background};--ink:${theme.text};--accent:${theme.accent};--accent-ink:${inkOn(theme.accent)}}`;
  return (
    <html lang={ctx.lang} data-server-now={ctx.deps.clock.now().toISOString()}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${brand.name}`}</title>
        {og ? null : <meta name="robots" content="noindex" />}
        {og ? (
          <>
            <meta name="description" content={og.description} />
            <meta property="og:type" content="website" />
            <meta property="og:site_name" content={brand.name} />
            <meta property="og:title" content={og.title} />
            <meta property="og:description" content={og.description} />
            <meta property="og:url" content={og.url} />
            <meta property="og:locale" content={ctx.lang === 'es' ? 'es_ES' : 'en_GB'} />
            {og.image ? <meta property="og:image" content={og.image} /> : null}
            <meta name="twitter:card" content="summary" />
          </>
        ) : null}
        {/* No favicon of our own: an empty one saves the browser's automatic /favicon.ico request (a 404). */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assetUrl('encore.css')} />
        <style nonce={ctx.styleNonce}>{vars}</style>
        <script src={assetUrl('encore.js')} defer nonce={ctx.nonce} />
      </head>
      <body>
        <a class="skip" href="#main">
          {s.skipToContent}
        </a>
        <header class="top">
          <div class="bar">
            <span class="brand">
              {theme.logoUrl ? <img src={theme.logoUrl} alt="" height={28} /> : null}
              <span>{brand.name}</span>
            </span>
            <nav class="lang" aria-label={s.language}>
              {LANGS.filter((l) => l !== ctx.lang).map((l) => (
                <a href={inLang(ctx, l)} hreflang={l} lang={l}>
                  {s.otherLanguageName}
                </a>
              ))}
            </nav>
          </div>
          {ctx.fan && ctx.brand ? (
            <div class="bar who">
              <span>{s.signedInAs(ctx.fan.email)}</span>
              <span class="who-actions">
                <a href={href(ctx, ['marketplace', 'tenants', ctx.brand.tenantId, 'tickets'])}>{s.myTickets}</a>
                <form method="post" action={href(ctx, ['signout'])} class="inline">
                  <Csrf ctx={ctx} />
                  <input type="hidden" name="next" value={`/${ctx.lang}${ctx.path}${ctx.search}`} />
                  <button type="submit" class="link">
                    {s.signOut}
                  </button>
                </form>
              </span>
            </div>
          ) : null}
        </header>
        <main id="main" class={narrow ? 'narrow' : undefined}>
          {children}
        </main>
        <footer class="foot">
          {ctx.returnTo !== null ? (
            <a class="back" href={ctx.returnTo}>
              {s.backTo(brand.name)}
            </a>
          ) : null}
          <span>{s.poweredBy}</span>
        </footer>
      </body>
    </html>
  );
}
