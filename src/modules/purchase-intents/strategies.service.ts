import type { Deps } from '../../app/deps.js';
import { withTx, type Executor } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { ID_PREFIX, newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { strategiesRepository as repo, type StrategyRow } from './strategies.repository.js';
import { strategyFromRow, type CancellationStrategy, type CompletionChannel, type StoredStrategy, type StrategyRecord } from './strategies.model.js';

/** A strategy body as the reference's request schemas let it through (SPEC §7). */
export interface StrategyInput {
  name?: string;
  availabilityStrategy?: { createTickets?: boolean; checkAvailability?: boolean; withoutSeats?: boolean; createValidTickets?: boolean };
  expirationStrategy?: { hoursBeforeEvent?: number | null; hoursAfterCreation?: number | null; expiresAt?: string | null };
  needsApproval?: boolean;
  deposit?: { method: string; value?: number };
  restrictedCompletion?: CompletionChannel[] | null;
  cancellationStrategy?: CancellationStrategy;
}

/**
 * The strategy for an intent: undefined when it does not exist or belongs to another tenant, so the
 * caller answers as it would for any unknown id. Runs on the caller's executor (its transaction).
 */
export async function getStrategyForTenant(ex: Executor, tenantId: string, id: string): Promise<StrategyRecord | undefined> {
  const row = await repo.find(ex, tenantId, id);
  if (!row) return undefined;
  const { tenantId: _t, version: _v, createdAt: _c, updatedAt: _u, ...record } = strategyFromRow(row);
  return record;
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', message, { field });
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `no purchase intent strategy ${id}`);
}

/** A finite, non-negative number of hours (the reference says float; NaN cannot arrive through JSON). */
function hours(field: string, v: number | null | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (v < 0) throw invalid(field, 'must be 0 or more hours');
  return v;
}

type Columns = Omit<StrategyRow, 'tenant_id' | 'id' | 'version' | 'created_at' | 'updated_at'>;

/** Applies `input` over `base` (top-level fields replace whole) and checks the business rules. */
function columnsOf(input: StrategyInput, base: Columns | undefined): Columns {
  const name = input.name ?? base?.name;
  if (name === undefined || name.trim() === '') throw invalid('name', 'must not be empty');

  let availability: Pick<Columns, 'create_tickets' | 'check_availability' | 'without_seats' | 'create_valid_tickets'>;
  if (input.availabilityStrategy) {
    const a = input.availabilityStrategy;
    availability = {
      create_tickets: a.createTickets ?? false,
      check_availability: a.checkAvailability ?? false,
      without_seats: a.withoutSeats ?? false,
      create_valid_tickets: a.createValidTickets ?? false,
    };
  } else if (base) {
    availability = base;
  } else {
    throw invalid('availabilityStrategy', 'is required');
  }
  if (availability.create_valid_tickets && (!availability.create_tickets || availability.without_seats)) {
    throw invalid('availabilityStrategy.createValidTickets', 'can be true only with createTickets true and withoutSeats false');
  }

  let expiration: Pick<Columns, 'hours_before_event' | 'hours_after_creation' | 'expires_at'>;
  if (input.expirationStrategy) {
    const e = input.expirationStrategy;
    let expiresAt: Date | null = null;
    if (e.expiresAt !== undefined && e.expiresAt !== null) {
      expiresAt = new Date(e.expiresAt);
      if (Number.isNaN(expiresAt.getTime())) throw invalid('expirationStrategy.expiresAt', 'must be an ISO date-time');
    }
    expiration = {
      hours_before_event: hours('expirationStrategy.hoursBeforeEvent', e.hoursBeforeEvent),
      hours_after_creation: hours('expirationStrategy.hoursAfterCreation', e.hoursAfterCreation),
      expires_at: expiresAt,
    };
  } else if (base) {
    expiration = base;
  } else {
    throw invalid('expirationStrategy', 'is required');
  }

  let deposit: Pick<Columns, 'deposit_method' | 'deposit_value'> = base ?? { deposit_method: null, deposit_value: null };
  if (input.deposit) {
    const { method, value } = input.deposit;
    if (method !== 'fixed' && method !== 'percentage') throw invalid('deposit.method', 'must be one of fixed, percentage');
    if (value === undefined) throw invalid('deposit.value', 'is required');
    if (value < 0) throw invalid('deposit.value', 'must be 0 or more');
    if (method === 'percentage' && value > 100) throw invalid('deposit.value', 'must be at most 100 for a percentage deposit');
    deposit = { deposit_method: method, deposit_value: value };
  }

  const needsApproval = input.needsApproval ?? base?.needs_approval;
  if (needsApproval === undefined) throw invalid('needsApproval', 'is required');

  let restricted = base?.restricted_completion ?? [];
  if (input.restrictedCompletion !== undefined) {
    const given = input.restrictedCompletion ?? [];
    for (const [i, c] of given.entries()) {
      if (c !== 'POS' && c !== 'Online') throw invalid(`restrictedCompletion[${i}]`, 'must be one of POS, Online');
    }
    restricted = [...new Set(given)];
  }

  return {
    name,
    ...pick(availability),
    hours_before_event: expiration.hours_before_event,
    hours_after_creation: expiration.hours_after_creation,
    expires_at: expiration.expires_at,
    deposit_method: deposit.deposit_method,
    deposit_value: deposit.deposit_value,
    needs_approval: needsApproval,
    restricted_completion: restricted,
    cancellation_strategy: input.cancellationStrategy ?? base?.cancellation_strategy ?? 'cancellationAllowed',
  };
}

