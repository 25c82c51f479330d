export {
  authenticateKey,
  countTenants,
  createKey,
  createTenantInTx,
  getTenant,
  getMarketSettings,
  type MarketSettings,
  listTenants,
  revokeKeyByPrefix,
  type Authenticated,
  type CreatedKey,
  type NewTenant,
} from './tenants.service.js';
