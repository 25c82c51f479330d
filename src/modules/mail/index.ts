export { deliverMail, eraseMails, MAIL_DELIVER_JOB, newMailId, queueMail, recentMail, registerMailJobs, type NewMail } from './mail.service.js';
export type { MailRow } from './mail.repository.js';
