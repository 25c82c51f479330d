import { describe, expect, it } from 'vitest';
import { useContext } from '../../../test/harness.js';
import { withTx } from '../../db/tx.js';
import { deleteOldMail, MAIL_RETENTION_DAYS, queueMail } from './index.js';

const DAY = 24 * 60 * 60 * 1000;

/** The outbox's retention: finished mails go after MAIL_RETENTION_DAYS; a pending one stays. */
describe('mail retention', () => {
  const ctx = useContext({ clock: 'manual' });

  it('deletes finished mails older than the retention, in batches, and never a pending one', async () => {
    ctx.clock!.set('2027-01-01T00:00:00Z');
    const t = await ctx.createTenant('mail-retention');
    const mail = (n: number) => withTx(ctx.deps.db, (tx) => queueMail(tx, ctx.deps, { tenantId: t.tenantId, to: `fan${n}@example.com`, subject: 's', text: 't', kind: 'test' }));
    const old = await Promise.all([1, 2, 3].map(mail));
    const pending = await mail(4);
    await ctx.deps.db.updateTable('mail_outbox').set({ status: 'SENT' }).where('id', 'in', old).execute();
    ctx.clock!.set(new Date(Date.parse('2027-01-01T00:00:00Z') + (MAIL_RETENTION_DAYS - 1) * DAY));
    const fresh = await mail(5);
    await ctx.deps.db.updateTable('mail_outbox').set({ status: 'KEPT' }).where('id', '=', fresh).execute();

    ctx.clock!.set(new Date(Date.parse('2027-01-01T00:00:00Z') + (MAIL_RETENTION_DAYS + 1) * DAY));
    expect(await deleteOldMail(ctx.deps, 2)).toBe(3);
    const left = await ctx.deps.db.selectFrom('mail_outbox').select(['id', 'status']).where('tenant_id', '=', t.tenantId).orderBy('id').execute();
    expect(left.map((m) => m.id).sort()).toEqual([pending, fresh].sort());
  });
});
