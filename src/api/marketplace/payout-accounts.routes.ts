import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../app/deps.js';
import { getPayoutAccount, savePayoutAccount } from '../../modules/payouts/index.js';
import { actorOf, authenticate, tenantOf } from '../shared/auth.js';
import { Ok, errorResponses, ok } from './envelope.js';
import { PayoutAccountBody, PayoutAccountQuery, PayoutAccountView } from './payout-accounts.schemas.js';

/** Sellers' payout accounts (SPEC §4.1 item 7; an Encore extension for integrators that collect the details themselves). */
export function payoutAccountsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', authenticate(deps));

    app.put('/marketplace/sellers/payout-account', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Set a seller’s payout account (Encore extension)',
        description:
          'Where the seller’s payouts go: the holder’s name and an `iban` or, for a country that does not use IBANs, an `accountNumber` (with an ' +
          'optional `bankCode` and `country`). Creates the account or replaces it. A seller’s payouts are released only once it exists: payouts due ' +
          'before it stay SCHEDULED and are released by the next sweep. The number is stored encrypted and never answered: the answer shows its last ' +
          'four characters. A wrong field is 400 `VALIDATION_ERROR` naming it (`iban`, `accountNumber`, `holderName`, …).',
        body: PayoutAccountBody,
        response: { 200: Ok(PayoutAccountView), ...errorResponses() },
      },
    }, async (req) => ok(await savePayoutAccount(deps, actorOf(req), req.body)));

    app.get('/marketplace/sellers/payout-account', {
      schema: {
        tags: ['Marketplace'],
        summary: 'Get a seller’s payout account (Encore extension)',
        description: 'The seller’s payout account, masked (the last four characters of the number). 404 `PAYOUT_ACCOUNT_NOT_FOUND` when the seller has given none.',
        querystring: PayoutAccountQuery,
        response: { 200: Ok(PayoutAccountView), ...errorResponses(404) },
      },
    }, async (req) => ok(await getPayoutAccount(deps.db, tenantOf(req).tenantId, req.query.sellerEmail)));
  };
}
