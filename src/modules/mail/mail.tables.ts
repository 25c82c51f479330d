export type MailStatus = 'PENDING' | 'SENT' | 'KEPT' | 'ERASED';

/** One mail Encore sends (migration 0021). */
export interface MailOutboxTable {
  tenant_id: string;
  id: string;
  kind: string;
  ref: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}
