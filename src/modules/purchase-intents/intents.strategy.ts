import type { StrategyRecord } from './strategies.model.js';

export type { StrategyRecord };

/**
 * What an intent follows when neither the request nor the event names a strategy: approved at once,
 * no availability check, no tickets, no expiry, cancellation allowed, any completion channel.
 */
export const DEFAULT_STRATEGY: StrategyRecord = {
  id: '',
  name: 'default',
  availabilityStrategy: { createTickets: false, checkAvailability: false, withoutSeats: false, createValidTickets: false },
  expirationStrategy: { hoursBeforeEvent: null, hoursAfterCreation: null, expiresAt: null },
  deposit: null,
  needsApproval: false,
  restrictedCompletion: [],
  cancellationStrategy: 'cancellationAllowed',
};

const HOUR_MS = 3_600_000;

/**
 * When an intent created at `createdAt` for a show starting at `showStartsAt` expires under
 * `strategy`: the earliest of created + hoursAfterCreation, show start − hoursBeforeEvent and the
 * strategy's fixed `expiresAt`; null when the strategy sets none of them.
 */
export function expiryOf(strategy: StrategyRecord, createdAt: Date, showStartsAt: Date): Date | null {
  const { hoursAfterCreation, hoursBeforeEvent, expiresAt } = strategy.expirationStrategy;
  const candidates: number[] = [];
  if (hoursAfterCreation !== null) candidates.push(createdAt.getTime() + hoursAfterCreation * HOUR_MS);
  if (hoursBeforeEvent !== null) candidates.push(showStartsAt.getTime() - hoursBeforeEvent * HOUR_MS);
  if (expiresAt !== null) candidates.push(expiresAt.getTime());
  return candidates.length === 0 ? null : new Date(Math.min(...candidates));
}
