export { deleteOldMail, deliverMail, eraseMails, MAIL_RETENTION_DAYS, MAIL_DELIVER_JOB, newMailId, queueMail, recentMail, registerMailJobs, type NewMail } from './mail.service.js';
export type { MailRow } from './mail.repository.js';
