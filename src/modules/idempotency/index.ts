export { claimKey, deleteExpiredKeys, finishKey, markKeyCommitted, requestHash, type Claim } from './idempotency.service.js';
