import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import {
  CODE_MAX_TRIES,
  CODE_TTL_MS,
  CODES_PER_EMAIL_PER_HOUR,
  CODES_PER_IP_PER_HOUR,
  deleteExpiredEmailCodes,
  EMAIL_CODE_MAIL_KIND,
  readSession,
  requestEmailCode,
  startSession,
  verifyEmailCode,
} from './index.js';

describe('e-mail code sign-in', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenantId: string;
  let otherTenant: string;
  let ipSeq = 0;
  /** A fresh IP per test, so the per-IP limit of one test does not refuse another's requests. */
  const ip = () => `203.0.113.${++ipSeq}`;

  beforeAll(async () => {
    tenantId = (await ctx.createTenant('codes')).tenantId;
    otherTenant = (await ctx.createTenant('codes-other')).tenantId;
  });

  /** The newest sign-in mail to `to` (the fan reads the code there, and so does the test). */
  async function lastMail(to: string, tenant = tenantId) {
    return ctx.deps.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('tenant_id', '=', tenant)
      .where('to_address', '=', to)
      .where('kind', '=', EMAIL_CODE_MAIL_KIND)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  }
  const codeIn = (text: string) => /: (\d{6}),/.exec(text)![1]!;
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('mails a code (es and en) and the right code starts a session, once', async () => {
    const now = ctx.clock!.now();
    const res = await requestEmailCode(ctx.deps, { tenantId, email: 'Happy@Example.com', ip: ip(), lang: 'en', tenantName: 'Sala Apolo' });
    expect(res).toEqual({ ok: true, expiresAt: new Date(now.getTime() + CODE_TTL_MS) });
    const mail = await lastMail('happy@example.com');
    expect(mail.subject).toMatch(/^Your code for Sala Apolo: \d{6}$/);
    expect(mail.text_body).toMatch(/^Your code for Sala Apolo: \d{6}, valid 10 minutes\./);
    const code = codeIn(mail.text_body);
    expect(mail.subject).toContain(code);

    // Only a hash of the code is stored, and the audit row does not carry it.
    const stored = await ctx.deps.db.selectFrom('fan_email_codes').selectAll().where('email', '=', 'happy@example.com').executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);
    expect(mail.ref).toBe(stored.id);
    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('entity_id', '=', stored.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['fan_email_code.sent']);
    expect(JSON.stringify(audit)).not.toContain(code);

    const previous = await startSession(ctx.deps, { tenantId, email: 'happy@example.com' });
    const ok = await verifyEmailCode(ctx.deps, { tenantId, email: 'HAPPY@example.com ', code: ` ${code.slice(0, 3)} ${code.slice(3)}`, previousToken: previous.token });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(await readSession(ctx.deps, ok.session.token)).toMatchObject({ tenantId, email: 'happy@example.com' });
    expect(await readSession(ctx.deps, previous.token)).toBeNull(); // rotated
    // Single use.
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'happy@example.com', code })).toEqual({ ok: false, reason: 'INVALID_CODE' });

    await requestEmailCode(ctx.deps, { tenantId, email: 'es@example.com', ip: ip(), lang: 'es', tenantName: 'Sala Apolo' });
    const es = await lastMail('es@example.com');
    expect(es.subject).toMatch(/^Tu código para Sala Apolo: \d{6}$/);
    expect(es.text_body).toMatch(/^Tu código para Sala Apolo: \d{6}, válido 10 minutos\./);
  });

  it('answers alike for any e-mail (no enumeration), and refuses one that is not an e-mail', async () => {
    const res = await requestEmailCode(ctx.deps, { tenantId, email: 'nobody-has-tickets@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    expect(res.ok).toBe(true);
    await expect(requestEmailCode(ctx.deps, { tenantId, email: 'not-an-email', ip: ip(), lang: 'en', tenantName: 'X' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'email' });
  });

  it('a code for an e-mail nobody asked one for is INVALID_CODE', async () => {
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'never@example.com', code: '123456' })).toEqual({ ok: false, reason: 'INVALID_CODE' });
  });

  it('5 wrong tries burn the code: TOO_MANY_TRIES, even for the right code', async () => {
    await requestEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const code = codeIn((await lastMail('guess@example.com')).text_body);
    for (let left = CODE_MAX_TRIES - 1; left >= 1; left--) {
      expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', code: wrong(code) })).toEqual({ ok: false, reason: 'INVALID_CODE', triesLeft: left });
    }
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', code: wrong(code) })).toEqual({ ok: false, reason: 'TOO_MANY_TRIES', triesLeft: 0 });
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', code })).toEqual({ ok: false, reason: 'TOO_MANY_TRIES', triesLeft: 0 });
    const burned = await ctx.deps.db.selectFrom('audit_log').select('action').where('action', '=', 'fan_email_code.burned').execute();
    expect(burned).toHaveLength(1);

    // A new code replaces the burned one, with its tries.
    await requestEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const fresh = codeIn((await lastMail('guess@example.com')).text_body);
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', code: wrong(fresh) })).toMatchObject({ triesLeft: CODE_MAX_TRIES - 1 });
    expect((await verifyEmailCode(ctx.deps, { tenantId, email: 'guess@example.com', code: fresh })).ok).toBe(true);
  });

  it('counts concurrent guesses one by one: none escapes the limit', async () => {
    await requestEmailCode(ctx.deps, { tenantId, email: 'race@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const code = codeIn((await lastMail('race@example.com')).text_body);
    const results = await Promise.all(Array.from({ length: 12 }, () => verifyEmailCode(ctx.deps, { tenantId, email: 'race@example.com', code: wrong(code) })));
    expect(results.filter((r) => !r.ok && r.reason === 'INVALID_CODE')).toHaveLength(CODE_MAX_TRIES - 1);
    expect(results.filter((r) => !r.ok && r.reason === 'TOO_MANY_TRIES')).toHaveLength(12 - (CODE_MAX_TRIES - 1));
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'race@example.com', code })).toMatchObject({ ok: false, reason: 'TOO_MANY_TRIES' });
  });

  it('the right code is single use under concurrency: exactly one session', async () => {
    await requestEmailCode(ctx.deps, { tenantId, email: 'twice@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const code = codeIn((await lastMail('twice@example.com')).text_body);
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyEmailCode(ctx.deps, { tenantId, email: 'twice@example.com', code })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('a new code replaces the previous one', async () => {
    await requestEmailCode(ctx.deps, { tenantId, email: 'replace@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const first = codeIn((await lastMail('replace@example.com')).text_body);
    ctx.clock!.advance(1);
    await requestEmailCode(ctx.deps, { tenantId, email: 'replace@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const second = codeIn((await lastMail('replace@example.com')).text_body);
    if (first !== second) expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'replace@example.com', code: first })).toMatchObject({ ok: false, reason: 'INVALID_CODE' });
    expect((await verifyEmailCode(ctx.deps, { tenantId, email: 'replace@example.com', code: second })).ok).toBe(true);
  });

  it('expires after 10 minutes', async () => {
    await requestEmailCode(ctx.deps, { tenantId, email: 'late@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const late = codeIn((await lastMail('late@example.com')).text_body);
    await requestEmailCode(ctx.deps, { tenantId, email: 'in-time@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const inTime = codeIn((await lastMail('in-time@example.com')).text_body);
    ctx.clock!.advance(CODE_TTL_MS - 1);
    expect((await verifyEmailCode(ctx.deps, { tenantId, email: 'in-time@example.com', code: inTime })).ok).toBe(true);
    ctx.clock!.advance(1);
    expect(await verifyEmailCode(ctx.deps, { tenantId, email: 'late@example.com', code: late })).toEqual({ ok: false, reason: 'EXPIRED' });
  });

  it('a code of tenant A signs nobody in at tenant B', async () => {
    await requestEmailCode(ctx.deps, { tenantId, email: 'cross@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    const code = codeIn((await lastMail('cross@example.com')).text_body);
    expect(await verifyEmailCode(ctx.deps, { tenantId: otherTenant, email: 'cross@example.com', code })).toEqual({ ok: false, reason: 'INVALID_CODE' });
    const ok = await verifyEmailCode(ctx.deps, { tenantId, email: 'cross@example.com', code });
    expect(ok.ok && (await readSession(ctx.deps, ok.session.token))?.tenantId).toBe(tenantId);
  });

  it('rate-limits per e-mail: 5 codes an hour, then RATE_LIMITED with the seconds to wait', async () => {
    ctx.clock!.set('2026-03-01T10:00:00Z');
    for (let i = 0; i < CODES_PER_EMAIL_PER_HOUR; i++) {
      expect((await requestEmailCode(ctx.deps, { tenantId, email: 'limited@example.com', ip: ip(), lang: 'en', tenantName: 'X' })).ok).toBe(true);
    }
    const mailsBefore = await ctx.deps.db.selectFrom('mail_outbox').select('id').where('to_address', '=', 'limited@example.com').execute();
    ctx.clock!.advance(15 * 60 * 1000);
    expect(await requestEmailCode(ctx.deps, { tenantId, email: 'LIMITED@example.com', ip: ip(), lang: 'en', tenantName: 'X' })).toEqual({ ok: false, reason: 'RATE_LIMITED', retryAfterSeconds: 45 * 60 });
    const mailsAfter = await ctx.deps.db.selectFrom('mail_outbox').select('id').where('to_address', '=', 'limited@example.com').execute();
    expect(mailsAfter).toHaveLength(mailsBefore.length); // no mail for a refused request
    // Another tenant counts its own; the next hour starts afresh.
    expect((await requestEmailCode(ctx.deps, { tenantId: otherTenant, email: 'limited@example.com', ip: ip(), lang: 'en', tenantName: 'Y' })).ok).toBe(true);
    ctx.clock!.set('2026-03-01T11:00:00Z');
    expect((await requestEmailCode(ctx.deps, { tenantId, email: 'limited@example.com', ip: ip(), lang: 'en', tenantName: 'X' })).ok).toBe(true);
  });

  it('rate-limits per IP: 20 codes an hour whatever the e-mails', async () => {
    ctx.clock!.set('2026-03-02T10:00:00Z');
    const addr = ip();
    for (let i = 0; i < CODES_PER_IP_PER_HOUR; i++) {
      expect((await requestEmailCode(ctx.deps, { tenantId, email: `ip-${i}@example.com`, ip: addr, lang: 'en', tenantName: 'X' })).ok).toBe(true);
    }
    expect(await requestEmailCode(ctx.deps, { tenantId, email: 'ip-extra@example.com', ip: addr, lang: 'en', tenantName: 'X' })).toEqual({ ok: false, reason: 'RATE_LIMITED', retryAfterSeconds: 3600 });
    // The refused request did not count against the e-mail, and another IP is not limited.
    expect((await requestEmailCode(ctx.deps, { tenantId, email: 'ip-extra@example.com', ip: ip(), lang: 'en', tenantName: 'X' })).ok).toBe(true);
  });

  it('the sweep deletes expired codes, burned ones included, and keeps live ones', async () => {
    ctx.clock!.set('2026-03-03T10:00:00Z');
    await requestEmailCode(ctx.deps, { tenantId, email: 'sweep-old@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    ctx.clock!.advance(CODE_TTL_MS);
    await requestEmailCode(ctx.deps, { tenantId, email: 'sweep-new@example.com', ip: ip(), lang: 'en', tenantName: 'X' });
    expect(await deleteExpiredEmailCodes(ctx.deps)).toBeGreaterThanOrEqual(1);
    const left = await ctx.deps.db.selectFrom('fan_email_codes').select(['email', 'expires_at']).execute();
    expect(left.map((c) => c.email)).toContain('sweep-new@example.com');
    expect(left.every((c) => c.expires_at > ctx.clock!.now())).toBe(true);
  });
});
