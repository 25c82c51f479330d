export { recordAudit, listAudit, type Actor, type AuditEntry } from './audit.repository.js';
