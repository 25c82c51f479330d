import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { sha256Hex } from '../../lib/signing.js';
import { consumeOneTimeToken } from '../../modules/auth-tokens/index.js';
import { createEvent, type StoredEvent } from '../../modules/tickets/admission.fixtures.js';
import { tokenOf, urlGetter } from '../../modules/marketplace-urls/marketplace-urls.fixtures.js';

describe('GET /v1/marketplace/buyingflow/url/entrypoint', () => {
  const ctx = useContext();
  let tenant: { tenantId: string; apiKey: string; keyId: string };
  let event: StoredEvent;
  const back = encodeURIComponent('https://shop.example/back?x=1');
  const call = (query: string, key: string | null = tenant.apiKey) => urlGetter(ctx, '/v1/marketplace/buyingflow/url/entrypoint')(query, key);
  const base = () => `?externalReferenceEventId=${event.externalReferenceId}&showId=${event.showId}&returnTo=${back}`;

  beforeAll(async () => {
    tenant = await ctx.createTenant('buyer-side', { returnOrigins: ['https://shop.example'] });
    event = await createEvent(ctx, tenant.apiKey, 'buy-event');
  });

  it("returns the show's marketplace page on PUBLIC_URL, in es by default", async () => {
    const res = await call(base());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 200,
      data: `http://encore.test/es/marketplace/shows/${event.showPk}?returnTo=https%3A%2F%2Fshop.example%2Fback%3Fx%3D1`,
      errors: null,
    });
  });

  it('filters to a ticket option of the show, in the language asked', async () => {
    const res = await call(`${base()}&ticketOptionId=ga&lang=en`);
    expect(res.status).toBe(200);
    expect(res.body.data).toBe(`http://encore.test/en/marketplace/shows/${event.showPk}?ticketOptionId=ga&returnTo=https%3A%2F%2Fshop.example%2Fback%3Fx%3D1`);
  });

  it('negotiates lang: a regional or upper-case tag picks es or en, another language the tenant default (es)', async () => {
    for (const [tag, lang] of [['en-GB', 'en'], ['EN', 'en'], ['es-AR', 'es'], ['fr', 'es']] as const) {
      const res = await call(`${base()}&lang=${tag}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(new URL(res.body.data).pathname).toBe(`/${lang}/marketplace/shows/${event.showPk}`);
    }
  });

  it('with login trust, appends a one-time token for that user, stored hashed', async () => {
    const res = await call(`${base()}&loginTrust[withMethod]=email&loginTrust%5Buser%5D=Fan@Example.com`);
    expect(res.status).toBe(200);
    const url = res.body.data;
    const token = tokenOf(url)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url).toBe(`http://encore.test/es/marketplace/shows/${event.showPk}?returnTo=https%3A%2F%2Fshop.example%2Fback%3Fx%3D1&oneTimeToken=${token}`);
    const row = await ctx.deps.db.selectFrom('one_time_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tenant_id: tenant.tenantId, user_email: 'fan@example.com', used_at: null });
    expect(await consumeOneTimeToken(ctx.deps, token)).toEqual({ tenantId: tenant.tenantId, user: 'fan@example.com', method: 'email' });
  });

  it.each([
    ['missing event', `?showId=night-1&returnTo=${back}`, 'VALIDATION_ERROR', 'externalReferenceEventId'],
    ['missing show', `?externalReferenceEventId=buy-event&returnTo=${back}`, 'VALIDATION_ERROR', 'showId'],
    ['missing returnTo', '?externalReferenceEventId=buy-event&showId=night-1', 'VALIDATION_ERROR', 'returnTo'],
    ['a lang longer than any tag', `&lang=${'x'.repeat(36)}`, 'VALIDATION_ERROR', 'lang'],
    ['unknown ticket option', '&ticketOptionId=vip', 'UNKNOWN_REFERENCE', 'ticketOptionId'],
    ['malformed returnTo', '?externalReferenceEventId=buy-event&showId=night-1&returnTo=javascript:alert(1)', 'VALIDATION_ERROR', 'returnTo'],
    ['returnTo off the allowed origins', '?externalReferenceEventId=buy-event&showId=night-1&returnTo=https://evil.example/', 'RETURN_TO_NOT_ALLOWED', 'returnTo'],
    ['login trust without user', '&loginTrust[withMethod]=email', 'VALIDATION_ERROR', 'loginTrust[user]'],
    ['login trust without method', '&loginTrust[user]=a@example.com', 'VALIDATION_ERROR', 'loginTrust[withMethod]'],
    ['login trust, bad method', '&loginTrust[withMethod]=sms&loginTrust[user]=a@example.com', 'VALIDATION_ERROR', 'loginTrust[withMethod]'],
    ['login trust, bad user', '&loginTrust[withMethod]=email&loginTrust[user]=nobody', 'VALIDATION_ERROR', 'loginTrust[user]'],
  ])('refuses a %s with 400 %s on %s', async (_what, query, code, field) => {
    const res = await call(query.startsWith('?') ? query : base() + query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, data: null, errors: [{ code, field }] });
  });

  it('issues no token when the request is refused', async () => {
    const count = async () => (await ctx.deps.db.selectFrom('one_time_tokens').select('id').execute()).length;
    const before = await count();
    const trust = '&loginTrust[withMethod]=email&loginTrust[user]=a@example.com';
    expect((await call(`${base()}&ticketOptionId=vip${trust}`)).status).toBe(400);
    expect((await call(`?externalReferenceEventId=buy-event&showId=night-1&returnTo=https://evil.example/${trust}`)).status).toBe(400);
    expect((await call(`?externalReferenceEventId=nope&showId=night-1&returnTo=${back}${trust}`)).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('answers 404 for an unknown event or show', async () => {
    const e = await call(`?externalReferenceEventId=nope&showId=night-1&returnTo=${back}`);
    expect(e.status).toBe(404);
    expect(errorOf(e)).toMatchObject({ code: 'EVENT_NOT_FOUND', field: 'externalReferenceEventId' });
    const nul = await call(`?externalReferenceEventId=buy%00event&showId=night-1&returnTo=${back}`);
    expect(errorOf(nul)).toMatchObject({ code: 'EVENT_NOT_FOUND', field: 'externalReferenceEventId' });
    const s = await call(`?externalReferenceEventId=buy-event&showId=night-9&returnTo=${back}`);
    expect(s.status).toBe(404);
    expect(errorOf(s)).toMatchObject({ code: 'SHOW_NOT_FOUND', field: 'showId' });
  });

  it("requires a key, and hides another tenant's events (404)", async () => {
    expect((await call(base(), null)).status).toBe(401);
    const other = await ctx.createTenant('other', { returnOrigins: ['https://shop.example'] });
    const res = await call(base(), other.apiKey);
    expect(res.status).toBe(404);
    expect(errorOf(res)!.code).toBe('EVENT_NOT_FOUND');
  });
});
