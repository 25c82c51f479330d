import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../../app/deps.js';
import { transferReceipt } from '../../../flows/ticket-transfer-receipt.js';
import { transferEligibility, transferTicket, type TransferEligibility } from '../../../flows/ticket-transfer.js';
import { AppError } from '../../../lib/app-error.js';
import { tenantOfShow } from '../../../modules/events/index.js';
import { messagesFor } from '../../i18n/messages.js';
import { href, pageContext, type Fan, type PageContext } from '../../shell/page-context.js';
import { seeOther, sendPage } from '../../shell/render.js';
import { transferMessages } from './transfer.messages.js';
import { TransferPage, type TransferField, type TransferFormState, type TransferView } from './transfer.view.js';

const Params = Type.Object({ showPk: Type.String({ minLength: 1, maxLength: 100 }) });
const Query = Type.Object({
  ticketId: Type.Optional(Type.String({ maxLength: 200 })),
  transferred: Type.Optional(Type.String({ maxLength: 100 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});
const TransferForm = Type.Object({
  _csrf: Type.String(),
  ticketId: Type.String({ minLength: 1, maxLength: 200 }),
  toEmail: Type.String({ maxLength: 400 }),
  toName: Type.Optional(Type.String({ maxLength: 400 })),
  confirm: Type.Optional(Type.String({ maxLength: 10 })),
  returnTo: Type.Optional(Type.String({ maxLength: 2048 })),
});

// The flow's own checks (ticket-transfer.ts), repeated so that every field's error shows at once.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_NAME = 300;

const notFound = (): AppError => new AppError('NOT_FOUND', 'this ticket does not exist or is not yours');

/** The show's tenant, then the page context in its brand (an unknown show is a plain 404 page). */
async function showContext(deps: Deps, request: FastifyRequest, reply: FastifyReply, showPk: string): Promise<PageContext> {
  const tenantId = await tenantOfShow(deps.db, showPk);
  if (tenantId === undefined) throw notFound();
  return pageContext(deps, request, reply, tenantId);
}

/** The fan's ticket as the page shows it; a ticket that is not theirs (or unknown) is the 404 page. */
async function eligibilityView(deps: Deps, ctx: PageContext, fan: Fan, showPk: string, ticketId: string, form?: TransferFormState): Promise<TransferView> {
  const e: TransferEligibility = await transferEligibility(deps, { tenantId: fan.tenantId, showPk, ticketId, email: fan.email, now: deps.clock.now() });
  if (e.ok) return { kind: 'eligible', eligibility: e, form };
  if (e.reason === 'TICKET_NOT_FOUND' || !e.ticket) throw notFound();
  return { kind: 'refused', eligibility: { ...e, ticket: e.ticket } };
}

/**
 * The transfer page (SPEC §4.1 item 8, the Smart Access Layer's P2P call to action) at the URL of
 * `transferPage`: `GET /{lang}/marketplace/shows/:showPk/transfer?ticketId=…` for the signed-in fan
 * who holds the ticket; its form POSTs to the same path and, once the ticket is given, 303s to
 * `?ticketId=…&transferred=<transferId>`, a state read back from the ticket's history.
 */
export function transferRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/marketplace/shows/:showPk/transfer', { schema: { params: Params, querystring: Query, hide: true } }, async (request, reply) => {
      const { showPk } = request.params;
      const q = request.query;
      const ctx = await showContext(deps, request, reply, showPk);
      if (!ctx.fan) return sendPage(reply, ctx, <TransferPage ctx={ctx} view={{ kind: 'signIn', next: `/${ctx.lang}${ctx.path}${ctx.search}` }} />);
      if (q.ticketId === undefined || q.ticketId === '') throw notFound();
      if (q.transferred !== undefined) {
        const receipt = await transferReceipt(deps, { tenantId: ctx.fan.tenantId, showPk, ticketId: q.ticketId, transferId: q.transferred, email: ctx.fan.email });
        if (receipt) return sendPage(reply, ctx, <TransferPage ctx={ctx} view={{ kind: 'done', receipt }} />);
      }
      return sendPage(reply, ctx, <TransferPage ctx={ctx} view={await eligibilityView(deps, ctx, ctx.fan, showPk, q.ticketId)} />);
    });

    app.post('/marketplace/shows/:showPk/transfer', { schema: { params: Params, body: TransferForm, hide: true } }, async (request, reply) => {
      const { showPk } = request.params;
      const body = request.body;
      const ctx = await showContext(deps, request, reply, showPk);
      // The session ended while the form was open: sign in, then back to the ticket's page.
      if (!ctx.fan) return sendPage(reply, ctx, <TransferPage ctx={ctx} view={{ kind: 'signIn', next: href(ctx, ['marketplace', 'shows', showPk, 'transfer'], { ticketId: body.ticketId }) }} />);
      const fan = ctx.fan;
      const m = messagesFor(transferMessages, ctx.lang);
      const form: TransferFormState = { toEmail: body.toEmail, toName: body.toName ?? '', confirmed: body.confirm === 'yes', errors: {} };
      const again = async (errors: Partial<Record<TransferField, string>>) =>
        sendPage(reply, ctx, <TransferPage ctx={ctx} view={await eligibilityView(deps, ctx, fan, showPk, body.ticketId, { ...form, errors })} />, 400);

      const to = body.toEmail.trim().toLowerCase();
      const name = form.toName.trim();
      const errors: Partial<Record<TransferField, string>> = {};
      if (to.length > 254 || !EMAIL.test(to) || CONTROL.test(to)) errors.toEmail = m.invalidEmail;
      else if (to === fan.email.trim().toLowerCase()) errors.toEmail = m.ownEmail;
      if (name.length > MAX_NAME || CONTROL.test(name)) errors.toName = m.invalidName;
      if (!form.confirmed) errors.confirm = m.confirmRequired;
      if (Object.keys(errors).length > 0) return again(errors);

      try {
        const done = await transferTicket(deps, { tenantId: fan.tenantId, ticketId: body.ticketId, showPk, fromEmail: fan.email, toEmail: to, toName: name === '' ? undefined : name, lang: ctx.lang });
        return seeOther(reply, href(ctx, ['marketplace', 'shows', showPk, 'transfer'], { ticketId: body.ticketId, transferred: done.transferId }));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'TRANSFER_TO_SELF') return again({ toEmail: m.ownEmail });
        if (err.code === 'VALIDATION_ERROR' && err.field === 'toEmail') return again({ toEmail: m.invalidEmail });
        if (err.code === 'VALIDATION_ERROR' && err.field === 'toName') return again({ toName: m.invalidName });
        if (err.code === 'TICKET_NOT_FOUND') throw notFound();
        // Refused on the ticket (listed, closed, used meanwhile): the page's GET says why, as the flow decided it.
        if (err.field === 'ticketId') return seeOther(reply, href(ctx, ['marketplace', 'shows', showPk, 'transfer'], { ticketId: body.ticketId }));
        throw err;
      }
    });
  };
}
