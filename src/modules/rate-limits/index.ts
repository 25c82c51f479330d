export { consume, deleteOldWindows, type RateDecision } from './rate-limits.service.js';
