import { beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../../test/harness.js';
import { useContext } from '../../test/harness.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../lib/app-error.js';
import { sellDecision, type SellWindow } from '../modules/access-layer/index.js';
import type { Actor } from '../modules/audit/index.js';
import type { TransferSettings } from '../modules/events/index.js';
import { listOk, priced, sellerTenant, setRules, syncTickets, type Seller } from '../modules/listings/listings.fixtures.js';
import { admitTicket, changeTicketOwners, issueTicketsForIntent, transferDecision, transferWindowOpen, updateTicket, type TicketHistoryKind } from '../modules/tickets/index.js';
import { auditOf, call, historyOf, ticketRow, webhooksOf } from '../modules/tickets/tickets.fixtures.js';
import { sellMode } from './access-layer-sell.js';
import { transferEligibility, transferTicket, type TransferInput } from './ticket-transfer.js';

/**
 * The fan-to-fan transfer (SPEC §4.1 item 8, issue 12) on the real database: tickets, events and
 * rules through the real endpoints, admission through the real admission service, mails and
 * webhooks read from their outboxes.
 */

const OPEN = '2027-05-01T10:00:00Z';
/** The `solo` show starts 2027-06-01T19:00Z; its TRANSFER rule closes 2 hours before. */
const CLOSES = '2027-06-01T17:00:00.000Z';

const refusedBy = async (p: Promise<unknown>): Promise<{ code: string; field: string | undefined; details: Record<string, unknown> | undefined }> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, field: err.field, details: err.details };
    throw err;
  }
  throw new Error('expected a refusal');
};

async function mailsOf(ctx: TestContext, tenantId: string, ref: string) {
  return ctx.deps.db.selectFrom('mail_outbox').selectAll().where('tenant_id', '=', tenantId).where('ref', '=', ref).orderBy('id').execute();
}

async function showPkOf(ctx: TestContext, tenantId: string, ticketId: string): Promise<string> {
  return (await ticketRow(ctx, tenantId, ticketId))!.show_pk;
}

