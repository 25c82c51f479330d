/** One fixed window of one subject's requests (migration 0005); owned by the rate-limits module. */
export interface RateLimitWindowsTable {
  tenant_id: string;
  subject: string;
  window_start: Date;
  count: number;
}
