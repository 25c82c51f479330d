import nodemailer, { type Transporter } from 'nodemailer';
import type { Deps } from '../../app/deps.js';
import { sweepInBatches } from '../../db/batch-sweep.js';
import type { Tx } from '../../db/tx.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { mailRepository as repo, type MailRow } from './mail.repository.js';

/**
 * The one way Encore sends mail (SPEC §4.1): `queueMail` writes the mail into the outbox in the
 * caller's transaction and sends the delivery job with it, so a mail exists exactly when its
 * decision committed. The job delivers through SMTP (nodemailer) when SMTP_URL is set — retried with
 * the queue's backoff while the server refuses — or keeps it (KEPT) for the dev mailbox otherwise.
 */

export const MAIL_DELIVER_JOB = 'mail-deliver';

export interface NewMail {
  tenantId: string;
  to: string;
  subject: string;
  text: string;
  /** Why it is sent (`wishlist.alert`, …) and what about (a listing id, …). */
  kind: string;
  ref?: string | null;
  /** A mail id made beforehand (when something else records it first); one is made otherwise. */
  id?: string;
}

export function newMailId(now: Date): string {
  return newId(ID_PREFIX.mail, now.getTime());
}

/** In the business transaction: the outbox row and its delivery job. Answers the mail's id. */
export async function queueMail(tx: Tx, deps: Pick<Deps, 'clock' | 'queue'>, mail: NewMail): Promise<string> {
  const now = deps.clock.now();
  const id = mail.id ?? newMailId(now);
  await repo.insert(tx, {
    tenant_id: mail.tenantId,
    id,
    kind: mail.kind,
    ref: mail.ref ?? null,
    to_address: mail.to,
    subject: mail.subject,
    text_body: mail.text,
    status: 'PENDING',
    attempts: 0,
    last_error: null,
    created_at: now,
    sent_at: null,
  });
  await deps.queue.send(tx, MAIL_DELIVER_JOB, { tenantId: mail.tenantId, id });
  return id;
}

const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let t = transports.get(smtpUrl);
  if (!t) {
    // Pooled: a burst of alerts reuses a few open SMTP connections instead of one handshake per mail.
    t = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: MAIL_CONCURRENCY });
    transports.set(smtpUrl, t);
  }
  return t;
}

/** The delivery job: once per mail (a mail no longer PENDING is left alone). */
export async function deliverMail(deps: Pick<Deps, 'db' | 'clock' | 'config'>, tenantId: string, id: string): Promise<void> {
  const mail = await repo.find(deps.db, tenantId, id);
  if (!mail || mail.status !== 'PENDING') return;
  if (deps.config.smtpUrl === undefined) {
    await repo.finish(deps.db, tenantId, id, 'KEPT', deps.clock.now());
    return;
  }
  try {
    await transportFor(deps.config.smtpUrl).sendMail({ from: deps.config.mailFrom, to: mail.to_address, subject: mail.subject, text: mail.text_body, messageId: `<${mail.id}@encore>` });
  } catch (err) {
    await repo.failedAttempt(deps.db, tenantId, id, (err as Error).message);
    throw err;
  }
  await repo.finish(deps.db, tenantId, id, 'SENT', deps.clock.now());
}

/** Mails delivered at once per process (and SMTP connections kept open); a batch is 100 (deliverMail is idempotent). */
const MAIL_CONCURRENCY = 10;

export function registerMailJobs(deps: Deps): void {
  deps.queue.register<{ tenantId: string; id: string }>(MAIL_DELIVER_JOB, (data) => deliverMail(deps, data.tenantId, data.id), {
    retryLimit: 20,
    retryDelaySeconds: 30,
    batchSize: 100,
    concurrency: MAIL_CONCURRENCY,
  });
}

/**
 * How long a finished mail (sent, kept or erased) is kept: long enough to answer "did the fan get
 * it?" for a season's support questions, short enough that the outbox is not a second, ever-growing
 * copy of fans' addresses. A mail still PENDING (SMTP refusing) is never deleted.
 */
export const MAIL_RETENTION_DAYS = 90;

/** The retention sweep (hourly): deletes finished mails older than MAIL_RETENTION_DAYS, in batches. */
export async function deleteOldMail(deps: Pick<Deps, 'db' | 'clock'>, batch = 1000): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - MAIL_RETENTION_DAYS * 24 * 60 * 60 * 1000);
  return sweepInBatches(deps.db, batch, (tx, limit) => repo.deleteFinishedBefore(tx, before, limit));
}

/** The newest mails of every tenant, for the dev mailbox (never in production). */
export async function recentMail(deps: Pick<Deps, 'db'>, limit = 100): Promise<MailRow[]> {
  return repo.recent(deps.db, limit);
}

/** A recipient's right to erasure: these mails keep no address or text, and a pending one is never sent. */
export async function eraseMails(tx: Tx, tenantId: string, ids: readonly string[]): Promise<number> {
  return repo.erase(tx, tenantId, ids);
}