describe('ticket transfer: a fan gives a ticket to another e-mail', () => {
  const ctx = useContext({ clock: 'manual' });
  let shop: Seller;
  let other: Seller;
  let soloPk: string;
  let gate: Actor;

  const input = (ticketId: string, extra: Partial<TransferInput> = {}): TransferInput => ({
    tenantId: shop.tenantId,
    ticketId,
    showPk: soloPk,
    fromEmail: `${ticketId}@fans.example`.toLowerCase(),
    toEmail: 'friend@mates.example',
    lang: 'en',
    ...extra,
  });
  const eligibility = (ticketId: string, email = `${ticketId}@fans.example`.toLowerCase(), showPk = soloPk, tenantId = shop.tenantId) =>
    transferEligibility(ctx.deps, { tenantId, showPk, ticketId, email, now: ctx.clock!.now() });

  beforeAll(async () => {
    ctx.clock!.set(OPEN);
    shop = await sellerTenant(ctx, 'transfer-shop');
    other = await sellerTenant(ctx, 'transfer-other');
    gate = { tenantId: shop.tenantId, label: 'gate' };
    await setRules(ctx, shop.key, [
      { externalReferenceEventId: 'solo', ruleType: 'TRANSFER', rules: { enabled: true, closesHoursBeforeShow: 2 } },
      // The most specific rule wins: VIP tickets of the same show cannot be given away.
      { externalReferenceEventId: 'solo', ticketOptionId: 'vip', ruleType: 'TRANSFER', rules: { enabled: false } },
    ]);
    await setRules(ctx, other.key, [{ externalReferenceEventId: 'solo', ruleType: 'TRANSFER', rules: { enabled: true } }]);
    await syncTickets(ctx, shop.key, [
      priced('TR-1', 30, { props: { seating: { section: 'B', row: '7', seat: '12' } } }),
      ...['TR-SELF', 'TR-USED', 'TR-DEL', 'TR-LIST', 'TR-LATE', 'TR-RACE', 'TR-MAIL'].map((id) => priced(id)),
      priced('TR-VIP', 90, { ticketOptionId: 'vip' }),
      priced('TR-DUO', 30, { externalReferenceEventId: 'duo', showId: 'd1' }),
    ]);
    soloPk = await showPkOf(ctx, shop.tenantId, 'TR-1');
  });

  it('happy path: the owner changes, the old code is refused at the gate, the new one admits, webhook and mails go out', async () => {
    ctx.clock!.set(OPEN);
    const before = (await ticketRow(ctx, shop.tenantId, 'TR-1'))!;

    const ok = await eligibility('TR-1');
    expect(ok).toEqual({
      ok: true,
      availableUntil: new Date(CLOSES),
      ticket: {
        ticketId: 'TR-1',
        showPk: soloPk,
        externalReferenceEventId: 'solo',
        eventName: 'Concert',
        showId: 'main',
        showTitle: null,
        showStartsAt: new Date('2027-06-01T19:00:00Z'),
        timeZone: 'Europe/Madrid',
        ticketOptionId: 'ga',
        ticketOptionName: 'General',
        seat: { section: 'B', row: '7', seat: '12' },
      },
    });

    const result = await transferTicket(ctx.deps, input('TR-1', { fromEmail: 'TR-1@Fans.example', toEmail: ' Luis@Mates.example ', toName: 'Luis Pérez Gómez', lang: 'es' }));
    expect(result).toMatchObject({
      transferId: expect.stringMatching(/^trf_/),
      previousOwnerEmail: 'tr-1@fans.example',
      newOwnerEmail: 'luis@mates.example',
      transferredAt: new Date(OPEN),
      ticket: { ticketId: 'TR-1', eventName: 'Concert' },
    });

    // The ticket: new owner (name split into the reference's buyer), code rotated, waiting LOCKED.
    const row = (await ticketRow(ctx, shop.tenantId, 'TR-1'))!;
    expect(row).toMatchObject({
      status: 'VALID',
      buyer: { email: 'luis@mates.example', firstName: 'Luis', lastName: 'Pérez Gómez' },
      buyer_email: 'luis@mates.example',
      access_locator: '',
      access_status: 'LOCKED',
      access_reissue_pending: true,
      superseded_locators: ['https://t.example/TR-1'],
      access_version: before.access_version + 1,
      content_hash: before.content_hash,
    });
    expect((await historyOf(ctx, shop.tenantId, 'TR-1')).at(-1)).toMatchObject({
      kind: 'TRANSFERRED' satisfies TicketHistoryKind,
      actor: 'transfer',
      data: { transferId: result.transferId, previousOwnerEmail: 'tr-1@fans.example', newOwnerEmail: 'luis@mates.example', newOwnerName: 'Luis Pérez Gómez' },
    });
    expect((await auditOf(ctx, shop.tenantId, 'ticket.owner_changed')).filter((a) => a.entity_id === 'TR-1')).toMatchObject([
      { before: { ownerEmail: 'tr-1@fans.example' }, after: { ownerEmail: 'luis@mates.example', reason: 'USER_TRANSFER', transferId: result.transferId } },
    ]);

    // The webhook says why: ticket.updated typed USER_TRANSFER.
    const hooks = (await webhooksOf(ctx, shop.tenantId, 'ticket.updated')).map((h) => h.message as { type?: string; data: Record<string, unknown> }).filter((m) => m.data.id === 'TR-1');
    expect(hooks).toEqual([
      {
        family: 'ticket',
        action: 'ticket.updated',
        type: 'USER_TRANSFER',
        data: { id: 'TR-1', newOwnerEmail: 'luis@mates.example', previousOwnerEmail: 'tr-1@fans.example', transferId: result.transferId, newOwnerName: 'Luis Pérez Gómez' },
      },
    ]);

    // Two mails in Spanish, in the outbox: the receiver's and the sender's copy.
    const mails = await mailsOf(ctx, shop.tenantId, result.transferId);
    expect(mails.map((m) => [m.id, m.kind, m.to_address, m.status])).toEqual([
      [result.mails.receiver, 'ticket.transfer.received', 'luis@mates.example', 'PENDING'],
      [result.mails.sender, 'ticket.transfer.sent', 'tr-1@fans.example', 'PENDING'],
    ]);
    const [toReceiver, toSender] = mails;
    expect(toReceiver!.subject).toBe('tr-1@fans.example te ha enviado una entrada para Concert');
    expect(toReceiver!.text_body).toContain('Hola, Luis Pérez Gómez:');
    expect(toReceiver!.text_body).toContain('Función: martes, 1 de junio de 2027, 21:00 (Europe/Madrid)');
    expect(toReceiver!.text_body).toContain('Entrada: General (Sector B, Fila 7, Asiento 12)');
    expect(toReceiver!.text_body).toContain('transfer-shop te enviará su nuevo código de acceso');
    expect(toReceiver!.text_body).toContain(`http://encore.test/es/marketplace/tenants/${shop.tenantId}/tickets`);
    expect(toSender!.subject).toBe('Has transferido tu entrada para Concert a luis@mates.example');
    expect(toSender!.text_body).toContain('Luis Pérez Gómez <luis@mates.example>');

    // At the gate: the giver's code is refused as superseded; the integrator re-issues, the new code admits.
    expect(await refusedBy(admitTicket(ctx.deps, gate, 'TR-1', { entryDate: '2027-06-01T19:30:00Z', locator: 'https://t.example/TR-1' }))).toMatchObject({
      code: 'ACCESS_CODE_SUPERSEDED',
      field: 'locator',
    });
    await updateTicket(ctx.deps, { tenantId: shop.tenantId, label: 'integrator' }, 'TR-1', { ticketAccess: { type: 'URL', locator: 'https://t.example/TR-1-luis' } });
    expect(await admitTicket(ctx.deps, gate, 'TR-1', { entryDate: '2027-06-01T19:30:00Z', locator: 'https://t.example/TR-1-luis' })).toMatchObject({ admitted: true, repeated: false });

    // The giver no longer holds it: the same answer as for any ticket that is not theirs.
    expect(await eligibility('TR-1')).toEqual({ ok: false, reason: 'TICKET_NOT_FOUND' });
  });

  it('English mails without a name; the receiver may give the ticket on', async () => {
    ctx.clock!.set(OPEN);
    const first = await transferTicket(ctx.deps, input('TR-MAIL', { toEmail: 'ana@mates.example' }));
    const [toReceiver, toSender] = await mailsOf(ctx, shop.tenantId, first.transferId);
    expect(toReceiver!.subject).toBe('tr-mail@fans.example sent you a ticket for Concert');
    expect(toReceiver!.text_body).toMatch(/^tr-mail@fans\.example has transferred a ticket to you:/);
    expect(toReceiver!.text_body).toContain('Show: Tuesday, 1 June 2027 at 21:00 (Europe/Madrid)');
    expect(toReceiver!.text_body).toContain('Ticket: General\n');
    expect(toSender!.subject).toBe('You transferred your ticket for Concert to ana@mates.example');
    expect((await ticketRow(ctx, shop.tenantId, 'TR-MAIL'))!.buyer).toEqual({ email: 'ana@mates.example' });

    const second = await transferTicket(ctx.deps, input('TR-MAIL', { fromEmail: 'ana@mates.example', toEmail: 'third@mates.example' }));
    expect(second).toMatchObject({ previousOwnerEmail: 'ana@mates.example', newOwnerEmail: 'third@mates.example' });
    // Re-transferred before the integrator re-issued it: '' is no code to supersede.
    expect((await ticketRow(ctx, shop.tenantId, 'TR-MAIL'))).toMatchObject({ superseded_locators: ['https://t.example/TR-MAIL'], buyer_email: 'third@mates.example' });
  });

  it('keeps a name given in two parts as given (a checkout’s holder fields), and joins it for the webhook', async () => {
    ctx.clock!.set(OPEN);
    await syncTickets(ctx, shop.key, [priced('TR-NAME')]);
    const newOwner = { email: 'Mj@Mates.example', firstName: ' María José ', lastName: 'García' };
    await withTx(ctx.deps.db, (tx) =>
      changeTicketOwners(tx, ctx.deps, { tenantId: shop.tenantId, label: 'test' }, { tenantId: shop.tenantId, ticketIds: ['TR-NAME'], newOwner, reason: { type: 'USER_TRANSFER', transferId: 'trf_test' }, now: ctx.clock!.now() }),
    );
    expect((await ticketRow(ctx, shop.tenantId, 'TR-NAME'))!).toMatchObject({ buyer: { email: 'Mj@Mates.example', firstName: 'María José', lastName: 'García' }, buyer_email: 'mj@mates.example' });
    const hook = (await webhooksOf(ctx, shop.tenantId, 'ticket.updated')).find((h) => h.message.data.id === 'TR-NAME');
    expect(hook?.message.data).toMatchObject({ transferId: 'trf_test', newOwnerName: 'María José García' });
  });

  it('refuses the receiver: not an e-mail, the sender themselves, a name with control characters — before anything is read', async () => {
    ctx.clock!.set(OPEN);
    for (const toEmail of ['', 'nobody', 'a@b', 'two words@x.example', 'x@y.example\u0000']) {
      expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { toEmail })))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'toEmail' });
    }
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { toEmail: 'TR-self@FANS.example' })))).toMatchObject({ code: 'TRANSFER_TO_SELF', field: 'toEmail' });
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { toName: 'Eve\nBcc: x@y.example' })))).toMatchObject({ code: 'VALIDATION_ERROR', field: 'toName' });
    expect((await ticketRow(ctx, shop.tenantId, 'TR-SELF'))!.buyer_email).toBe('tr-self@fans.example');
  });

  it('a ticket that is not the fan’s is TICKET_NOT_FOUND, whoever holds it: unknown, another fan’s, another show’s, another tenant’s', async () => {
    ctx.clock!.set(OPEN);
    const notFound = { code: 'TICKET_NOT_FOUND', field: 'ticketId' };
    expect(await refusedBy(transferTicket(ctx.deps, input('NOPE')))).toMatchObject(notFound);
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { fromEmail: 'thief@x.example' })))).toMatchObject(notFound);
    const duoPk = await showPkOf(ctx, shop.tenantId, 'TR-DUO');
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { showPk: duoPk })))).toMatchObject(notFound);
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { tenantId: other.tenantId })))).toMatchObject(notFound);
    expect(await refusedBy(transferTicket(ctx.deps, input('bad\u0000id')))).toMatchObject(notFound);
    // The other tenant's own ticket of the same id is untouched by the first tenant's show.
    await syncTickets(ctx, other.key, [priced('TR-SELF')]);
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-SELF', { tenantId: other.tenantId })))).toMatchObject(notFound);

    expect(await eligibility('NOPE')).toEqual({ ok: false, reason: 'TICKET_NOT_FOUND' });
    expect(await eligibility('TR-SELF', 'thief@x.example')).toEqual({ ok: false, reason: 'TICKET_NOT_FOUND' });
    expect(await eligibility('TR-SELF', undefined, soloPk, other.tenantId)).toEqual({ ok: false, reason: 'TICKET_NOT_FOUND' });
    expect((await ticketRow(ctx, shop.tenantId, 'TR-SELF'))!.buyer_email).toBe('tr-self@fans.example');
  });

  it('refuses a used, deleted, listed or VIP ticket, and one outside the TRANSFER window, with the reason the page shows', async () => {
    ctx.clock!.set(OPEN);
    // USED: admitted at the gate.
    await admitTicket(ctx.deps, gate, 'TR-USED', { entryDate: '2027-06-01T19:10:00Z' });
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-USED')))).toMatchObject({ code: 'TICKET_USED', field: 'ticketId' });
    expect(await eligibility('TR-USED')).toMatchObject({ ok: false, reason: 'TICKET_USED', ticket: { ticketId: 'TR-USED' } });

    // DELETED by the integrator.
    expect((await call(ctx, shop.key, 'DELETE', '/v1/tickets/TR-DEL')).status).toBe(200);
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-DEL')))).toMatchObject({ code: 'TICKET_DELETED', field: 'ticketId' });

    // LISTED: end the listing first (its id is given).
    const listing = (await listOk(ctx, shop.key, ['TR-LIST'], 35)) as { listingId: string };
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-LIST')))).toEqual({
      code: 'TICKET_ALREADY_LISTED',
      field: 'ticketId',
      details: { listingId: listing.listingId, listingStatus: 'ACTIVE' },
    });
    expect(await eligibility('TR-LIST')).toMatchObject({ ok: false, reason: 'TICKET_ALREADY_LISTED', listingId: listing.listingId });
    expect((await call(ctx, shop.key, 'DELETE', '/v1/marketplace/items/ticket/TR-LIST')).status).toBe(200);
    expect(await eligibility('TR-LIST')).toMatchObject({ ok: true });

    // TRANSFER_DISABLED: the VIP option's own rule, and an event without any TRANSFER rule.
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-VIP')))).toMatchObject({ code: 'TRANSFER_DISABLED', field: 'ticketId' });
    const d1 = await showPkOf(ctx, shop.tenantId, 'TR-DUO');
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-DUO', { showPk: d1 })))).toMatchObject({ code: 'TRANSFER_DISABLED', field: 'ticketId' });

    // TRANSFER_CLOSED: 2 hours before the show; the page is told when it closed.
    ctx.clock!.set('2027-06-01T17:00:00Z');
    expect(await refusedBy(transferTicket(ctx.deps, input('TR-LATE')))).toEqual({ code: 'TRANSFER_CLOSED', field: 'ticketId', details: { availableUntil: CLOSES } });
    expect(await eligibility('TR-LATE')).toMatchObject({ ok: false, reason: 'TRANSFER_CLOSED', availableUntil: new Date(CLOSES) });
    ctx.clock!.set('2027-06-01T16:59:59Z');
    expect(await eligibility('TR-LATE')).toMatchObject({ ok: true });

    // Nothing was written by any refusal.
    expect(await ctx.deps.db.selectFrom('ticket_history').select('kind').where('tenant_id', '=', shop.tenantId).where('kind', '=', 'TRANSFERRED').where('ticket_id', 'in', ['TR-USED', 'TR-DEL', 'TR-LIST', 'TR-VIP', 'TR-DUO', 'TR-LATE']).execute()).toEqual([]);
  });

  it('refuses a ticket whose purchase intent is not completed yet (RESERVED)', async () => {
    ctx.clock!.set(OPEN);
    const row = (await ticketRow(ctx, shop.tenantId, 'TR-SELF'))!;
    const [reserved] = await withTx(ctx.deps.db, (tx) =>
      issueTicketsForIntent(
        tx,
        { tenantId: shop.tenantId, label: 'test' },
        { intentId: 'pi_transfer', eventId: row.event_id, externalReferenceId: 'solo', showPk: soloPk, currency: 'EUR', customerId: null, valid: false, lines: [{ ticketOptionId: 'ga', amount: 1, priceMinor: 3000 }] },
        ctx.clock!.now(),
      ),
    );
    // The integrator names the fan on it while the intent is still open.
    const put = await call(ctx, shop.key, 'PUT', `/v1/tickets/${reserved!}`, { buyer: 'intent.fan@fans.example' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await ticketRow(ctx, shop.tenantId, reserved!))).toMatchObject({ status: 'RESERVED', buyer_email: 'intent.fan@fans.example' });
    expect(await refusedBy(transferTicket(ctx.deps, input(reserved!, { fromEmail: 'intent.fan@fans.example' })))).toMatchObject({ code: 'TICKET_RESERVED', field: 'ticketId' });
    expect(await eligibility(reserved!, 'intent.fan@fans.example')).toMatchObject({ ok: false, reason: 'TICKET_RESERVED' });
  });

  it('refuses tickets of a cancelled event or show', async () => {
    ctx.clock!.set(OPEN);
    const c = await sellerTenant(ctx, 'transfer-cancel');
    await setRules(ctx, c.key, [
      { externalReferenceEventId: 'solo', ruleType: 'TRANSFER', rules: { enabled: true } },
      { externalReferenceEventId: 'duo', ruleType: 'TRANSFER', rules: { enabled: true } },
    ]);
    await syncTickets(ctx, c.key, [priced('C-E'), priced('C-S', 30, { externalReferenceEventId: 'duo', showId: 'd1' })]);
    expect((await call(ctx, c.key, 'POST', '/v1/events/solo/cancellation')).status).toBe(200);
    expect((await call(ctx, c.key, 'POST', '/v1/events/duo/cancellation?showId=d1')).status).toBe(200);
    const ePk = await showPkOf(ctx, c.tenantId, 'C-E');
    const sPk = await showPkOf(ctx, c.tenantId, 'C-S');
    expect(await refusedBy(transferTicket(ctx.deps, input('C-E', { tenantId: c.tenantId, showPk: ePk })))).toMatchObject({ code: 'EVENT_CANCELLED', field: 'ticketId' });
    expect(await refusedBy(transferTicket(ctx.deps, input('C-S', { tenantId: c.tenantId, showPk: sPk })))).toMatchObject({ code: 'SHOW_CANCELLED', field: 'ticketId' });
    expect(await eligibility('C-S', 'c-s@fans.example', sPk, c.tenantId)).toMatchObject({ ok: false, reason: 'SHOW_CANCELLED' });
  });

  it('concurrent transfers of one ticket (five at once): exactly one succeeds, the others find it no longer the fan’s', async () => {
    ctx.clock!.set(OPEN);
    const receivers = ['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => `${r}@mates.example`);
    const outcomes = await Promise.allSettled(receivers.map((toEmail) => transferTicket(ctx.deps, input('TR-RACE', { toEmail }))));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((o) => (o.reason as AppError).code)).toEqual(['TICKET_NOT_FOUND', 'TICKET_NOT_FOUND', 'TICKET_NOT_FOUND', 'TICKET_NOT_FOUND']);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof transferTicket>>>).value;
    expect((await ticketRow(ctx, shop.tenantId, 'TR-RACE'))!.buyer_email).toBe(winner.newOwnerEmail);
    expect((await historyOf(ctx, shop.tenantId, 'TR-RACE')).filter((h) => h.kind === 'TRANSFERRED')).toHaveLength(1);
    expect((await webhooksOf(ctx, shop.tenantId, 'ticket.updated')).filter((h) => h.message.data.id === 'TR-RACE')).toHaveLength(1);
    expect(await mailsOf(ctx, shop.tenantId, winner.transferId)).toHaveLength(2);
    const allMails = await ctx.deps.db.selectFrom('mail_outbox').select('to_address').where('tenant_id', '=', shop.tenantId).where('kind', '=', 'ticket.transfer.received').execute();
    expect(allMails.filter((m) => receivers.includes(m.to_address)).map((m) => m.to_address)).toEqual([winner.newOwnerEmail]);
  });

  it('the Smart Access Layer offers P2P exactly when the transfer is allowed (one reading of the TRANSFER rule)', async () => {
    await syncTickets(ctx, shop.key, [priced('TR-P2P'), priced('TR-P2P-VIP', 30, { ticketOptionId: 'vip' })]);
    const p2p = async (ticketId: string): Promise<boolean> => {
      const answer = await sellMode(ctx.deps, { tenantId: shop.tenantId, label: 'test' }, { user: `${ticketId}@fans.example`.toLowerCase(), tickets: [{ ticketId }], lang: 'en' });
      if (!('tickets' in answer)) throw new Error('tickets expected');
      return answer.tickets[0]!.ctas.some((c) => c.type === 'P2P');
    };
    for (const at of [OPEN, '2027-06-01T16:59:59Z', '2027-06-01T17:00:00Z']) {
      ctx.clock!.set(at);
      for (const id of ['TR-P2P', 'TR-P2P-VIP', 'TR-USED']) {
        expect({ at, id, p2p: await p2p(id) }).toEqual({ at, id, p2p: (await eligibility(id)).ok });
      }
    }
    ctx.clock!.set(OPEN);
    expect(await p2p('TR-P2P')).toBe(true);
    expect(await p2p('TR-P2P-VIP')).toBe(false);
  });
});

