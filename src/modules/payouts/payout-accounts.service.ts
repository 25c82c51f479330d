import type { Deps } from '../../app/deps.js';
import { withTx, type Executor, type Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { payoutAccountsRepository as repo, type PayoutAccountRow } from './payout-accounts.repository.js';
import { validatePayoutAccount, type PayoutAccountInput } from './payout-accounts.validate.js';
import type { PayoutAccountKind } from './payouts.tables.js';

/**
 * A seller's payout account (SPEC §4.1 item 7): where the seller's payouts go. Without one, the
 * seller's payouts stay SCHEDULED when their show is over (the release sweep skips them) and the
 * Smart Access Layer offers PENDING_PAYOUT_INFO; once it is set, the next sweep releases them.
 * The account number is sealed (lib/secret-box.ts) before it reaches the database, bound to the
 * tenant and the seller; reads answer a masked view (`last4`), and the audit log keeps only the
 * kind, the last four characters and the country.
 */

export type PayoutAccountDeps = Pick<Deps, 'secrets'>;

/** What may be shown of a payout account: never the number, only its last four characters. */
export interface PayoutAccountView {
  sellerEmail: string;
  holderName: string;
  kind: PayoutAccountKind;
  last4: string;
  country: string | null;
  bankCode: string | null;
  updatedAt: string;
}

/** The account with its number opened: for paying the seller (and for tests). */
export type PayoutAccountDetails = PayoutAccountView & ({ kind: 'IBAN'; iban: string } | { kind: 'ACCOUNT'; accountNumber: string });

const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The additional authenticated data of a sealed number: it opens only in the row it was written to. */
const aadOf = (tenantId: string, sellerEmail: string): string => JSON.stringify(['payout_accounts', tenantId, sellerEmail]);

function view(row: PayoutAccountRow): PayoutAccountView {
  return {
    sellerEmail: row.seller_email,
    holderName: row.holder_name,
    kind: row.kind,
    last4: row.last4,
    country: row.country,
    bankCode: row.bank_code,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Sets (creates or replaces) the seller's payout account, in the caller's transaction; answers the masked view. */
export async function setPayoutAccount(tx: Tx, deps: PayoutAccountDeps, actor: Actor, input: PayoutAccountInput, now: Date): Promise<PayoutAccountView> {
  const valid = validatePayoutAccount(input);
  const before = await repo.lockOne(tx, actor.tenantId, valid.sellerEmail);
  const row = await repo.upsert(tx, {
    tenant_id: actor.tenantId,
    seller_email: valid.sellerEmail,
    holder_name: valid.holderName,
    kind: valid.kind,
    number_sealed: deps.secrets.seal(valid.number, aadOf(actor.tenantId, valid.sellerEmail)),
    last4: valid.last4,
    country: valid.country,
    bank_code: valid.bankCode,
    created_at: now,
    updated_at: now,
  });
  const shown = (r: Pick<PayoutAccountRow, 'kind' | 'last4' | 'country'>) => ({ kind: r.kind, last4: r.last4, country: r.country });
  await recordAudit(
    tx,
    actor,
    { action: 'payout_account.set', entityType: 'payout_account', entityId: row.seller_email, ...(before ? { before: shown(before) } : {}), after: shown(row) },
    now,
  );
  return view(row);
}

/** The use case behind `PUT /v1/marketplace/sellers/payout-account`: one transaction. */
export async function savePayoutAccount(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, actor: Actor, input: PayoutAccountInput): Promise<PayoutAccountView> {
  return withTx(deps.db, (tx) => setPayoutAccount(tx, deps, actor, input, deps.clock.now()));
}

/** The seller's account, masked; undefined when the seller has none. */
export async function getPayoutAccountView(ex: Executor, tenantId: string, sellerEmail: string): Promise<PayoutAccountView | undefined> {
  const row = await repo.findOne(ex, tenantId, normalizeEmail(sellerEmail));
  return row ? view(row) : undefined;
}

/** The seller's account, masked; 404 PAYOUT_ACCOUNT_NOT_FOUND when the seller has none (in this tenant). */
export async function getPayoutAccount(ex: Executor, tenantId: string, sellerEmail: string): Promise<PayoutAccountView> {
  const found = await getPayoutAccountView(ex, tenantId, sellerEmail);
  if (!found) throw new AppError('PAYOUT_ACCOUNT_NOT_FOUND', 'this seller has no payout account', { field: 'sellerEmail' });
  return found;
}

/** The seller's account with its number opened; a sealed value that does not open (another key, a moved row) throws. */
export async function decryptPayoutAccount(ex: Executor, deps: PayoutAccountDeps, tenantId: string, sellerEmail: string): Promise<PayoutAccountDetails | undefined> {
  const row = await repo.findOne(ex, tenantId, normalizeEmail(sellerEmail));
  if (!row) return undefined;
  const number = deps.secrets.open(row.number_sealed, aadOf(row.tenant_id, row.seller_email));
  const shown = view(row);
  return row.kind === 'IBAN' ? { ...shown, kind: 'IBAN', iban: number } : { ...shown, kind: 'ACCOUNT', accountNumber: number };
}

/**
 * Which of these sellers have a payout account, as lower-cased emails (look them up lower-cased):
 * one query, whatever the number of sellers.
 */
export async function sellersWithPayoutAccount(ex: Executor, tenantId: string, sellerEmails: readonly string[]): Promise<Set<string>> {
  const emails = [...new Set(sellerEmails.map(normalizeEmail))];
  return new Set(await repo.sellersWithAccount(ex, tenantId, emails));
}