function pick(a: Pick<Columns, 'create_tickets' | 'check_availability' | 'without_seats' | 'create_valid_tickets'>) {
  return {
    create_tickets: a.create_tickets,
    check_availability: a.check_availability,
    without_seats: a.without_seats,
    create_valid_tickets: a.create_valid_tickets,
  };
}

export async function createStrategy(deps: Deps, actor: Actor, input: StrategyInput): Promise<StoredStrategy> {
  const columns = columnsOf(input, undefined);
  return withTx(deps.db, async (tx) => {
    const now = deps.clock.now();
    const id = newId(ID_PREFIX.piStrategy, now.getTime());
    const row = await repo.insert(tx, { tenant_id: actor.tenantId, id, ...columns, version: 0, created_at: now, updated_at: now });
    const s = strategyFromRow(row);
    await recordAudit(tx, actor, { action: 'purchase_intent_strategy.created', entityType: 'purchase_intent_strategy', entityId: id, after: auditView(s) }, now);
    return s;
  });
}

/**
 * PUT of the reference (`PUT_Purchaseintents_UpdateAPurchaseIntentStrategy` requires no field): a
 * partial update. Each top-level field given replaces that field whole; absent fields keep their
 * value; `restrictedCompletion: null` lifts the restriction. `__v` goes up by one per update.
 */
export async function updateStrategy(deps: Deps, actor: Actor, id: string, input: StrategyInput): Promise<StoredStrategy> {
  return withTx(deps.db, async (tx) => {
    const current = await repo.lock(tx, actor.tenantId, id);
    if (!current) throw notFound(id);
    const columns = columnsOf(input, current);
    const now = deps.clock.now();
    const row = await repo.update(tx, actor.tenantId, id, { ...columns, version: current.version + 1, updated_at: now });
    const before = strategyFromRow(current);
    const after = strategyFromRow(row);
    await recordAudit(
      tx,
      actor,
      { action: 'purchase_intent_strategy.updated', entityType: 'purchase_intent_strategy', entityId: id, before: auditView(before), after: auditView(after) },
      now,
    );
    return after;
  });
}

export async function getStrategy(deps: Deps, tenantId: string, id: string): Promise<StoredStrategy> {
  const row = await repo.find(deps.db, tenantId, id);
  if (!row) throw notFound(id);
  return strategyFromRow(row);
}

export async function listStrategies(deps: Deps, tenantId: string, page: { top: number; skip: number }): Promise<{ rows: StoredStrategy[]; total: number }> {
  const { rows, total } = await repo.list(deps.db, tenantId, page);
  return { rows: rows.map(strategyFromRow), total };
}

function auditView(s: StoredStrategy) {
  const { tenantId: _t, createdAt: _c, updatedAt: _u, ...rest } = s;
  return rest;
}
