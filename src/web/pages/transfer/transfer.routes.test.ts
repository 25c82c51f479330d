import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../../test/harness.js';
import { textOf, WebClient, type WebResponse } from '../../../../test/web-client.js';
import { call, emailOf, listOk, priced, sellerTenant, setRules, syncTickets, ticketRow, type Seller } from '../../../modules/listings/listings.fixtures.js';
import { admitTicket } from '../../../modules/tickets/index.js';

/**
 * The transfer page (SPEC §4.1 item 8) as a fan's browser uses it: tickets, rules and listings
 * through the real API, sign-in by a one-time token from the real endpoint, the form posted with a
 * real CSRF token; the ticket's owner, history and mails read back from the database.
 */

const ctx = useContext({ clock: 'manual' });
const OPEN = '2027-05-01T10:00:00Z';
const BRAND = 'Fiesta Tickets';
let shop: Seller;
let soloPk: string;
let duoPk: string;

async function oneTimeToken(user: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url: `/v1/auth/oneTimeToken?user=${encodeURIComponent(user)}&method=email`, headers: { authorization: shop.key } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: string }>().data;
}

const pageOf = (ticketId: string, lang = 'en', showPk = soloPk) => `/${lang}/marketplace/shows/${showPk}/transfer?ticketId=${encodeURIComponent(ticketId)}`;
const postUrl = (lang = 'en', showPk = soloPk) => `/${lang}/marketplace/shows/${showPk}/transfer`;

/** A browser signed in as `email` (the one-time token hop), now on `url`. */
async function signedIn(email: string, url: string): Promise<{ web: WebClient; page: WebResponse }> {
  const web = new WebClient(ctx.app);
  const token = await oneTimeToken(email);
  const page = await web.open(`${url}${url.includes('?') ? '&' : '?'}oneTimeToken=${token}`);
  expect(web.cookies.has('encore_session')).toBe(true);
  return { web, page };
}

function h1(res: WebResponse): string {
  return textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(res.body)?.[1] ?? '');
}

function isPage(res: WebResponse, lang: string, status = 200): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('text/html');
  expect(res.body).toContain(`<html lang="${lang}"`);
  expect(res.body.match(/<h1/g)).toHaveLength(1);
  expect(res.body).toContain(`· ${BRAND}</title>`);
  expect(res.body).not.toMatch(/\son[a-z]+="|\sstyle="/);
}

