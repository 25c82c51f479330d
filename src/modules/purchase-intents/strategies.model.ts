import type { StrategyRow } from './strategies.repository.js';

export type CompletionChannel = 'POS' | 'Online';
export type CancellationStrategy = 'notAllowed' | 'cancellationAllowed';

/** A purchase-intent strategy as the intents use it (SPEC §7). */
export interface StrategyRecord {
  id: string;
  name: string;
  availabilityStrategy: { createTickets: boolean; checkAvailability: boolean; withoutSeats: boolean; createValidTickets: boolean };
  expirationStrategy: { hoursBeforeEvent: number | null; hoursAfterCreation: number | null; expiresAt: Date | null };
  /** `value` is a percentage (0..100) or a fixed amount in major units of the intent's currency. */
  deposit: { method: 'fixed' | 'percentage'; value: number } | null;
  needsApproval: boolean;
  /** Empty = unrestricted: any completion channel (the reference's absent or null). */
  restrictedCompletion: CompletionChannel[];
  cancellationStrategy: CancellationStrategy;
}

/** The full stored strategy: the record plus what only the strategy API shows. */
export interface StoredStrategy extends StrategyRecord {
  tenantId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function strategyFromRow(r: StrategyRow): StoredStrategy {
  return {
    id: r.id,
    name: r.name,
    availabilityStrategy: {
      createTickets: r.create_tickets,
      checkAvailability: r.check_availability,
      withoutSeats: r.without_seats,
      createValidTickets: r.create_valid_tickets,
    },
    expirationStrategy: { hoursBeforeEvent: r.hours_before_event, hoursAfterCreation: r.hours_after_creation, expiresAt: r.expires_at },
    deposit: r.deposit_method !== null && r.deposit_value !== null ? { method: r.deposit_method, value: r.deposit_value } : null,
    needsApproval: r.needs_approval,
    restrictedCompletion: [...r.restricted_completion],
    cancellationStrategy: r.cancellation_strategy,
    tenantId: r.tenant_id,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
