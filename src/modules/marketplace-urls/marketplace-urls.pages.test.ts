import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/app-error.js';
import {
  checkLoginTrust,
  checkoutPage,
  hostedPageUrl,
  listingEditPage,
  listingPage,
  myTicketsPage,
  payoutDetailsPage,
  sellOrderPage,
  sellTicketPage,
  showPage,
  ticketSalePage,
  transferPage,
} from './marketplace-urls.pages.js';

const BASE = 'https://encore.test/x/';

describe('hosted pages and their URLs', () => {
  it('puts Encore ids in the path and the integrator ids in the query, in order', () => {
    expect(hostedPageUrl(BASE, showPage('shw_1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/shows/shw_1');
    expect(hostedPageUrl(BASE, showPage('shw_1', 'vip area'), { lang: 'en' })).toBe('https://encore.test/x/en/marketplace/shows/shw_1?ticketOptionId=vip%20area');
    expect(hostedPageUrl(BASE, ticketSalePage('shw_1', 'T/1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/shows/shw_1?ticketId=T%2F1');
    expect(hostedPageUrl(BASE, sellTicketPage('shw_1', 'T-1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/shows/shw_1/sell?ticketId=T-1');
    expect(hostedPageUrl(BASE, sellOrderPage('ten_1', 'O 1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/tenants/ten_1/sell?orderId=O%201');
    expect(hostedPageUrl(BASE, listingPage('lst_1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/listings/lst_1');
    expect(hostedPageUrl(BASE, listingEditPage('lst_1'), { lang: 'en' })).toBe('https://encore.test/x/en/marketplace/listings/lst_1/edit');
    expect(hostedPageUrl(BASE, transferPage('shw_1', 'T 1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/shows/shw_1/transfer?ticketId=T%201');
    expect(hostedPageUrl(BASE, payoutDetailsPage('ten_1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/tenants/ten_1/payout-details');
    expect(hostedPageUrl(BASE, myTicketsPage('ten_1', 'O-1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/tenants/ten_1/tickets?orderId=O-1');
    expect(hostedPageUrl(BASE, myTicketsPage('ten_1'), { lang: 'es' })).toBe('https://encore.test/x/es/marketplace/tenants/ten_1/tickets');
    expect(hostedPageUrl(BASE, checkoutPage('bi_1', 's3'), { lang: 'es', oneTimeToken: 'tok' })).toBe('https://encore.test/x/es/checkout/bi_1?secret=s3&oneTimeToken=tok');
  });

  it('adds returnTo (on an allowed origin) before the one-time token', () => {
    const url = hostedPageUrl(BASE, listingPage('lst_1'), { lang: 'es', returnTo: 'https://shop.test/back', allowedOrigins: ['https://shop.test'], oneTimeToken: 'tok' });
    expect(url).toBe('https://encore.test/x/es/marketplace/listings/lst_1?returnTo=https%3A%2F%2Fshop.test%2Fback&oneTimeToken=tok');
  });

  it('login trust: both or neither, naming the missing field', () => {
    expect(checkLoginTrust(undefined)).toBeUndefined();
    expect(checkLoginTrust({})).toBeUndefined();
    expect(checkLoginTrust({ withMethod: 'email', user: 'a@b.test' })).toEqual({ method: 'email', user: 'a@b.test' });
    const missing = (trust: { withMethod?: string; user?: string }) => {
      try {
        checkLoginTrust(trust);
      } catch (err) {
        return err instanceof AppError ? [err.code, err.field, err.message] : err;
      }
      return 'no error';
    };
    expect(missing({ withMethod: 'email' })).toEqual(['VALIDATION_ERROR', 'loginTrust[user]', 'loginTrust[user] is required with loginTrust[withMethod]']);
    expect(missing({ user: 'a@b.test' })).toEqual(['VALIDATION_ERROR', 'loginTrust[withMethod]', 'loginTrust[withMethod] is required with loginTrust[user]']);
  });
});
