import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../src/db/embedded.js';
import { postmasterPid, removeDataDir, runCli, startServe, tempDataDir } from './process.js';

/**
 * The command line and the embedded server's lifecycle, as real processes: commands with and without
 * a running `serve`, the first-start greeting, graceful shutdown, and recovery after a SIGKILL.
 */
describe('encore command line and embedded PostgreSQL lifecycle', () => {
  const dir = tempDataDir();
  // No ENCORE_SECRET_KEY (a test harness may have put one in the environment): the key file is tested here.
  const env = { DATA_DIR: dir, DATABASE_URL: '', ENCORE_SECRET_KEY: '' };
  afterAll(() => removeDataDir(dir));

  // A dozen real processes, each starting (or attaching to) the embedded server: about 25 s alone on a
  // 2-core machine, past the default 30 s while the rest of the suite runs beside it.
  it('runs tenant and key commands without serve, starting the embedded server for their duration', async () => {
    const created = await runCli(['tenant', 'create', '--name', 'Acme Tickets', '--return-origin', 'https://acme.test/path', '--webhook-url', 'https://acme.test/hooks'], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const tenant = JSON.parse(lines[0]!) as { tenantId: string; apiKey: string };
    expect(tenant.tenantId).toMatch(/^ten_/);
    expect(tenant.apiKey).toMatch(/^enc_sk_/);
    // The command stopped the server it started.
    expect(postmasterPid(dir) === undefined || !isAlive(postmasterPid(dir)!)).toBe(true);

    const key = await runCli(['key', 'create', '--tenant', tenant.tenantId], env);
    expect(key.code).toBe(0);
    const second = JSON.parse(key.stdout) as { apiKey: string };
    expect(second.apiKey).not.toBe(tenant.apiKey);

    const unknown = await runCli(['key', 'create', '--tenant', 'ten_nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/does not exist/);

    const revoke = await runCli(['key', 'revoke', '--key-prefix', second.apiKey.slice(0, 12)], env);
    expect(revoke.code).toBe(0);
    expect(JSON.parse(revoke.stdout)).toMatchObject({ tenantId: tenant.tenantId, revoked: true });

    const list = await runCli(['tenant', 'list'], env);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { tenantId: string; activeKeys: number; returnOrigins: string[] });
    expect(rows).toEqual([expect.objectContaining({ tenantId: tenant.tenantId, activeKeys: 1, returnOrigins: ['https://acme.test'], defaultLanguage: 'es' })]);

    const bad = await runCli(['tenant', 'create'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--name/);

    // The pages' default language (SPEC §1.1): en here, and a language Encore does not speak is refused.
    const english = await runCli(['tenant', 'create', '--name', 'Globex', '--lang', 'en'], env);
    expect(english.code).toBe(0);
    const globex = JSON.parse(english.stdout) as { tenantId: string };
    const listed = (await runCli(['tenant', 'list'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { tenantId: string; defaultLanguage: string });
    expect(listed.find((t) => t.tenantId === globex.tenantId)?.defaultLanguage).toBe('en');
    const portuguese = await runCli(['tenant', 'create', '--name', 'Initech', '--lang', 'pt'], env);
    expect(portuguese.code).toBe(1);
    expect(portuguese.stderr).toMatch(/language/);

    // The Smart Access Layer's theme: set at creation, changed later, a bad colour refused naming it.
    const themed = await runCli(['tenant', 'create', '--name', 'Umbrella', '--theme-accent', '#FF0066', '--theme-logo', 'https://cdn.umbrella.test/logo.png'], env);
    expect(themed.code, themed.stderr).toBe(0);
    const umbrella = JSON.parse(themed.stdout) as { tenantId: string };
    const retheme = await runCli(['tenant', 'theme', '--tenant', umbrella.tenantId, '--background', '#000'], env);
    expect(JSON.parse(retheme.stdout)).toEqual({ background: '#000', text: '#1a1a1a', accent: '#ff0066', logoUrl: 'https://cdn.umbrella.test/logo.png' });
    const badColour = await runCli(['tenant', 'theme', '--tenant', umbrella.tenantId, '--accent', 'pink'], env);
    expect(badColour.code).toBe(1);
    expect(badColour.stderr).toMatch(/theme\.accent/);

    // Keys work against the API: the first is valid, the revoked one is refused.
    const server = await startServe(env);
    try {
      const okRes = await fetch(`${server.url}/v1/webhooks`, { headers: { authorization: tenant.apiKey } });
      expect(okRes.status).toBe(200);
      const hooks = (await okRes.json()) as { data: Array<{ url: string }> };
      expect(hooks.data.map((h) => h.url)).toEqual(['https://acme.test/hooks']);
      const revoked = await fetch(`${server.url}/v1/webhooks`, { headers: { authorization: second.apiKey } });
      expect(revoked.status).toBe(401);
      // No demo tenant: the database was not empty at first serve.
      expect(server.output()).not.toMatch(/demo tenant/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 90_000);

  it('greets the first start with a demo key, serves commands while running, and recovers from SIGKILL', async () => {
    const fresh = tempDataDir();
    const freshEnv = { DATA_DIR: fresh, DATABASE_URL: '', ENCORE_SECRET_KEY: '' };
    try {
      const first = await startServe(freshEnv);
      const key = /API key:\s+(enc_sk_\S+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      expect(first.output()).toMatch(/curl -s -X POST http:\/\/localhost:\d+\/v1\/events/);
      const whoami = await fetch(`${first.url}/v1/webhooks`, { headers: { authorization: `Bearer ${key!}` } });
      expect(whoami.status).toBe(200);
      // Without ENCORE_SECRET_KEY, the first start generated the secret key in the data folder, readable by its owner alone.
      const keyFile = path.join(fresh, 'secret.key');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const secretKey = fs.readFileSync(keyFile, 'utf8');
      expect(first.output()).toMatch(/generated the secret key/);

      // A command attaches to the running server instead of starting a second one.
      const pgPid = postmasterPid(fresh)!;
      const created = await runCli(['tenant', 'create', '--name', 'while-serving'], freshEnv);
      expect(created.code).toBe(0);
      expect(postmasterPid(fresh)).toBe(pgPid);
      expect(isAlive(pgPid)).toBe(true);

      // Kill -9: the embedded postgres survives as an orphan.
      await first.stop('SIGKILL');
      expect(isAlive(pgPid)).toBe(true);

      const second = await startServe(freshEnv);
      try {
        const newPid = postmasterPid(fresh)!;
        expect(isAlive(pgPid) && newPid !== pgPid).toBe(false);
        expect(second.output()).not.toMatch(/demo tenant/);
        // The key is read again, never replaced.
        expect(second.output()).not.toMatch(/generated the secret key/);
        expect(fs.readFileSync(keyFile, 'utf8')).toBe(secretKey);
        const list = await runCli(['tenant', 'list'], freshEnv);
        expect(list.stdout).toMatch(/"name":"demo"/);
        expect(list.stdout).toMatch(/"name":"while-serving"/);
        const again = await fetch(`${second.url}/v1/webhooks`, { headers: { authorization: key! } });
        expect(again.status).toBe(200);
      } finally {
        // Graceful shutdown stops the embedded server too.
        expect(await second.stop('SIGTERM')).toBe(0);
      }
      const last = postmasterPid(fresh);
      expect(last === undefined || !isAlive(last)).toBe(true);
    } finally {
      removeDataDir(fresh);
    }
  }, 60_000);

  it('refuses a bad configuration with a clear message', async () => {
    const res = await runCli(['migrate'], { ...env, PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/PORT must be an integer/);
    expect(res.stderr).toMatch(/LOG_LEVEL must be one of/);
    const badKey = await runCli(['migrate'], { ...env, ENCORE_SECRET_KEY: 'not-a-key' });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/ENCORE_SECRET_KEY must be 32 bytes/);
    expect(badKey.stderr).not.toMatch(/not-a-key/);
  });
});
