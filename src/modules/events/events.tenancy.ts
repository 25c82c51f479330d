import type { Executor } from '../../db/tx.js';
import { showTenantRepository as repo } from './show-tenant.repository.js';

/**
 * The tenant of a show named by Encore's own id (`shw_…`, unique across integrators): a hosted page's
 * URL names the show but not the integrator, whose brand the page wears. Undefined for an unknown id
 * (or one PostgreSQL text cannot hold), which the page answers as 404.
 */
export async function tenantOfShow(ex: Executor, showPk: string): Promise<string | undefined> {
  if (showPk === '' || showPk.includes('\u0000')) return undefined;
  return repo.tenantOfShow(ex, showPk);
}
