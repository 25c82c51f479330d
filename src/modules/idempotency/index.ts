export { claimKey, finishKey, registerIdempotencyJobs, requestHash, type Claim } from './idempotency.service.js';
