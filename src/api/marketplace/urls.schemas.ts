import { Type } from '@sinclair/typebox';
import { Email, Method } from './auth-tokens.schemas.js';
import { IdRef as Id } from '../../lib/schema.js';
import { LangParam } from '../shared/lang.js';


const lang = LangParam;
const ReturnTo = (description: string) => Type.String({ minLength: 1, maxLength: 2000, description });
const ALLOWED = 'must be on one of your allowed return origins (400 `RETURN_TO_NOT_ALLOWED` otherwise)';

/**
 * Login trust, on every URL endpoint. Fastify's query-string parser keeps `loginTrust[user]` as a
 * literal key (it does not nest brackets), so the schema names the keys exactly as they arrive.
 */
const loginTrust = {
  'loginTrust[withMethod]': Type.Optional(Method('sign the fan in: how `loginTrust[user]` identifies them (`email`); give both or neither')),
  'loginTrust[user]': Type.Optional(Email('sign the fan in as this e-mail address: the URL carries a one-time token for them')),
};

export const BuyingFlowQuery = Type.Object({
  externalReferenceEventId: Id('your event id'),
  showId: Id('your show id'),
  ticketOptionId: Type.Optional(Id('show only listings of this ticket option of the show')),
  lang,
  returnTo: ReturnTo(`where the page sends the fan back; ${ALLOWED}`),
  ...loginTrust,
});

const optionalReturnTo = Type.Optional(ReturnTo(`Encore extension: where the page sends the fan back; ${ALLOWED}`));

export const SellTicketQuery = Type.Object({ ticketId: Id('your ticketId'), lang, returnTo: optionalReturnTo, ...loginTrust });
export const SellOrderQuery = Type.Object({ orderId: Id('the orderId your tickets were issued with'), lang, returnTo: optionalReturnTo, ...loginTrust });
export const SellDetailsQuery = Type.Object({
  ticketId: Id('your ticketId'),
  sellerEmail: Type.Optional(Email('only a listing by this seller')),
  lang,
  returnTo: optionalReturnTo,
  ...loginTrust,
});

export const UrlData = Type.String({ format: 'uri', examples: ['https://encore.example/es/marketplace/shows/shw_01jg…?returnTo=…'] });

/** The login-trust and common fields of a parsed query, as the service takes them. */
export function commonOf(q: { lang?: string; returnTo?: string; 'loginTrust[withMethod]'?: string; 'loginTrust[user]'?: string }) {
  return { lang: q.lang, returnTo: q.returnTo, loginTrust: { withMethod: q['loginTrust[withMethod]'], user: q['loginTrust[user]'] } };
}
