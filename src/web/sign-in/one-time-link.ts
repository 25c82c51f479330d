import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { signInWithOneTimeToken } from '../../flows/fan-sign-in.js';
import { setSessionCookie } from '../shell/cookies.js';

/**
 * SPEC §4.1, 10: a `oneTimeToken` on any page URL is consumed on arrival. A valid one opens a session
 * (rotating any session the browser had) and the fan is sent to the same URL without the token, so
 * the token never stays in the address bar, the history or a Referer. A used or expired token signs
 * no one in: the fan lands on the clean URL, whose sign-in form says the link has expired.
 */
export async function signInFromLink(deps: Deps, request: FastifyRequest, reply: FastifyReply, secure: boolean): Promise<void> {
  const q = request.url.indexOf('?');
  if (q < 0) return;
  const params = new URLSearchParams(request.url.slice(q + 1));
  const token = params.get('oneTimeToken');
  if (token === null) return;
  params.delete('oneTimeToken');
  const signedIn = token.length > 0 && token.length <= 200 ? await signInWithOneTimeToken(deps, token, request.web.sessionToken) : null;
  if (signedIn) setSessionCookie(reply, signedIn.token, secure);
  else params.set('signin', 'expired');
  const rest = params.toString();
  await reply
    .code(303)
    .header('location', `${request.url.slice(0, q)}${rest === '' ? '' : `?${rest}`}`)
    .header('cache-control', 'no-store')
    .send();
}