describe('the transfer page', () => {
  beforeAll(async () => {
    ctx.clock!.set(OPEN);
    shop = await sellerTenant(ctx, BRAND);
    await setRules(ctx, shop.key, [
      { externalReferenceEventId: 'solo', ruleType: 'TRANSFER', rules: { enabled: true, closesHoursBeforeShow: 2 } },
      { externalReferenceEventId: 'solo', ticketOptionId: 'vip', ruleType: 'TRANSFER', rules: { enabled: false } },
      { externalReferenceEventId: 'duo', ruleType: 'TRANSFER', rules: { enabled: true } },
    ]);
    await syncTickets(ctx, shop.key, [
      priced('TP-1', 30, { props: { seating: { section: 'B', row: '7', seat: '12' } } }),
      ...['TP-FORM', 'TP-ERR', 'TP-LIST', 'TP-USED', 'TP-LATE', 'TP-OTHER'].map((id) => priced(id)),
      priced('TP-VIP', 90, { ticketOptionId: 'vip' }),
      priced('TP-DUO', 30, { externalReferenceEventId: 'duo', showId: 'd1' }),
    ]);
    soloPk = (await ticketRow(ctx, shop.tenantId, 'TP-1'))!.show_pk;
    duoPk = (await ticketRow(ctx, shop.tenantId, 'TP-DUO'))!.show_pk;
  });

  it('signed out: the sign-in form in the seller’s shell, returning to this very page (es and en)', async () => {
    for (const lang of ['en', 'es']) {
      const res = await new WebClient(ctx.app).get(pageOf('TP-1', lang));
      isPage(res, lang);
      expect(h1(res)).toBe(lang === 'en' ? 'Sign in' : 'Inicia sesión');
      expect(res.body).toContain(`name="next" value="/${lang}/marketplace/shows/${soloPk}/transfer?ticketId=TP-1"`);
      expect(res.body).toContain(`name="tenant" value="${shop.tenantId}"`);
      expect(res.body).not.toContain('name="toEmail"');
    }
  });

  it('eligible: the ticket (event, date in the event’s zone, option, seat), until when, and the form (es and en)', async () => {
    const { web, page } = await signedIn(emailOf('TP-1'), pageOf('TP-1'));
    isPage(page, 'en');
    expect(h1(page)).toBe('Transfer your ticket');
    const text = textOf(page.body);
    expect(text).toContain('Concert');
    expect(text).toContain('Tuesday, 1 June 2027 at 21:00');
    expect(text).toContain('General · Section B · Row 7 · Seat 12');
    expect(text).toContain('You can transfer it until Tuesday, 1 June 2027 at 19:00.');
    expect(text).toContain('I understand the ticket and its code will belong to the email above and my code stops working.');
    expect(page.body).toMatch(/<input id="transfer-toEmail" name="toEmail" type="email"[^>]*required/);
    expect(page.body).toMatch(/<input id="transfer-confirm" name="confirm" type="checkbox" value="yes" required/);
    expect(page.body).toContain(`action="/en/marketplace/shows/${soloPk}/transfer"`);
    expect(page.body).toContain('name="ticketId" value="TP-1"');
    expect(page.body).toContain('name="_csrf"');
    const es = await web.get(pageOf('TP-1', 'es'));
    isPage(es, 'es');
    expect(h1(es)).toBe('Transfiere tu entrada');
    expect(textOf(es.body)).toContain('martes, 1 de junio de 2027, 21:00');
    expect(textOf(es.body)).toContain('General · Sector B · Fila 7 · Asiento 12');
    expect(textOf(es.body)).toContain('Puedes transferirla hasta el martes, 1 de junio de 2027, 19:00.');
    expect(textOf(es.body)).toContain('Transferir entrada');
  });

  it('names each refused field with aria-invalid: not an email, the fan’s own email, a missing confirmation; nothing changes', async () => {
    const { web } = await signedIn(emailOf('TP-ERR'), pageOf('TP-ERR'));
    const bad = await web.post(postUrl(), { ticketId: 'TP-ERR', toEmail: 'not-an-email', toName: '' });
    isPage(bad, 'en', 400);
    expect(textOf(bad.body)).toContain('Enter their email address, for example name@example.com.');
    expect(textOf(bad.body)).toContain('Tick this box to confirm the transfer.');
    expect(textOf(bad.body)).toContain('Check the highlighted fields.');
    expect(bad.body).toMatch(/id="transfer-toEmail"[^>]*value="not-an-email"[^>]*aria-invalid="true"[^>]*aria-describedby="transfer-toEmail-error transfer-toEmail-hint"/);
    expect(bad.body).toMatch(/id="transfer-confirm"[^>]*aria-invalid="true"[^>]*aria-describedby="transfer-confirm-error"/);
    expect(bad.body).toContain('role="alert"');

    const self = await web.post(postUrl('es'), { ticketId: 'TP-ERR', toEmail: 'TP-ERR@Fans.example', confirm: 'yes' });
    isPage(self, 'es', 400);
    expect(textOf(self.body)).toContain('Ese es tu propio correo.');
    expect(self.body).toMatch(/id="transfer-toEmail"[^>]*aria-invalid="true"/);

    const name = await web.post(postUrl(), { ticketId: 'TP-ERR', toEmail: 'luis@mates.example', toName: 'Eve\nBcc: x@y.example', confirm: 'yes' });
    expect(name.status).toBe(400);
    expect(textOf(name.body)).toContain('Write the name in at most 300 characters, on one line.');
    expect(name.body).toMatch(/id="transfer-toName"[^>]*aria-invalid="true"/);

    // With a valid email and no confirmation, the box names the receiver.
    const unconfirmed = await web.post(postUrl(), { ticketId: 'TP-ERR', toEmail: 'luis@mates.example' });
    expect(unconfirmed.status).toBe(400);
    expect(textOf(unconfirmed.body)).toContain('I understand the ticket and its code will belong to luis@mates.example and my code stops working.');

    expect((await ticketRow(ctx, shop.tenantId, 'TP-ERR'))!.buyer_email).toBe(emailOf('TP-ERR'));
  });

  it('each refusal says why and what to do: listed (a link to the listing), used, disabled for the option, closed (since when), a cancelled show', async () => {
    const listing = (await listOk(ctx, shop.key, ['TP-LIST'], 35)) as { listingId: string };
    const listed = (await signedIn(emailOf('TP-LIST'), pageOf('TP-LIST'))).page;
    isPage(listed, 'en');
    expect(h1(listed)).toBe('This ticket can’t be transferred');
    expect(textOf(listed.body)).toContain('This ticket is on sale. Take it off sale first, then come back to transfer it.');
    expect(listed.body).toContain(`href="/en/marketplace/listings/${listing.listingId}"`);
    expect(listed.body).not.toContain('name="toEmail"');
    expect(listed.body).toContain(`href="/en/marketplace/tenants/${shop.tenantId}/tickets"`);

    await admitTicket(ctx.deps, { tenantId: shop.tenantId, label: 'gate' }, 'TP-USED', { entryDate: '2027-06-01T19:10:00Z' });
    const used = (await signedIn(emailOf('TP-USED'), pageOf('TP-USED', 'es'))).page;
    isPage(used, 'es');
    expect(h1(used)).toBe('Esta entrada no se puede transferir');
    expect(textOf(used.body)).toContain('Esta entrada ya se ha usado para entrar.');

    const vip = (await signedIn(emailOf('TP-VIP'), pageOf('TP-VIP'))).page;
    expect(textOf(vip.body)).toContain('The organiser does not allow transferring this ticket.');
    expect(vip.body).not.toContain('name="toEmail"');

    try {
      // A month later (the session would have lapsed): signed in at that moment.
      ctx.clock!.set('2027-06-01T17:00:00Z');
      const late = await signedIn(emailOf('TP-LATE'), pageOf('TP-LATE'));
      const closed = late.page;
      expect(textOf(closed.body)).toContain('Transfers for this ticket closed on Tuesday, 1 June 2027 at 19:00.');
      const closedEs = await late.web.get(pageOf('TP-LATE', 'es'));
      expect(textOf(closedEs.body)).toContain('Las transferencias de esta entrada se cerraron el martes, 1 de junio de 2027, 19:00.');
      // A form sent after the window closed: back to the page, which says why; nothing changed.
      const sent = await late.web.post(postUrl(), { ticketId: 'TP-LATE', toEmail: 'luis@mates.example', confirm: 'yes' });
      expect(sent.status).toBe(303);
      expect(sent.location).toBe(pageOf('TP-LATE'));
      expect((await ticketRow(ctx, shop.tenantId, 'TP-LATE'))!.buyer_email).toBe(emailOf('TP-LATE'));
    } finally {
      ctx.clock!.set(OPEN);
    }

    expect((await call(ctx, shop.key, 'POST', '/v1/events/duo/cancellation?showId=d1')).status).toBe(200);
    const cancelled = (await signedIn(emailOf('TP-DUO'), pageOf('TP-DUO', 'en', duoPk))).page;
    expect(textOf(cancelled.body)).toContain('This date has been cancelled, so its tickets can’t be transferred.');
  });

  it('transfers: 303 to the confirmation (reload-safe), the receiver is mailed; the old owner no longer sees the ticket, the receiver does', async () => {
    const { web } = await signedIn(emailOf('TP-FORM'), pageOf('TP-FORM', 'es'));
    const sent = await web.post(postUrl('es'), { ticketId: 'TP-FORM', toEmail: ' Luis@Mates.example ', toName: 'Luis Pérez', confirm: 'yes' });
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(new RegExp(`^/es/marketplace/shows/${soloPk}/transfer\\?ticketId=TP-FORM&transferred=trf_[0-9a-z]+$`));
    const done = await web.get(sent.location!);
    isPage(done, 'es');
    expect(h1(done)).toBe('Entrada transferida');
    const text = textOf(done.body);
    expect(text).toContain('Tu entrada ahora es de luis@mates.example.');
    expect(text).toContain('Le hemos enviado un correo');
    expect(text).toContain('Tu código ya no sirve para entrar.');
    expect(text).toContain('Para: Luis Pérez (luis@mates.example)');
    expect(text).toContain('Transferida el sábado, 1 de mayo de 2027, 12:00.');
    expect(done.body).toContain(`href="/es/marketplace/tenants/${shop.tenantId}/tickets"`);
    expect(done.body).toContain('Ir a mis entradas');
    // A reload shows the same; the English page too.
    expect(h1(await web.get(sent.location!))).toBe('Entrada transferida');
    expect(h1(await web.get(sent.location!.replace('/es/', '/en/')))).toBe('Ticket transferred');

    const row = (await ticketRow(ctx, shop.tenantId, 'TP-FORM'))!;
    expect(row.buyer_email).toBe('luis@mates.example');
    const mails = await ctx.deps.db.selectFrom('mail_outbox').select(['kind', 'to_address']).where('tenant_id', '=', shop.tenantId).where('kind', 'like', 'ticket.transfer.%').orderBy('id').execute();
    expect(mails).toEqual([
      { kind: 'ticket.transfer.received', to_address: 'luis@mates.example' },
      { kind: 'ticket.transfer.sent', to_address: emailOf('TP-FORM') },
    ]);

    // The old owner: the ticket is no longer theirs, so the page is the 404 page; a second POST too.
    const gone = await web.get(pageOf('TP-FORM'));
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toContain('text/html');
    const twice = await web.post(postUrl(), { ticketId: 'TP-FORM', toEmail: 'other@mates.example', confirm: 'yes' });
    expect(twice.status).toBe(404);
    expect((await ticketRow(ctx, shop.tenantId, 'TP-FORM'))!.buyer_email).toBe('luis@mates.example');

    // The receiver signs in and may give it on; the sender's confirmation URL is not theirs to see.
    const receiver = await signedIn('luis@mates.example', pageOf('TP-FORM'));
    isPage(receiver.page, 'en');
    expect(h1(receiver.page)).toBe('Transfer your ticket');
    const foreign = await receiver.web.get(sent.location!.replace('/es/', '/en/'));
    expect(h1(foreign)).toBe('Transfer your ticket');
    expect(textOf(foreign.body)).not.toContain('Ticket transferred');
  });

  it('another fan’s ticket, an unknown ticket or show: the 404 page; a form without CSRF: 403', async () => {
    const { web } = await signedIn(emailOf('TP-1'), pageOf('TP-1'));
    for (const url of [pageOf('TP-OTHER'), pageOf('NOPE'), `/en/marketplace/shows/${soloPk}/transfer`, pageOf('TP-1', 'en', 'shw_unknown'), pageOf('TP-DUO', 'en', soloPk)]) {
      const res = await web.get(url);
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).not.toContain('name="toEmail"');
    }
    expect((await web.post(postUrl(), { ticketId: 'TP-OTHER', toEmail: 'x@mates.example', confirm: 'yes' })).status).toBe(404);
    expect((await ticketRow(ctx, shop.tenantId, 'TP-OTHER'))!.buyer_email).toBe(emailOf('TP-OTHER'));
    const noCsrf = await web.post(postUrl(), { ticketId: 'TP-1', toEmail: 'x@mates.example', confirm: 'yes' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect((await ticketRow(ctx, shop.tenantId, 'TP-1'))!.buyer_email).toBe(emailOf('TP-1'));
  });
});
