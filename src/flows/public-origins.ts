import type { Deps } from '../app/deps.js';
import { tenantsOfPublicIntent } from '../modules/purchase-intents/index.js';
import { tenantAllowsOrigin } from '../modules/tenants/index.js';

/**
 * May a browser on `origin` call the public purchase-intent endpoints (SPEC §1.1)? For a request
 * naming an intent, its tenant must list the origin; for one naming none (the multi-intent
 * checkout, whose ids are in the body a preflight does not carry), any tenant's listing is enough:
 * the intents' secrets remain the credential.
 */
export async function publicOriginAllowed(deps: Pick<Deps, 'db'>, origin: string, intentId: string | undefined): Promise<boolean> {
  if (intentId === undefined) return tenantAllowsOrigin(deps, origin);
  return tenantAllowsOrigin(deps, origin, await tenantsOfPublicIntent(deps, intentId));
}
