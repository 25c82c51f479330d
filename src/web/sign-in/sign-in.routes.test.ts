import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { textOf, WebClient } from '../../../test/web-client.js';

const ctx = useContext({ clock: 'manual' });
const FAN = 'ana@fans.example';

let tenant: { tenantId: string; apiKey: string };

async function oneTimeToken(user = FAN, key = tenant.apiKey): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url: `/v1/auth/oneTimeToken?user=${encodeURIComponent(user)}&method=email`, headers: { authorization: key } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: string }>().data;
}

async function lastCode(to: string): Promise<string> {
  const mail = await ctx.deps.db.selectFrom('mail_outbox').select(['text_body', 'to_address']).where('to_address', '=', to).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return /\b(\d{6})\b/.exec(mail.text_body)![1]!;
}

const signInPage = (lang = 'en') => `/${lang}/signin?tenant=${tenant.tenantId}&next=${encodeURIComponent(`/${lang}/somewhere?x=1`)}`;

describe('sign-in on the hosted pages', () => {
  beforeAll(async () => {
    ctx.clock!.set('2027-03-01T10:00:00Z');
    tenant = await ctx.createTenant('Acme Tickets');
  });

  it('consumes a one-time token on arrival: a session cookie, then the same URL without the token', async () => {
    const web = new WebClient(ctx.app);
    const token = await oneTimeToken();
    const res = await web.get(`/en/signin?tenant=${tenant.tenantId}&oneTimeToken=${token}&next=%2Fen%2Fx`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/en/signin?tenant=${tenant.tenantId}&next=%2Fen%2Fx`);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/encore_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(web.cookies.has('encore_session')).toBe(true);
    // Signed in: the sign-in page sends the fan on.
    const again = await web.get(`/en/signin?tenant=${tenant.tenantId}&next=%2Fen%2Fx`);
    expect(again.status).toBe(303);
    expect(again.location).toBe('/en/x');
  });

  it('a reused or expired token signs no one in, and the page says the link expired', async () => {
    const token = await oneTimeToken();
    const first = new WebClient(ctx.app);
    expect((await first.get(`/es/signin?tenant=${tenant.tenantId}&oneTimeToken=${token}`)).status).toBe(303);
    const second = new WebClient(ctx.app);
    const reused = await second.get(`/es/signin?tenant=${tenant.tenantId}&oneTimeToken=${token}`);
    expect(reused.status).toBe(303);
    expect(reused.location).toContain('signin=expired');
    expect(second.cookies.has('encore_session')).toBe(false);
    const page = await second.get(reused.location!);
    expect(textOf(page.body)).toContain('Ese enlace de acceso ya se ha usado o ha caducado');

    const late = await oneTimeToken();
    ctx.clock!.advance(11 * 60_000);
    const third = new WebClient(ctx.app);
    const expired = await third.get(`/en/signin?tenant=${tenant.tenantId}&oneTimeToken=${late}`);
    expect(expired.location).toContain('signin=expired');
    expect(third.cookies.has('encore_session')).toBe(false);
  });

  it('signs in with an emailed 6-digit code, in both languages, and signs out', async () => {
    for (const lang of ['en', 'es']) {
      const web = new WebClient(ctx.app);
      const form = await web.get(signInPage(lang));
      expect(form.status).toBe(200);
      expect(form.body).toContain('name="_csrf"');
      const email = `code-${lang}@fans.example`;
      const sent = await web.post(`/${lang}/signin/code`, { tenant: tenant.tenantId, next: `/${lang}/somewhere?x=1`, email });
      expect(sent.status).toBe(200);
      expect(textOf(sent.body)).toContain(lang === 'en' ? `We sent a 6-digit code to ${email}` : `Hemos enviado un código de 6 dígitos a ${email}`);
      const code = await lastCode(email);
      const done = await web.post(`/${lang}/signin/verify`, { tenant: tenant.tenantId, next: `/${lang}/somewhere?x=1`, email, code });
      expect(done.status).toBe(303);
      expect(done.location).toBe(`/${lang}/somewhere?x=1`);
      expect(web.cookies.has('encore_session')).toBe(true);
      // The shell shows who is signed in, with a sign-out form.
      const signedIn = await web.get(`/${lang}/signin?tenant=${tenant.tenantId}`);
      expect(signedIn.status).toBe(303);
      const out = await web.post(`/${lang}/signout`, { next: `/${lang}/bye` });
      expect(out.status).toBe(303);
      expect(out.location).toBe(`/${lang}/bye`);
      expect(web.cookies.has('encore_session')).toBe(false);
    }
  });

  it('counts wrong codes: the fifth burns the code', async () => {
    const web = new WebClient(ctx.app);
    await web.get(signInPage());
    const email = 'tries@fans.example';
    await web.post('/en/signin/code', { tenant: tenant.tenantId, email });
    const code = await lastCode(email);
    const wrong = code === '000000' ? '111111' : '000000';
    const first = await web.post('/en/signin/verify', { tenant: tenant.tenantId, email, code: wrong });
    expect(first.status).toBe(400);
    expect(textOf(first.body)).toContain('That code is not right. 4 tries left.');
    for (let i = 0; i < 4; i++) await web.post('/en/signin/verify', { tenant: tenant.tenantId, email, code: wrong });
    const burnt = await web.post('/en/signin/verify', { tenant: tenant.tenantId, email, code });
    expect(textOf(burnt.body)).toContain('Too many wrong tries');
    expect(web.cookies.has('encore_session')).toBe(false);
  });

  it('refuses a bad email naming it, and never redirects off the site', async () => {
    const web = new WebClient(ctx.app);
    await web.get(signInPage());
    const bad = await web.post('/en/signin/code', { tenant: tenant.tenantId, email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(textOf(bad.body)).toContain('Enter a valid email address.');
    expect(bad.body).toContain('aria-invalid="true"');
    const email = 'redirect@fans.example';
    await web.post('/en/signin/code', { tenant: tenant.tenantId, email });
    const done = await web.post('/en/signin/verify', { tenant: tenant.tenantId, email, code: await lastCode(email), next: 'https://evil.example/' });
    expect(done.location).toBe('/en/');
  });

  it('refuses a form without its CSRF token, and an unknown tenant is a 404 page', async () => {
    const web = new WebClient(ctx.app);
    await web.get(signInPage());
    const res = await web.post('/en/signin/code', { tenant: tenant.tenantId, email: FAN }, { csrf: false });
    expect(res.status).toBe(403);
    const unknown = await web.get('/en/signin?tenant=ten_nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('text/html');
  });

  it('a session of one tenant signs no one in on another tenant’s pages', async () => {
    const other = await ctx.createTenant('Other Co');
    const web = new WebClient(ctx.app);
    await web.open(`/en/signin?tenant=${tenant.tenantId}&oneTimeToken=${await oneTimeToken()}`);
    expect(web.cookies.has('encore_session')).toBe(true);
    const there = await web.get(`/en/signin?tenant=${other.tenantId}`);
    expect(there.status).toBe(200);
    expect(textOf(there.body)).toContain('Enter your email address');
  });
});
