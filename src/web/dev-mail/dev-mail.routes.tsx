import type { FastifyPluginAsync } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import type { Deps } from '../../app/deps.js';
import { recentMail, type MailRow } from '../../modules/mail/index.js';
import { assetUrl } from '../shell/assets.js';

/**
 * The dev mailbox (SPEC §4.1): the outbox's newest mails, so a newcomer following the README can read
 * a sign-in code without an SMTP server. Registered only when NODE_ENV is not `production`; English
 * only, for developers. Mails are shown as text (escaped), never as HTML.
 */
function Mailbox({ mails }: { mails: MailRow[] }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Dev mailbox · Encore</title>
        <link rel="stylesheet" href={assetUrl('encore.css')} />
      </head>
      <body>
        <header class="top">
          <div class="bar">
            <span class="brand">
              <span>Encore · dev mailbox</span>
            </span>
          </div>
        </header>
        <main id="main">
          <h1>Dev mailbox</h1>
          <p class="muted">
            The newest {mails.length} mails of the outbox, newest first. Mail is kept here when no <code>SMTP_URL</code> is set. Not served in production.
          </p>
          {mails.length === 0 ? <p class="notice">No mail yet.</p> : null}
          <ol class="mails">
            {mails.map((m) => (
              <li class="card">
                <p class="muted small">
                  {new Date(m.created_at).toISOString()} · {m.status} · to <strong>{m.to_address || '(erased)'}</strong>
                </p>
                <h2 class="mail-subject">{m.subject || '(erased)'}</h2>
                <pre class="mail-body">{m.text_body}</pre>
              </li>
            ))}
          </ol>
        </main>
      </body>
    </html>
  );
}

export function devMailPages(deps: Deps): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      const mails = await recentMail(deps, 50);
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(`<!doctype html>${renderToString(<Mailbox mails={mails} />)}`);
    });
  };
}
