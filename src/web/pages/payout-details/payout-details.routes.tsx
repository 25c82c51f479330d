import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../../app/deps.js';
import { payoutDetailsView, savePayoutDetails } from '../../../flows/seller-tickets.js';
import { AppError } from '../../../lib/app-error.js';
import { IBAN_LENGTHS } from '../../../modules/payouts/index.js';
import { messagesFor } from '../../i18n/messages.js';
import { href } from '../../shell/page-context.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { sellerFan } from '../seller/seller.forms.js';
import { ID, tenantPage, thisPage } from '../seller/seller.http.js';
import { SignInInstead } from '../seller/seller.ui.js';
import { payoutDetailsMessages } from './payout-details.messages.js';
import { PAYOUT_FIELDS, PayoutDetailsPage, type PayoutField, type PayoutForm } from './payout-details.view.js';

const Params = Type.Object({ tenantId: Type.String(ID) });
const Query = Type.Object({
  edit: Type.Optional(Type.Literal('1')),
  done: Type.Optional(Type.Literal('saved')),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const Body = Type.Object({
  _csrf: Type.String(),
  holderName: Text(400),
  iban: Text(64),
  accountNumber: Text(64),
  bankCode: Text(40),
  country: Text(8),
  returnTo: Text(2048),
});

type Messages = (typeof payoutDetailsMessages)['en'];

/**
 * The payouts module's refusal (a VALIDATION_ERROR naming its field, in English for integrators) in
 * the fan's words, next to that field. What is wrong is read from the field and what was typed, with
 * the module's message only telling its cases apart.
 */
function fieldError(err: AppError, p: Messages, values: PayoutForm['values']): { field: PayoutField; text: string } | undefined {
  const field = PAYOUT_FIELDS.find((f) => f === err.field);
  if (!field) return undefined;
  const msg = err.message;
  const ibanCountry = (values.iban ?? '').replace(/[\s.-]/g, '').toUpperCase().replace(/^IBAN/, '').slice(0, 2);
  const country = (values.country ?? '').trim().toUpperCase();
  switch (field) {
    case 'holderName':
      return { field, text: /at most/.test(msg) ? p.holderTooLong : /control/.test(msg) ? p.holderInvalid : p.holderRequired };
    case 'iban': {
      if (/send the account|is empty/.test(msg)) return { field, text: p.ibanRequired };
      if (/does not use IBANs/.test(msg)) return { field, text: p.ibanCountryNoIban(ibanCountry) };
      const length = IBAN_LENGTHS[ibanCountry];
      if (/characters/.test(msg) && length !== undefined) return { field, text: p.ibanLength(ibanCountry, length) };
      return { field, text: p.ibanInvalid };
    }
    case 'accountNumber':
      return { field, text: /not both/.test(msg) ? p.accountBoth : /this is an IBAN/.test(msg) ? p.accountIsIban : p.accountInvalid };
    case 'bankCode':
      return { field, text: /only with accountNumber/.test(msg) ? p.bankCodeWithIban : p.bankCodeInvalid };
    case 'country':
      return { field, text: /only with accountNumber/.test(msg) ? p.countryWithIban : /have an IBAN/.test(msg) ? p.countryHasIban(country) : p.countryInvalid };
  }
}

/** A blank field is a field not given (the form always sends every input). */
const given = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

/**
 * Payout details (SPEC §4.1 item 7): GET the masked account or the form (`?edit=1` to change it), POST
 * to save it through the payouts module's own use case (the API's PUT): 303 back to the page, which
 * confirms and lists the payouts on their way.
 */
export function payoutDetailsRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/marketplace/tenants/:tenantId/payout-details', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, request.params.tenantId);
      const fan = sellerFan(ctx);
      if (!fan) return sendPage(reply, ctx, <SignInInstead ctx={ctx} title={messagesFor(payoutDetailsMessages, ctx.lang).title} next={thisPage(ctx)} />);
      const view = await payoutDetailsView(deps, fan);
      return sendPage(reply, ctx, <PayoutDetailsPage ctx={ctx} view={view} edit={request.query.edit === '1'} saved={request.query.done === 'saved'} />);
    });

    app.post('/marketplace/tenants/:tenantId/payout-details', { schema: { params: Params, body: Body, hide: true } }, async (request, reply) => {
      const ctx = await tenantPage(deps, request, reply, request.params.tenantId);
      const fan = sellerFan(ctx);
      const p = messagesFor(payoutDetailsMessages, ctx.lang);
      const self = href(ctx, ['marketplace', 'tenants', ctx.brand!.tenantId, 'payout-details']);
      if (!fan) return sendPage(reply, ctx, <SignInInstead ctx={ctx} title={p.title} next={self} />);
      const b = request.body;
      const values: PayoutForm['values'] = { holderName: b.holderName ?? '', iban: b.iban ?? '', accountNumber: b.accountNumber ?? '', bankCode: b.bankCode ?? '', country: b.country ?? '' };
      try {
        await savePayoutDetails(deps, fan, {
          holderName: b.holderName ?? '',
          iban: given(b.iban),
          accountNumber: given(b.accountNumber),
          bankCode: given(b.bankCode),
          country: given(b.country),
        });
        return seeOther(reply, href(ctx, ['marketplace', 'tenants', ctx.brand!.tenantId, 'payout-details'], { done: 'saved' }));
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'VALIDATION_ERROR') throw err;
        const e = fieldError(err, p, values);
        if (!e) throw err;
        // What was typed comes back in the form: the fan's own number, typed a second ago (retyping
        // 24 characters to fix one digit is worse), on a no-store page; never in a log or an error.
        const view = await payoutDetailsView(deps, fan);
        return sendPage(reply, ctx, <PayoutDetailsPage ctx={ctx} view={view} form={{ values, errors: { [e.field]: e.text } }} />, 400);
      }
    });
  };
}
