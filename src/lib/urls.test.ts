import { describe, expect, it } from 'vitest';
import { buildPublicUrl, checkReturnTo, isLang, negotiateLang } from './urls.js';

describe('buildPublicUrl', () => {
  it('puts the language first, then the path, then the query', () => {
    expect(buildPublicUrl('https://encore.test', ['marketplace', 'shows', 'shw_01'], { lang: 'es', query: { ticketId: 'T-1' } })).toBe(
      'https://encore.test/es/marketplace/shows/shw_01?ticketId=T-1',
    );
    expect(buildPublicUrl('https://encore.test', ['marketplace'], { lang: 'en' })).toBe('https://encore.test/en/marketplace');
  });

  it('keeps a base path and drops trailing slashes of the base', () => {
    expect(buildPublicUrl('https://x.test/encore/', ['a'], { lang: 'en' })).toBe('https://x.test/encore/en/a');
    expect(buildPublicUrl('http://localhost:3000//', ['a'], { lang: 'en' })).toBe('http://localhost:3000/en/a');
  });

  it('percent-encodes path segments and query values (space as %20, never +)', () => {
    const url = buildPublicUrl('https://e.test', ['a b', 'ü/?#'], { lang: 'es', query: { ticketId: 'x y&z=1+2#/?ñ' } });
    expect(url).toBe('https://e.test/es/a%20b/%C3%BC%2F%3F%23?ticketId=x%20y%26z%3D1%2B2%23%2F%3F%C3%B1');
    // What a browser reads back is exactly what went in.
    const parsed = new URL(url);
    expect(parsed.searchParams.get('ticketId')).toBe('x y&z=1+2#/?ñ');
    expect(parsed.pathname.split('/').map(decodeURIComponent)).toEqual(['', 'es', 'a b', 'ü/?#']);
  });

  it('leaves out undefined query values and keeps the caller order, then returnTo, then oneTimeToken', () => {
    const url = buildPublicUrl('https://e.test', ['p'], {
      lang: 'en',
      query: { b: '2', skipped: undefined, a: '1' },
      oneTimeToken: 'tok en',
      returnTo: 'https://shop.example/back?x=1',
      allowedOrigins: ['https://shop.example'],
    });
    expect(url).toBe('https://e.test/en/p?b=2&a=1&returnTo=https%3A%2F%2Fshop.example%2Fback%3Fx%3D1&oneTimeToken=tok%20en');
  });

  it('refuses a language other than es or en, naming the field', () => {
    for (const lang of ['fr', 'ES', '', 'es-ES']) {
      expect(() => buildPublicUrl('https://e.test', ['p'], { lang })).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR', field: 'lang' }));
    }
    expect(isLang('es')).toBe(true);
    expect(isLang('en')).toBe(true);
    expect(isLang('de')).toBe(false);
    expect(isLang(undefined)).toBe(false);
  });

  it('refuses dot and empty path segments (a browser would resolve them away)', () => {
    for (const seg of ['.', '..', '']) expect(() => buildPublicUrl('https://e.test', ['a', seg], { lang: 'en' })).toThrow(/path segment/);
  });

  it('refuses a base that is not an http(s) URL', () => {
    expect(() => buildPublicUrl('ftp://e.test', ['a'], { lang: 'en' })).toThrow(/http/);
    expect(() => buildPublicUrl('not a url', ['a'], { lang: 'en' })).toThrow(/not a URL/);
  });
});

describe('returnTo (no open redirects)', () => {
  const allowed = ['https://shop.example', 'http://localhost:8080'];

  it('accepts URLs on an allowed origin', () => {
    expect(checkReturnTo('https://shop.example/orders/1', allowed)).toBe('https://shop.example/orders/1');
    expect(checkReturnTo('http://localhost:8080', allowed)).toBe('http://localhost:8080/');
  });

  it.each([
    ['https://evil.example/', 'RETURN_TO_NOT_ALLOWED'],
    ['https://shop.example.evil.example/', 'RETURN_TO_NOT_ALLOWED'],
    ['https://shop.example:444/', 'RETURN_TO_NOT_ALLOWED'],
    ['http://shop.example/', 'RETURN_TO_NOT_ALLOWED'],
    ['https://user:pw@shop.example/', 'VALIDATION_ERROR'],
    ['//shop.example/x', 'VALIDATION_ERROR'],
    ['/relative', 'VALIDATION_ERROR'],
    ['javascript:alert(1)', 'VALIDATION_ERROR'],
    ['data:text/html,hi', 'VALIDATION_ERROR'],
    ['not a url', 'VALIDATION_ERROR'],
  ])('refuses %s with a 400 %s on returnTo', (returnTo, code) => {
    expect(() => checkReturnTo(returnTo, allowed)).toThrow(expect.objectContaining({ code, field: 'returnTo' }));
    expect(() => buildPublicUrl('https://e.test', ['p'], { lang: 'en', returnTo, allowedOrigins: allowed })).toThrow(
      expect.objectContaining({ code, field: 'returnTo' }),
    );
  });

  it('refuses every returnTo when the tenant allows no origin', () => {
    expect(() => buildPublicUrl('https://e.test', ['p'], { lang: 'en', returnTo: 'https://shop.example/' })).toThrow(
      expect.objectContaining({ code: 'RETURN_TO_NOT_ALLOWED', field: 'returnTo' }),
    );
  });
});

describe('negotiateLang', () => {
  it('picks es or en by the primary subtag, case-insensitive, and falls back to the tenant default', () => {
    expect(negotiateLang('es-AR', 'en')).toBe('es');
    expect(negotiateLang('EN', 'es')).toBe('en');
    expect(negotiateLang('en_GB', 'es')).toBe('en');
    expect(negotiateLang(' es ', 'en')).toBe('es');
    expect(negotiateLang('pt', 'es')).toBe('es');
    expect(negotiateLang('pt-BR', 'en')).toBe('en');
    expect(negotiateLang('', 'en')).toBe('en');
    expect(negotiateLang(undefined, 'en')).toBe('en');
  });
});
