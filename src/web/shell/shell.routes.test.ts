import { describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';

const ctx = useContext();

describe('the page shell', () => {
  it('answers an unknown page with a friendly 404 page, never JSON, with the CSP and referrer policy', async () => {
    for (const lang of ['es', 'en']) {
      const res = await ctx.app.inject({ method: 'GET', url: `/${lang}/no/such/page` });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(res.body).toContain(lang === 'es' ? 'Página no encontrada' : 'Page not found');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self' 'nonce-[\w+/=]+'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      // The theme's <style> and the script carry the nonces the CSP names (one per directive).
      const styleNonce = /<style nonce="([^"]+)"/.exec(res.body)?.[1];
      const scriptNonce = /<script [^>]*nonce="([^"]+)"/.exec(res.body)?.[1];
      expect(csp).toContain(`style-src 'self' 'nonce-${styleNonce}'`);
      expect(csp).toContain(`script-src 'self' 'nonce-${scriptNonce}'`);
    }
  });

  it('serves the assets with a content hash and a year-long immutable cache', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/en/nothing' });
    const css = /href="(\/assets\/encore\.css\?v=[0-9a-f]{12})"/.exec(page.body)?.[1];
    expect(css).toBeDefined();
    const res = await ctx.app.inject({ method: 'GET', url: css! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['cache-control']).toContain('max-age=31536000');
  });

  it('keeps JSON for the API families', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing' });
    expect(res.headers['content-type']).toContain('application/json');
  });

  it('refuses a form without its CSRF token with a 403 page', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/en/signin/code', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'tenant=x&email=a%40b.co' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('This form has expired');
  });

  it('serves the dev mailbox outside production', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/dev/mail' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Dev mailbox');
  });
});
