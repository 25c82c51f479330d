import type { Deps } from '../app/deps.js';
import { withTx } from '../db/tx.js';
import { consumeOneTimeTokenInTx } from '../modules/auth-tokens/index.js';
import { startSessionInTx, type StartedSession } from '../modules/fan-sessions/index.js';

/**
 * Sign-in with a one-time token (SPEC §4.1 item 10, §5): `oneTimeToken` on a page URL is consumed
 * and a session started for its tenant and fan, in one transaction — a session that fails to start
 * leaves the token unused, and of two concurrent sign-ins with one token exactly one gets a session
 * (the token's row lock). A flow because it spans two modules (auth-tokens, fan-sessions).
 */

export interface OneTimeTokenSignIn extends StartedSession {
  /** The token's tenant: the session's. */
  tenantId: string;
  /** The fan's e-mail, lower-cased. */
  email: string;
}

export interface SignInOptions {
  /**
   * The tenant of the page the token came in on. A token of another tenant then answers null and
   * stays unused (rolled back): it opens no session here, and still opens its own tenant's pages.
   * Without it, the caller must compare the answer's `tenantId` with its page's.
   */
  tenantId?: string | undefined;
}

/** Thrown inside the transaction to roll back the consumption of another tenant's token. */
class OtherTenantToken extends Error {}

/**
 * The session cookie's token and expiry, with the tenant and fan; null when the one-time token is
 * unknown, already used, expired, or (with `opts.tenantId`) another tenant's — one answer for all.
 * `previousToken` (the cookie the browser carried) is ended in the same transaction.
 */
export async function signInWithOneTimeToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  oneTimeToken: string,
  previousToken?: string,
  opts: SignInOptions = {},
): Promise<OneTimeTokenSignIn | null> {
  try {
    return await withTx(deps.db, async (tx) => {
      const consumed = await consumeOneTimeTokenInTx(tx, deps, oneTimeToken);
      if (!consumed) return null;
      if (opts.tenantId !== undefined && consumed.tenantId !== opts.tenantId) throw new OtherTenantToken();
      const session = await startSessionInTx(tx, deps, { tenantId: consumed.tenantId, email: consumed.user, previousToken, method: 'one_time_token' });
      return { ...session, tenantId: consumed.tenantId, email: consumed.user };
    });
  } catch (err) {
    if (err instanceof OtherTenantToken) return null;
    throw err;
  }
}
