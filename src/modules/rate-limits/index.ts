export { consume, registerRateLimitJobs, type RateDecision } from './rate-limits.service.js';
