import { beforeAll, describe, expect, it } from 'vitest';
import { marketplaceClient } from '../../../test/client.js';
import { useContext } from '../../../test/harness.js';
import { sha256Hex } from '../../lib/signing.js';
import { consumeOneTimeToken } from '../../modules/auth-tokens/index.js';

describe('GET /v1/auth/oneTimeToken', () => {
  const ctx = useContext({ clock: 'manual' });
  let tenant: { tenantId: string; apiKey: string; keyId: string };

  const get = (query: string, key: string | null = tenant.apiKey) => marketplaceClient(ctx, key ?? undefined).get(`/v1/auth/oneTimeToken${query}`);

  beforeAll(async () => {
    tenant = await ctx.createTenant('tokens');
  });

  it('returns a random token, stored only as its SHA-256 with the lower-cased user, valid 10 minutes', async () => {
    const res = await get('?user=Fan@Example.COM&method=email');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 200, data: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), errors: null });
    const token = res.body.data as string;

    const rows = await ctx.deps.db.selectFrom('one_time_tokens').selectAll().where('tenant_id', '=', tenant.tenantId).execute();
    expect(rows).toHaveLength(1);
    const now = ctx.clock!.now().getTime();
    expect(rows[0]).toMatchObject({ token_hash: sha256Hex(token), user_email: 'fan@example.com', method: 'email', used_at: null });
    expect(rows[0]!.id).toMatch(/^ott_/);
    expect(rows[0]!.created_at.getTime()).toBe(now);
    expect(rows[0]!.expires_at.getTime()).toBe(now + 10 * 60 * 1000);

    // Hash-only storage: the raw token is in no column of the table, nor in the audit log.
    const everything = JSON.stringify(await ctx.deps.db.selectFrom('one_time_tokens').selectAll().execute());
    expect(everything).not.toContain(token);
    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenant.tenantId).where('entity_type', '=', 'one_time_token').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'one_time_token.issued', entity_id: rows[0]!.id, actor_key_id: tenant.keyId });
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(audit)).not.toContain(sha256Hex(token));

    expect(await consumeOneTimeToken(ctx.deps, token)).toEqual({ tenantId: tenant.tenantId, user: 'fan@example.com', method: 'email' });
  });

  it('defaults method to email, and gives a different token every time', async () => {
    const a = await get('?user=a@example.com');
    const b = await get('?user=a@example.com');
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.data).not.toBe(b.body.data);
  });

  it.each([
    ['', 'user'],
    ['?method=email', 'user'],
    ['?user=', 'user'],
    ['?user=not-an-email', 'user'],
    ['?user=a@b', 'user'],
    [`?user=${'a'.repeat(250)}@example.com`, 'user'],
    ['?user=a%00b@example.com', 'user'],
    ['?user=a@example.com&method=sms', 'method'],
    ['?user=a@example.com&method=EMAIL', 'method'],
    ['?user=a@example.com&user=b@example.com', 'user'],
  ])('refuses %s with 400 VALIDATION_ERROR on %s', async (query, field) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, data: null, errors: [{ code: 'VALIDATION_ERROR', field }] });
  });

  it('writes nothing for a refused request', async () => {
    const before = await ctx.deps.db.selectFrom('one_time_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    await get('?user=a@example.com&method=sms');
    const after = await ctx.deps.db.selectFrom('one_time_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('requires a valid key', async () => {
    expect((await get('?user=a@example.com', null)).status).toBe(401);
    expect((await get('?user=a@example.com', 'enc_sk_wrong')).status).toBe(401);
  });

  it("scopes the token to the tenant whose key asked for it", async () => {
    const other = await ctx.createTenant('other');
    const res = await get('?user=x@example.com', other.apiKey);
    expect(res.status).toBe(200);
    expect(await consumeOneTimeToken(ctx.deps, res.body.data as string)).toMatchObject({ tenantId: other.tenantId, user: 'x@example.com' });
  });
});
