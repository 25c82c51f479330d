import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, createPool } from '../src/db/kysely.js';
import { migrateTo, migrateToLatest } from '../src/db/migrate.js';
import { adminQuery } from './test-server.js';

/**
 * Migration 0018 (issue 10): a database as the previous release left it — resale payments in
 * `payments`, purchase-intent payments in their own two tables — moves into the one payments table
 * without losing a row, an amount, a status or a reference. (`down` re-adds the foreign keys to buy
 * intentions and purchase intents, which this catalogue-less fixture does not have: not run here.)
 */

const T0 = new Date('2026-11-01T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

// Rows as release 0017 wrote them. Foreign keys are not checked while the fixture is written
// (session_replication_role = replica): the test is about the payment rows, not the catalogue.
const RESALE = [
  { id: 'pay_r_ok', intention_id: 'bi_1', status: 'SUCCEEDED', amount_minor: 3300, provider_ref: 'sbx_ch_pay_r_ok', card_last4: '4242', failure_code: null, refund_ref: null, created_at: at(1) },
  { id: 'pay_r_declined', intention_id: 'bi_2', status: 'DECLINED', amount_minor: 6600, provider_ref: 'sbx_ch_pay_r_declined', card_last4: '0002', failure_code: 'card_declined', refund_ref: null, created_at: at(2) },
  { id: 'pay_r_refunded', intention_id: 'bi_3', status: 'REFUNDED', amount_minor: 1250, provider_ref: 'sbx_ch_pay_r_refunded', card_last4: '4242', failure_code: null, refund_ref: 'sbx_re_pay_r_refunded', created_at: at(3) },
  { id: 'pay_r_flight', intention_id: 'bi_4', status: 'PROCESSING', amount_minor: 9999, provider_ref: null, card_last4: '4242', failure_code: null, refund_ref: null, created_at: at(4) },
] as const;
const INTENT = [
  { id: 'pay_i_multi', checkout_id: 'chk_multi', status: 'SUCCEEDED', amount_minor: 6000, sales_channel_id: 'web', provider_ref: 'sbx_ch_pay_i_multi', refund_ref: null, created_at: at(5) },
  { id: 'pay_i_flight', checkout_id: 'chk_flight', status: 'PROCESSING', amount_minor: 16000, sales_channel_id: null, provider_ref: null, refund_ref: null, created_at: at(6) },
  { id: 'pay_i_refunded', checkout_id: 'chk_ref', status: 'REFUNDED', amount_minor: 4000, sales_channel_id: null, provider_ref: 'sbx_ch_pay_i_refunded', refund_ref: 'sbx_re_pay_i_refunded', created_at: at(7) },
] as const;
const PARTS = [
  { payment_id: 'pay_i_multi', intent_id: 'pi_a', kind: 'deposit', amount_minor: 1000, live: false },
  { payment_id: 'pay_i_multi', intent_id: 'pi_b', kind: 'full', amount_minor: 5000, live: false },
  { payment_id: 'pay_i_flight', intent_id: 'pi_c', kind: 'full', amount_minor: 16000, live: true },
  { payment_id: 'pay_i_refunded', intent_id: 'pi_a', kind: 'balance', amount_minor: 4000, live: false },
] as const;

async function writeRelease17Rows(db: Kysely<unknown>): Promise<void> {
  await sql`SET session_replication_role = replica`.execute(db);
  for (const r of RESALE) {
    await sql`INSERT INTO payments (tenant_id, id, intention_id, provider, provider_ref, status, amount_minor, currency, card_last4, failure_code, failure_message, refund_ref, created_at, updated_at)
      VALUES ('tn_1', ${r.id}, ${r.intention_id}, 'sandbox', ${r.provider_ref}, ${r.status}, ${r.amount_minor}, 'EUR', ${r.card_last4}, ${r.failure_code}, ${r.failure_code ? 'The card was declined.' : null}, ${r.refund_ref}, ${r.created_at}, ${r.created_at})`.execute(db);
  }
  for (const p of INTENT) {
    await sql`INSERT INTO purchase_intent_payments (tenant_id, id, checkout_id, provider, provider_ref, status, amount_minor, currency, card_last4, failure_code, failure_message, refund_ref, sales_channel_id, created_at, updated_at)
      VALUES ('tn_1', ${p.id}, ${p.checkout_id}, 'sandbox', ${p.provider_ref}, ${p.status}, ${p.amount_minor}, 'EUR', '4242', null, null, ${p.refund_ref}, ${p.sales_channel_id}, ${p.created_at}, ${p.created_at})`.execute(db);
  }
  for (const p of PARTS) {
    await sql`INSERT INTO purchase_intent_payment_parts (tenant_id, payment_id, intent_id, kind, amount_minor, live) VALUES ('tn_1', ${p.payment_id}, ${p.intent_id}, ${p.kind}, ${p.amount_minor}, ${p.live})`.execute(db);
  }
  await sql`SET session_replication_role = DEFAULT`.execute(db);
}

describe('migration 0018: one payments table', () => {
  const { adminUrl, prefix, urlPattern } = inject('testDb');
  const name = `${prefix}_mig_${randomBytes(4).toString('hex')}`;
  const pool = createPool({ connectionString: urlPattern.replace('__DB__', name), max: 1 });
  const db = createDb(pool) as unknown as Kysely<unknown>;

  beforeAll(async () => {
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    await migrateTo(db, '0017-purchase-intent-identification');
    await writeRelease17Rows(db);
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('moves every resale and purchase-intent payment, with its amount, status and references', async () => {
    const rows = (await sql<Record<string, unknown>>`SELECT * FROM payments ORDER BY created_at`.execute(db)).rows;
    expect(rows).toHaveLength(RESALE.length + INTENT.length);
    for (const r of RESALE) {
      expect(rows.find((x) => x.id === r.id)).toMatchObject({
        tenant_id: 'tn_1',
        purpose: 'RESALE_ORDER',
        checkout_id: null,
        context: {},
        status: r.status,
        amount_minor: r.amount_minor,
        currency: 'EUR',
        provider_ref: r.provider_ref,
        card_last4: r.card_last4,
        failure_code: r.failure_code,
        refund_ref: r.refund_ref,
        created_at: r.created_at,
      });
    }
    for (const p of INTENT) {
      expect(rows.find((x) => x.id === p.id)).toMatchObject({
        purpose: 'PURCHASE_INTENTS',
        checkout_id: p.checkout_id,
        context: p.sales_channel_id ? { salesChannelId: p.sales_channel_id } : {},
        status: p.status,
        amount_minor: p.amount_minor,
        provider_ref: p.provider_ref,
        refund_ref: p.refund_ref,
        created_at: p.created_at,
      });
    }
    const total = (await sql<{ sum: number }>`SELECT sum(amount_minor)::int AS sum FROM payments`.execute(db)).rows[0]!.sum;
    expect(total).toBe([...RESALE, ...INTENT].reduce((s, r) => s + r.amount_minor, 0));
  });

  it('says what each payment pays for: one line per buy intention or purchase intent, live only while in flight', async () => {
    const lines = (await sql<Record<string, unknown>>`SELECT payment_id, purpose, subject_id, kind, amount_minor, live FROM payment_lines ORDER BY payment_id, subject_id`.execute(db)).rows;
    const expected = [
      ...RESALE.map((r) => ({ payment_id: r.id, purpose: 'RESALE_ORDER', subject_id: r.intention_id, kind: 'full', amount_minor: r.amount_minor, live: r.status === 'PROCESSING' })),
      ...PARTS.map((p) => ({ payment_id: p.payment_id, purpose: 'PURCHASE_INTENTS', subject_id: p.intent_id, kind: p.kind, amount_minor: p.amount_minor, live: p.live })),
    ].sort((a, b) => (a.payment_id + a.subject_id < b.payment_id + b.subject_id ? -1 : 1));
    expect(lines).toEqual(expected);
    // The old tables and the buy-intention column are gone.
    const tables = (await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE 'purchase_intent_payment%'`.execute(db)).rows;
    expect(tables).toEqual([]);
    const column = (await sql<{ c: string }>`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'payments' AND column_name = 'intention_id'`.execute(db)).rows;
    expect(column).toEqual([]);
  });

  it('keeps one charge in flight per subject: a second live line for a subject in flight is refused', async () => {
    await sql`SET session_replication_role = replica`.execute(db);
    try {
      await sql`INSERT INTO payments (tenant_id, id, purpose, provider, status, amount_minor, currency, created_at, updated_at) VALUES ('tn_1', 'pay_again', 'PURCHASE_INTENTS', 'sandbox', 'PROCESSING', 1, 'EUR', now(), now())`.execute(db);
      await expect(sql`INSERT INTO payment_lines (tenant_id, payment_id, purpose, subject_id, kind, amount_minor) VALUES ('tn_1', 'pay_again', 'PURCHASE_INTENTS', 'pi_c', 'full', 1)`.execute(db)).rejects.toThrow(/payment_lines_one_live/);
    } finally {
      await sql`DELETE FROM payments WHERE id = 'pay_again'`.execute(db);
      await sql`SET session_replication_role = DEFAULT`.execute(db);
    }
  });
});
