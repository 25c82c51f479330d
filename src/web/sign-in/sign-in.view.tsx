import { Csrf, Layout, ReturnTo } from '../shell/layout.js';
import { href, type PageContext } from '../shell/page-context.js';

export interface SignInFormProps {
  ctx: PageContext;
  /** Where to go once signed in: this page (a path on this site). */
  next: string;
  email?: string | undefined;
  error?: string | undefined;
}

/**
 * The email step: shown in place of any page that needs a signed-in fan, so the fan signs in where
 * they are and comes back to the same page. The tenant travels in the form (the code is its own).
 */
export function SignInForm({ ctx, next, email, error }: SignInFormProps) {
  const s = ctx.shell;
  return (
    <section class="card" aria-labelledby="signin-title">
      <h1 id="signin-title">{s.signInTitle}</h1>
      {ctx.signInLinkExpired ? (
        <p class="notice warn" role="status">
          {s.signInExpiredLink}
        </p>
      ) : null}
      <p>{s.signInIntro}</p>
      <form method="post" action={href(ctx, ['signin', 'code'])} class="stack">
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="tenant" value={ctx.brand?.tenantId ?? ''} />
        <input type="hidden" name="next" value={next} />
        <label for="signin-email">{s.email}</label>
        <input
          id="signin-email"
          name="email"
          type="email"
          autocomplete="email"
          required
          maxLength={254}
          value={email ?? ''}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'signin-error' : undefined}
        />
        {error ? (
          <p id="signin-error" class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button primary">
          {s.sendCode}
        </button>
      </form>
    </section>
  );
}

/** The code step. */
export function CodeForm({ ctx, next, email, error }: SignInFormProps & { email: string }) {
  const s = ctx.shell;
  return (
    <section class="card" aria-labelledby="code-title">
      <h1 id="code-title">{s.codeTitle}</h1>
      <p>{s.codeSentTo(email)}</p>
      <form method="post" action={href(ctx, ['signin', 'verify'])} class="stack">
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="tenant" value={ctx.brand?.tenantId ?? ''} />
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="email" value={email} />
        <label for="signin-code">{s.code}</label>
        <input
          id="signin-code"
          name="code"
          class="code"
          inputMode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'code-error' : undefined}
        />
        {error ? (
          <p id="code-error" class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button primary">
          {s.verify}
        </button>
      </form>
      <form method="post" action={href(ctx, ['signin', 'code'])} class="inline">
        <Csrf ctx={ctx} />
        <ReturnTo ctx={ctx} />
        <input type="hidden" name="tenant" value={ctx.brand?.tenantId ?? ''} />
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="restart" value="1" />
        <button type="submit" class="link">
          {s.useAnotherEmail}
        </button>
      </form>
    </section>
  );
}

/** A whole page that is only the sign-in form (a page that needs a fan, shown to nobody yet). */
export function SignInPage(props: SignInFormProps) {
  return (
    <Layout ctx={props.ctx} title={props.ctx.shell.signInTitle} narrow>
      <SignInForm {...props} />
    </Layout>
  );
}

export function CodePage(props: SignInFormProps & { email: string }) {
  return (
    <Layout ctx={props.ctx} title={props.ctx.shell.codeTitle} narrow>
      <CodeForm {...props} />
    </Layout>
  );
}
