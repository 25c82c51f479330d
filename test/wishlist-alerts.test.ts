import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { deliverMail, queueMail } from '../src/modules/mail/index.js';
import { withTx } from '../src/db/tx.js';
import { call, listOk, priced, sellerTenant, syncTickets, webhooksOf } from '../src/modules/listings/listings.fixtures.js';
import { waitFor } from './fake-receiver.js';
import { useContext } from './harness.js';

/**
 * Wishlist alerts (issue 11, item 5; SPEC §6) through a real SMTP server started here: a fan who will
 * pay at most 40 gets exactly one mail for a listing under that (created, then re-priced: still one),
 * and none for a listing above it; other options and leads without an email get none.
 */

interface Received {
  to: string;
  subject: string;
  text: string;
}

/** Quoted-printable, as nodemailer writes non-ASCII text: soft line breaks joined, =XX decoded as UTF-8. */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!));
  }
  return Buffer.from(bytes).toString('utf8');
}

function parse(raw: string): Received {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head!)?.[1]?.trim() ?? '';
  const body = rest.join('\n\n');
  return { to: header('To'), subject: header('Subject'), text: /quoted-printable/i.test(head!) ? decodeQuotedPrintable(body) : body };
}

const inbox: Received[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, done) {
    let raw = '';
    stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    stream.on('end', () => {
      inbox.push(parse(raw));
      done();
    });
  },
});
const port = await new Promise<number>((resolve) => {
  smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as net.AddressInfo).port));
});

describe('wishlist alerts by mail', () => {
  const ctx = useContext({ workers: true, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Encore <alerts@encore.test>' } });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it('mails a lead once for a listing within its price, never for one above it, and sends one notifyMe webhook', async () => {
    const s = await sellerTenant(ctx, 'wishlist');
    const lead = async (buyer: Record<string, string>, extra: Record<string, unknown>) => {
      const res = await call(ctx, s.key, 'POST', '/v1/marketdata/users', { type: 'WISHLIST', externalReferenceEventId: 'solo', buyer, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await lead({ email: 'Wants@Fans.example' }, { ticketOptionId: 'ga', price: 40 });
    await lead({ email: 'cheap@fans.example' }, { ticketOptionId: 'ga', price: 20 });
    await lead({ email: 'vip@fans.example' }, { ticketOptionId: 'vip' });
    await lead({ phone: '+34600111222' }, { ticketOptionId: 'ga' });

    await syncTickets(ctx, s.key, [priced('WL-1'), priced('WL-2')]);
    const under = await listOk(ctx, s.key, ['WL-1'], 30);
    expect(under.total).toBeLessThanOrEqual(40);
    // Re-priced, still under 40: the same lead is not mailed again for this listing.
    expect((await call(ctx, s.key, 'PATCH', `/v1/marketplace/listings/${under.listingId}`, { price: 31 })).status).toBe(200);
    const over = await listOk(ctx, s.key, ['WL-2'], 45);
    expect(over.total).toBeGreaterThan(40);

    const mail = await waitFor(() => (inbox.length > 0 ? inbox : undefined), 20_000);
    // Every job has run once the outbox has nothing pending.
    await waitFor(async () => {
      const pending = await ctx.deps.db.selectFrom('mail_outbox').select('id').where('status', '=', 'PENDING').execute();
      return pending.length === 0 ? true : undefined;
    }, 20_000);
    expect(mail).toHaveLength(1);
    // The tenant's default language (es) names the page and writes the mail.
    expect(mail[0]).toMatchObject({ to: 'wants@fans.example', subject: 'Entradas de reventa para Concert' });
    expect(mail[0]!.text).toContain('Cómprala aquí');
    expect(mail[0]!.text).toContain(`http://encore.test/es/marketplace/shows/`);
    expect(mail[0]!.text).toContain('ticketId=WL-1');
    const sent = await ctx.deps.db.selectFrom('mail_outbox').selectAll().execute();
    expect(sent).toMatchObject([{ status: 'SENT', kind: 'wishlist.alert', ref: under.listingId, to_address: 'wants@fans.example' }]);

    // The fan asks to be forgotten: the lead goes, and the mail it was sent keeps no address or text.
    const leadId = (await call(ctx, s.key, 'GET', '/v1/marketdata/users?externalReferenceEventId=solo&type=WISHLIST')).body.data.items.find((l: { buyer: { email: string | null } }) => l.buyer.email === 'wants@fans.example').id as string;
    expect((await call(ctx, s.key, 'DELETE', `/v1/marketdata/users/${leadId}`)).body.data).toEqual({ id: leadId, erased: true });
    expect(await ctx.deps.db.selectFrom('mail_outbox').select(['status', 'to_address', 'subject', 'text_body']).execute()).toEqual([{ status: 'ERASED', to_address: '', subject: '', text_body: '' }]);

    const hooks = await webhooksOf(ctx, s.tenantId, 'notifyMe.created.updated');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.message).toMatchObject({ family: 'notifyMe', action: 'notifyMe.created.updated', data: { listingId: under.listingId, leads: [{ email: 'wants@fans.example' }] } });
  });

  it('without SMTP_URL a mail is kept in the outbox (for the dev mailbox), once', async () => {
    const t = await ctx.createTenant('kept');
    const id = await withTx(ctx.deps.db, (tx) => queueMail(tx, ctx.deps, { tenantId: t.tenantId, to: 'fan@x.example', subject: 'Hi', text: 'Hello', kind: 'test' }));
    const noSmtp = { ...ctx.deps, config: { ...ctx.deps.config, smtpUrl: undefined } };
    await deliverMail(noSmtp, t.tenantId, id);
    await deliverMail(noSmtp, t.tenantId, id);
    const row = await ctx.deps.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'KEPT', attempts: 1 });
  });
});
