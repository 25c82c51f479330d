import { describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { call, priced, sellerTenant, syncTickets } from '../../modules/listings/listings.fixtures.js';

// The page cache on (tests run with it off): a public page rendered once, answered with this response's nonces and token.
const ctx = useContext({ env: { PAGE_CACHE_MS: '60000' } });

const nonces = (html: string) => ({ style: /<style nonce="([^"]+)"/.exec(html)?.[1], script: /<script [^>]*nonce="([^"]+)"/.exec(html)?.[1], csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] });

describe('the public page cache', () => {
  it('answers a second visitor from memory with their own nonces and CSRF token, and never a signed-in fan', async () => {
    const s = await sellerTenant(ctx, 'cache');
    await syncTickets(ctx, s.key, [priced('C1', 30, { buyer: 'ana@fans.example' }), priced('C2', 30, { buyer: 'bo@fans.example' })]);
    const listed = await call(ctx, s.key, 'POST', '/v1/marketplace/listings', { ticketIds: ['C1'], price: 31, sellerEmail: 'ana@fans.example' });
    expect(listed.status).toBe(200);
    const url = new URL((await call(ctx, s.key, 'GET', '/v1/events/tickets/salePublicUrl?ticketId=C1&lang=en')).body.data as string);
    const path = `${url.pathname}${url.search}`;

    const first = await ctx.app.inject({ method: 'GET', url: path });
    expect(first.statusCode).toBe(200);
    // A listing created now is not on the cached page for up to PAGE_CACHE_MS: the proof it is cached.
    await call(ctx, s.key, 'POST', '/v1/marketplace/listings', { ticketIds: ['C2'], price: 77, sellerEmail: 'bo@fans.example' });
    const second = await ctx.app.inject({ method: 'GET', url: path });
    expect(second.statusCode).toBe(200);
    const [a, b] = [nonces(first.body), nonces(second.body)];
    expect(b.script).toBeDefined();
    expect(b.script).not.toBe(a.script);
    expect(b.style).not.toBe(a.style);
    expect(String(second.headers['content-security-policy'])).toContain(`'nonce-${b.script}'`);
    expect(String(second.headers['content-security-policy'])).toContain(`'nonce-${b.style}'`);
    // Each browser gets the token of its own CSRF cookie.
    if (a.csrf !== undefined) expect(b.csrf).not.toBe(a.csrf);
    const strip = (h: string) => h.replaceAll(a.script!, 'N').replaceAll(b.script!, 'N').replaceAll(a.style!, 'S').replaceAll(b.style!, 'S').replace(/name="_csrf" value="[^"]+"/g, '').replace(/data-server-now="[^"]+"/, '');
    expect(strip(second.body)).toBe(strip(first.body));

    // A visitor with a session cookie gets a fresh render: the new listing is there.
    const fresh = await ctx.app.inject({ method: 'GET', url: path, headers: { cookie: 'encore_session=whatever' } });
    const c = nonces(fresh.body);
    const stripFresh = (h: string) => h.replaceAll(c.script!, 'N').replaceAll(c.style!, 'S').replace(/name="_csrf" value="[^"]+"/g, '').replace(/data-server-now="[^"]+"/, '');
    expect(stripFresh(fresh.body)).not.toBe(strip(first.body));
  });
});
