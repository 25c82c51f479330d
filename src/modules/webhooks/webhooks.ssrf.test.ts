import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../../test/fake-receiver.js';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { deliver, emitWebhook } from './index.js';

/** WEBHOOK_PRIVATE_NETWORKS=deny (the default outside the test harness): no webhook reaches this machine's network. */
describe('webhook endpoints on private networks', () => {
  const ctx = useContext({ env: { WEBHOOK_PRIVATE_NETWORKS: 'deny' } });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'http://localhost/hooks',
    'http://api.localhost/hooks',
    'http://[::1]/hooks',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.5/hooks',
    'http://192.168.1.10/hooks',
    'http://[::ffff:127.0.0.1]/hooks',
    'http://0.0.0.0/hooks',
    // IPv6 forms that carry an IPv4 address are judged as that address (issue 13).
    'http://[::7f00:1]/hooks', // IPv4-compatible 127.0.0.1
    'http://[::127.0.0.1]/hooks',
    'http://[::a00:5]/hooks', // IPv4-compatible 10.0.0.5
    'http://[::ffff:7f00:1]/hooks', // IPv4-mapped, hex
    'http://[::ffff:a9fe:a9fe]/latest/meta-data', // IPv4-mapped 169.254.169.254
    'http://[::ffff:0:7f00:1]/hooks', // IPv4-translated
    'http://[64:ff9b::7f00:1]/hooks', // NAT64 127.0.0.1
    'http://[64:ff9b::169.254.169.254]/latest/meta-data',
    'http://[64:ff9b:1::c0a8:10a]/hooks', // local-use NAT64 192.168.1.10
    'http://[64:ff9b:1:abcd::1]/hooks', // local-use NAT64 with an embedding that cannot be known
  ])('refuses to register %s (400 naming url)', async (url) => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'url' });
    expect(res.json().errors[0].message).toMatch(/public internet/);
  });

  it.each(['http://[64:ff9b::808:808]/hooks', 'http://[::ffff:8.8.8.8]/hooks'])('accepts %s: the IPv4 address it carries is public', async (url) => {
    const t = await ctx.createTenant();
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url } });
    expect(res.statusCode).toBe(200);
  });

  it('refuses credentials in the URL, and a private address on replace too', async () => {
    const t = await ctx.createTenant();
    const creds = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url: 'https://user:pw@hooks.example.com/' } });
    expect(creds.statusCode).toBe(400);
    expect(creds.json().errors[0]).toMatchObject({ field: 'url' });
    const ok = await ctx.app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: t.apiKey }, payload: { url: 'https://hooks.example.com/encore' } });
    expect(ok.statusCode).toBe(200);
    const put = await ctx.app.inject({ method: 'PUT', url: `/v1/webhooks/${ok.json().data.id}`, headers: { authorization: t.apiKey }, payload: { url: 'http://127.0.0.1/x' } });
    expect(put.statusCode).toBe(400);
    expect(put.json().errors[0]).toMatchObject({ field: 'url' });
  });

  it('never sends to a private address at delivery, even for an endpoint stored before the rule: the attempt fails and says why', async () => {
    const receiver = await startReceiver([200]);
    try {
      const t = await ctx.createTenant();
      const now = new Date();
      // Stored directly, as an endpoint registered while private networks were allowed.
      await ctx.deps.db
        .insertInto('webhook_endpoints')
        .values({ tenant_id: t.tenantId, id: 'whk_private', url: receiver.url, secret: 'whsec_x', description: null, event_types: [], enabled: true, created_at: now, updated_at: now })
        .execute();
      await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: {} }));
      const { id } = await ctx.deps.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', 'whk_private').executeTakeFirstOrThrow();
      const after = await deliver(ctx.deps, t.tenantId, id);
      expect(after).toMatchObject({ status: 'PENDING', attempts: 1, last_status_code: null });
      expect(after!.last_error).toMatch(/127\.0\.0\.1 is a private network address/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it('never sends at delivery to an IPv6 form of a private IPv4 address (IPv4-compatible, IPv4-mapped, NAT64)', async () => {
    const receiver = await startReceiver([200]);
    try {
      const t = await ctx.createTenant();
      const port = new URL(receiver.url).port;
      const now = new Date();
      const hosts = ['[::7f00:1]', '[::ffff:7f00:1]', '[64:ff9b::7f00:1]'];
      await ctx.deps.db
        .insertInto('webhook_endpoints')
        .values(hosts.map((h, i) => ({ tenant_id: t.tenantId, id: `whk_v6_${i}`, url: `http://${h}:${port}/hooks`, secret: 'whsec_x', description: null, event_types: [], enabled: true, created_at: now, updated_at: now })))
        .execute();
      await withTx(ctx.deps.db, (tx) => emitWebhook(tx, ctx.deps, t.tenantId, { family: 'event', action: 'created', data: {} }));
      const rows = await ctx.deps.db.selectFrom('webhook_deliveries').select('id').where('tenant_id', '=', t.tenantId).execute();
      expect(rows).toHaveLength(3);
      for (const { id } of rows) {
        const after = await deliver(ctx.deps, t.tenantId, id);
        expect(after).toMatchObject({ status: 'PENDING', attempts: 1, last_status_code: null });
        expect(after!.last_error).toMatch(/is a private network address/);
      }
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});
