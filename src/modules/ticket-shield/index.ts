export { AccessShield, type ShieldedTicket, type ShieldPlace } from './ticket-shield.write.js';
export { groupByScope, shieldCellsOf, type DueCell, type ScopeGroup, type ShieldCell, type UnlockScope } from './ticket-shield.cells.js';
export { announceUnlock, claimUnlock, recordShieldApplied, unlockHistoryData } from './ticket-shield.service.js';
export type { UnlockClaim } from './ticket-shield.repository.js';
