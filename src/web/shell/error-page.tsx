import { Layout } from './layout.js';
import type { PageContext } from './page-context.js';

/**
 * The friendly error pages, in the shell of the page's tenant when it is known: a browser never gets
 * JSON. 404 and 410 say what happened; 400 shows the safe message of the refusal; 403 is an expired
 * form; anything else is our fault, with the request id to quote.
 */
export function ErrorPage({ ctx, status, message, requestId }: { ctx: PageContext; status: number; message?: string | undefined; requestId: string }) {
  const s = ctx.shell;
  const [title, text] =
    status === 404
      ? [s.notFoundTitle, s.notFoundText]
      : status === 410
        ? [s.goneTitle, message ?? s.goneText]
        : status === 403
          ? [s.forbiddenTitle, s.forbiddenText]
          : status < 500
            ? [s.badRequestTitle, message ?? '']
            : [s.errorTitle, s.errorText];
  return (
    <Layout ctx={ctx} title={title} narrow>
      <section class="card center">
        <p class="status-code" aria-hidden="true">
          {status}
        </p>
        <h1>{title}</h1>
        <p>{text}</p>
        {status >= 500 ? <p class="muted small">{s.reference(requestId)}</p> : null}
        {status === 403 || status >= 500 ? (
          <p>
            <a class="button" href={`/${ctx.lang}${ctx.path}${ctx.search}`}>
              {s.tryAgain}
            </a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}
