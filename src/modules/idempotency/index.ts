export { claimKey, finishKey, markKeyCommitted, registerIdempotencyJobs, requestHash, type Claim } from './idempotency.service.js';
