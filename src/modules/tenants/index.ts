export {
  authenticateKey,
  countTenants,
  createKey,
  createTenantInTx,
  getTenant,
  listTenants,
  revokeKeyByPrefix,
  type Authenticated,
  type CreatedKey,
  type NewTenant,
} from './tenants.service.js';
