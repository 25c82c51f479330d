import { sql } from 'kysely';
import type { Executor } from '../../db/tx.js';

export interface KeyRow {
  tenantId: string;
  keyId: string;
  revokedAt: Date | null;
}

export const tenantsRepository = {
  async insertTenant(ex: Executor, t: { id: string; name: string; defaultCurrency: string; returnOrigins: string[]; defaultLanguage: 'es' | 'en'; theme: Record<string, string> }): Promise<void> {
    await ex
      .insertInto('tenants')
      .values({ id: t.id, name: t.name, default_currency: t.defaultCurrency, return_origins: t.returnOrigins, default_language: t.defaultLanguage, theme: JSON.stringify(t.theme) })
      .execute();
  },

  async setTheme(ex: Executor, id: string, theme: Record<string, string>): Promise<void> {
    await ex.updateTable('tenants').set({ theme: JSON.stringify(theme) }).where('id', '=', id).execute();
  },

  async findTenant(ex: Executor, id: string) {
    return ex.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async listTenantsWithKeyCounts(ex: Executor) {
    return ex
      .selectFrom('tenants as t')
      .leftJoin('api_keys as k', (j) => j.onRef('k.tenant_id', '=', 't.id').on('k.revoked_at', 'is', null))
      .select(['t.id', 't.name', 't.default_currency', 't.return_origins', 't.default_language', 't.created_at'])
      .select((eb) => eb.fn.count<number>('k.id').as('active_keys'))
      .groupBy('t.id')
      .orderBy('t.created_at')
      .execute();
  },

  /** Whether one of these tenants (or, without ids, any tenant) lists `origin` among its allowed origins. */
  async allowsOrigin(ex: Executor, origin: string, tenantIds: string[] | undefined): Promise<boolean> {
    let q = ex.selectFrom('tenants').select('id').where(sql<boolean>`${origin} = ANY(return_origins)`);
    if (tenantIds) {
      if (tenantIds.length === 0) return false;
      q = q.where('id', 'in', tenantIds);
    }
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  },

  async countTenants(ex: Executor): Promise<number> {
    const row = await ex.selectFrom('tenants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async insertKey(ex: Executor, k: { tenantId: string; id: string; prefix: string; keyHash: string }): Promise<void> {
    await ex.insertInto('api_keys').values({ tenant_id: k.tenantId, id: k.id, prefix: k.prefix, key_hash: k.keyHash }).execute();
  },

  async findKeyByHash(ex: Executor, keyHash: string): Promise<KeyRow | undefined> {
    const row = await ex
      .selectFrom('api_keys')
      .select(['tenant_id', 'id', 'revoked_at'])
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row ? { tenantId: row.tenant_id, keyId: row.id, revokedAt: row.revoked_at } : undefined;
  },

  async findKeysByPrefix(ex: Executor, prefix: string) {
    return ex.selectFrom('api_keys').select(['tenant_id', 'id', 'prefix', 'revoked_at']).where('prefix', '=', prefix).execute();
  },

  async revokeKey(ex: Executor, tenantId: string, keyId: string, at: Date): Promise<void> {
    await ex
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .execute();
  },
};