describe('transfer decision table', () => {
  const start = new Date('2027-06-01T19:00:00Z');
  const before = new Date('2027-06-01T16:00:00Z');
  const owner = { kind: 'owner' as const, ticket: 'VALID' as const, eventCancelled: false, showCancelled: false, transfer: { enabled: true, closesHoursBeforeShow: 2 }, showStartsAt: start };

  it('decides each row in order', () => {
    expect(transferDecision({ kind: 'not-owner' }, before)).toEqual({ ok: false, reason: 'TICKET_NOT_FOUND' });
    expect(transferDecision({ ...owner, eventCancelled: true, showCancelled: true, ticket: 'CANCELLED' }, before)).toEqual({ ok: false, reason: 'EVENT_CANCELLED' });
    expect(transferDecision({ ...owner, showCancelled: true, ticket: 'CANCELLED' }, before)).toEqual({ ok: false, reason: 'SHOW_CANCELLED' });
    expect(transferDecision({ ...owner, ticket: 'USED' }, before)).toEqual({ ok: false, reason: 'TICKET_USED' });
    expect(transferDecision({ ...owner, ticket: 'CANCELLED' }, before)).toEqual({ ok: false, reason: 'TICKET_CANCELLED' });
    expect(transferDecision({ ...owner, ticket: 'DELETED' }, before)).toEqual({ ok: false, reason: 'TICKET_DELETED' });
    expect(transferDecision({ ...owner, ticket: 'INVALID' }, before)).toEqual({ ok: false, reason: 'TICKET_INVALID' });
    expect(transferDecision({ ...owner, ticket: 'RESERVED' }, before)).toEqual({ ok: false, reason: 'TICKET_RESERVED' });
    expect(transferDecision({ ...owner, ticket: 'LISTED' }, before)).toEqual({ ok: false, reason: 'TICKET_ALREADY_LISTED' });
    expect(transferDecision({ ...owner, transfer: undefined }, before)).toEqual({ ok: false, reason: 'TRANSFER_DISABLED' });
    expect(transferDecision({ ...owner, transfer: { enabled: false } }, before)).toEqual({ ok: false, reason: 'TRANSFER_DISABLED' });
    expect(transferDecision(owner, new Date('2027-06-01T17:00:00Z'))).toEqual({ ok: false, reason: 'TRANSFER_CLOSED', availableUntil: new Date('2027-06-01T17:00:00Z') });
    expect(transferDecision(owner, before)).toEqual({ ok: true, availableUntil: new Date('2027-06-01T17:00:00Z') });
    expect(transferDecision({ ...owner, transfer: { enabled: true } }, new Date('2027-06-01T18:59:59Z'))).toEqual({ ok: true, availableUntil: start });
  });

  it('answers ok exactly when the sell table offers P2P, whatever the resale window', () => {
    const windows: SellWindow[] = [
      { open: true, availableUntil: start },
      { open: false, reason: 'RESALE_DISABLED' },
      { open: false, reason: 'WINDOW_NOT_OPEN', availableFrom: start },
      { open: false, reason: 'WINDOW_CLOSED', closedAt: before },
    ];
    const settings: (TransferSettings | undefined)[] = [undefined, { enabled: false }, { enabled: true }, { enabled: true, closesHoursBeforeShow: 4 }];
    for (const ticket of ['VALID', 'LISTED', 'RESERVED', 'USED', 'CANCELLED', 'DELETED', 'INVALID'] as const) {
      for (const cancelled of [false, true]) {
        for (const transfer of settings) {
          for (const window of windows) {
            for (const limit of [false, true]) {
              const sell = sellDecision({
                kind: 'owner',
                ticket,
                eventCancelled: cancelled,
                hasOpenListing: ticket === 'LISTED',
                window,
                listingLimitReached: limit,
                transferOpen: transferWindowOpen(transfer, start, before),
              });
              const decided = transferDecision({ kind: 'owner', ticket, eventCancelled: cancelled, showCancelled: false, transfer, showStartsAt: start }, before);
              expect({ ticket, cancelled, transfer, window, p2p: sell.ctas.includes('P2P') }).toEqual({ ticket, cancelled, transfer, window, p2p: decided.ok });
            }
          }
        }
      }
    }
  });
});
