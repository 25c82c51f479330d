import { beforeAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { createSecretBox, generateSecretKey } from '../../lib/secret-box.js';
import type { Actor } from '../audit/index.js';
import {
  decryptPayoutAccount,
  getPayoutAccountView,
  payoutsOfOrder,
  releaseDuePayouts,
  savePayoutAccount,
  schedulePayouts,
  sellersWithPayoutAccount,
  setPayoutAccount,
} from './index.js';

/** Sellers' payout accounts (SPEC §4.1 item 7): stored sealed, shown masked, and the condition of a payout's release. */
describe('payout accounts', () => {
  const ctx = useContext({ clock: 'manual' });
  let actor: Actor;
  let other: Actor;

  beforeAll(async () => {
    ctx.clock!.set('2027-05-01T10:00:00Z');
    actor = { tenantId: (await ctx.createTenant('payouts')).tenantId, label: 'test' };
    other = { tenantId: (await ctx.createTenant('other')).tenantId, label: 'test' };
  });

  const save = (who: Actor, input: Parameters<typeof savePayoutAccount>[2]) => savePayoutAccount(ctx.deps, who, input);
  const rowOf = (tenantId: string, sellerEmail: string) =>
    ctx.deps.db.selectFrom('payout_accounts').selectAll().where('tenant_id', '=', tenantId).where('seller_email', '=', sellerEmail).executeTakeFirstOrThrow();

  it('stores the number sealed, answers a masked view, and audits only the kind, last4 and country', async () => {
    const view = await save(actor, { sellerEmail: 'Ana@Fans.Example', holderName: ' Ana García ', iban: 'ES91 2100 0418 4502 0005 1332' });
    expect(view).toEqual({ sellerEmail: 'ana@fans.example', holderName: 'Ana García', kind: 'IBAN', last4: '1332', country: 'ES', bankCode: null, updatedAt: '2027-05-01T10:00:00.000Z' });
    expect(await getPayoutAccountView(ctx.deps.db, actor.tenantId, ' ANA@fans.example')).toEqual(view);

    const row = await rowOf(actor.tenantId, 'ana@fans.example');
    expect(row.number_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toMatch(/21000418|0200051332/);
    expect(await decryptPayoutAccount(ctx.deps.db, ctx.deps, actor.tenantId, 'ana@fans.example')).toMatchObject({ kind: 'IBAN', iban: 'ES9121000418450200051332', last4: '1332' });

    // Replaced, not duplicated: created_at stays, the audit says what it was and what it is, never the number.
    ctx.clock!.advance(60_000);
    const changed = await save(actor, { sellerEmail: 'ana@fans.example', holderName: 'Ana García', accountNumber: '000123456789', bankCode: '021000021', country: 'US' });
    expect(changed).toMatchObject({ kind: 'ACCOUNT', last4: '6789', country: 'US', bankCode: '021000021', updatedAt: '2027-05-01T10:01:00.000Z' });
    const after = await rowOf(actor.tenantId, 'ana@fans.example');
    expect(after.created_at.toISOString()).toBe('2027-05-01T10:00:00.000Z');
    expect(await decryptPayoutAccount(ctx.deps.db, ctx.deps, actor.tenantId, 'ana@fans.example')).toMatchObject({ kind: 'ACCOUNT', accountNumber: '000123456789' });

    const audit = await ctx.deps.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', actor.tenantId).where('action', '=', 'payout_account.set').orderBy('id').execute();
    expect(audit.map((a) => [a.entity_type, a.entity_id, a.before, a.after])).toEqual([
      ['payout_account', 'ana@fans.example', null, { kind: 'IBAN', last4: '1332', country: 'ES' }],
      ['payout_account', 'ana@fans.example', { kind: 'IBAN', last4: '1332', country: 'ES' }, { kind: 'ACCOUNT', last4: '6789', country: 'US' }],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/21000418|000123456789/);
  });

  it('a refused account writes nothing', async () => {
    await expect(save(actor, { sellerEmail: 'bad@fans.example', holderName: 'Bad', iban: 'ES9121000418450200051333' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'iban' });
    expect(await getPayoutAccountView(ctx.deps.db, actor.tenantId, 'bad@fans.example')).toBeUndefined();
  });

  it('is the tenant’s: another tenant neither sees nor replaces it', async () => {
    await save(actor, { sellerEmail: 'shared@fans.example', holderName: 'Mine', iban: 'DE89370400440532013000' });
    expect(await getPayoutAccountView(ctx.deps.db, other.tenantId, 'shared@fans.example')).toBeUndefined();
    expect(await sellersWithPayoutAccount(ctx.deps.db, other.tenantId, ['shared@fans.example'])).toEqual(new Set());
    await save(other, { sellerEmail: 'shared@fans.example', holderName: 'Theirs', iban: 'GB29NWBK60161331926819' });
    expect(await getPayoutAccountView(ctx.deps.db, actor.tenantId, 'shared@fans.example')).toMatchObject({ holderName: 'Mine', last4: '3000' });
  });

  it('sellersWithPayoutAccount: which of the sellers have one, lower-cased, in one query', async () => {
    await save(actor, { sellerEmail: 'one@fans.example', holderName: 'One', iban: 'NL91ABNA0417164300' });
    expect(await sellersWithPayoutAccount(ctx.deps.db, actor.tenantId, ['ONE@fans.example', 'nobody@fans.example', 'one@fans.example', 'Ana@Fans.Example'])).toEqual(
      new Set(['one@fans.example', 'ana@fans.example']),
    );
    expect(await sellersWithPayoutAccount(ctx.deps.db, actor.tenantId, [])).toEqual(new Set());
  });

  it('a sealed number opens only in its own row, and only with the key that sealed it', async () => {
    await save(actor, { sellerEmail: 'moved@fans.example', holderName: 'Moved', iban: 'BE68539007547034' });
    const sealed = (await rowOf(actor.tenantId, 'moved@fans.example')).number_sealed;
    // Copied into another seller's row (someone with database access redirecting a payout): it does not open.
    await ctx.deps.db.updateTable('payout_accounts').set({ number_sealed: sealed }).where('tenant_id', '=', actor.tenantId).where('seller_email', '=', 'one@fans.example').execute();
    await expect(decryptPayoutAccount(ctx.deps.db, ctx.deps, actor.tenantId, 'one@fans.example')).rejects.toThrow(/another row/);
    await expect(decryptPayoutAccount(ctx.deps.db, { secrets: createSecretBox(generateSecretKey()) }, actor.tenantId, 'moved@fans.example')).rejects.toThrow(/another key/);
    expect(await decryptPayoutAccount(ctx.deps.db, ctx.deps, actor.tenantId, 'nobody@fans.example')).toBeUndefined();
  });

  it('a due payout is released only once its seller has a payout account; until then it stays SCHEDULED', async () => {
    const schedule = (orderId: string, sellerEmail: string) =>
      withTx(ctx.deps.db, (tx) =>
        schedulePayouts(tx, ctx.deps, actor, {
          orderId,
          releaseAt: new Date('2027-06-02T00:00:00Z'),
          now: ctx.clock!.now(),
          items: [{ listingId: `lst-${orderId}`, sellerEmail, amountMinor: 2850, currency: 'EUR' }],
        }),
      );
    await schedule('ord-without', 'late@fans.example');
    await schedule('ord-with', 'one@fans.example');
    // Another tenant's seller of the same email has an account: it does not count here.
    await save(other, { sellerEmail: 'late@fans.example', holderName: 'Not this tenant', iban: 'DE89370400440532013000' });

    ctx.clock!.set('2027-06-03T00:00:00Z');
    // A batch of one: the payout waiting for details must not hold up (or end) the sweep.
    expect(await releaseDuePayouts(ctx.deps, 1)).toBe(1);
    expect(await payoutsOfOrder(ctx.deps.db, actor.tenantId, 'ord-with')).toMatchObject([{ status: 'RELEASED' }]);
    expect(await payoutsOfOrder(ctx.deps.db, actor.tenantId, 'ord-without')).toMatchObject([{ status: 'SCHEDULED', releasedAt: null }]);
    expect(await releaseDuePayouts(ctx.deps)).toBe(0);
    expect(await payoutsOfOrder(ctx.deps.db, actor.tenantId, 'ord-without')).toMatchObject([{ status: 'SCHEDULED' }]);

    // The seller gives their details; the next sweep releases the payout.
    await withTx(ctx.deps.db, (tx) => setPayoutAccount(tx, ctx.deps, actor, { sellerEmail: 'LATE@fans.example', holderName: 'Late Seller', iban: 'FR1420041010050500013M02606' }, ctx.clock!.now()));
    ctx.clock!.advance(60_000);
    expect(await releaseDuePayouts(ctx.deps)).toBe(1);
    expect(await payoutsOfOrder(ctx.deps.db, actor.tenantId, 'ord-without')).toMatchObject([{ status: 'RELEASED', releasedAt: '2027-06-03T00:01:00.000Z' }]);
  });
});
