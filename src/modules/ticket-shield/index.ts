export { applyShieldRulesInTx, registerTicketShieldJobs, unlockDueShields, UNLOCK_JOB, type UnlockSummary } from './ticket-shield.service.js';
