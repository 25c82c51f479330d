import type { Executor, Tx } from '../../db/tx.js';
import { AppError } from '../../lib/app-error.js';
import { toMinor } from '../../lib/money.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findShow, mostSpecificRule, type EventRecord, type FeesSettings, type ShowRecord } from '../events/index.js';
import { listingView } from './listings.mappers.js';
import { feesFor } from './listings.money.js';
import { listingsRepository as repo } from './listings.repository.js';
import { checkResaleRule } from './listings.rules.js';
import type { ListingView } from './listings.schemas.js';
import { effectiveStatus } from './listings.states.js';
import { announceListing, type ListingDeps } from './listings.service.js';

/**
 * A listing's price under its event's rules (SPEC §4): the RESALE rule checks it and the FEES rule
 * prices the fees, each the most specific for the listing's scope. Without a FEES rule the tenant's
 * default fees apply: the caller reads them (tenants module) and passes them in, which is why
 * creating a listing and changing its price are flows (flows/listing-create.ts, listing-price.ts).
 */

export interface PricingContext {
  event: EventRecord;
  show: ShowRecord;
}

/** The listing's event and show, which must both still be on (a cancelled one takes no listing or price). */
export async function pricingContext(ex: Executor, tenantId: string, showPk: string): Promise<PricingContext> {
  const found = await findShow(ex, tenantId, { id: showPk });
  if (!found) throw new AppError('SHOW_NOT_FOUND', `show ${showPk} does not exist`);
  if (found.event.status === 'CANCELLED') throw new AppError('EVENT_CANCELLED', `event ${found.event.externalReferenceId} is cancelled`);
  if (found.show.status === 'CANCELLED') throw new AppError('SHOW_CANCELLED', `show ${found.show.showId} is cancelled`);
  return found;
}

/** What a price is checked against, besides the rules. */
export interface PriceInput {
  scope: { ticketOptionId: string; priceTypeId: string | null };
  /** In major units, as the seller sent it. */
  price: number;
  faceValuesMinor: readonly (number | null)[];
  quantity: number;
  now: Date;
  /** The tenant's default fees, for a scope without a FEES rule. */
  defaultFees: FeesSettings;
}

/** The RESALE rule check and the fees for a price, both from the most specific rules of the listing's scope. */
export function priceUnderRules(ctx: PricingContext, input: PriceInput) {
  const currency = ctx.event.currency;
  const priceMinor = toMinor(input.price, currency, 'price');
  const target = { showId: ctx.show.showId, ticketOptionId: input.scope.ticketOptionId, priceTypeId: input.scope.priceTypeId };
  const resale = mostSpecificRule(ctx.event.rules, target, 'RESALE');
  checkResaleRule({
    rule: resale && resale.ruleType === 'RESALE' ? { id: resale.id, settings: resale.settings } : undefined,
    priceMinor,
    currency,
    faceValuesMinor: input.faceValuesMinor,
    quantity: input.quantity,
    now: input.now,
    showStartsAt: ctx.show.startsAt,
  });
  const feeRule = mostSpecificRule(ctx.event.rules, target, 'FEES');
  const fees: FeesSettings = feeRule && feeRule.ruleType === 'FEES' ? feeRule.settings : input.defaultFees;
  return { currency, money: feesFor(priceMinor, fees), resaleRule: resale && resale.ruleType === 'RESALE' ? { id: resale.id, settings: resale.settings } : undefined };
}

/**
 * PATCH /v1/marketplace/listings/:listingId, in the caller's transaction: a new price for an ACTIVE
 * listing, checked against the RESALE rule again, audited and announced (`listing.updated`).
 */
export async function repriceListingInTx(
  tx: Tx,
  deps: ListingDeps,
  actor: Actor,
  input: { listingId: string; price: number; now: Date; defaultFees: FeesSettings },
): Promise<ListingView> {
  const { listingId, now } = input;
  const listing = await repo.findListing(tx, actor.tenantId, listingId, { lock: true });
  if (!listing) throw new AppError('LISTING_NOT_FOUND', `listing ${listingId} does not exist`, { field: 'listingId' });
  const status = effectiveStatus(listing.status, listing.hold_expires_at, now);
  if (status !== 'ACTIVE') {
    const why = status === 'RESERVED' ? `is reserved by a buyer until ${listing.hold_expires_at!.toISOString()}` : `is ${status}`;
    throw new AppError('LISTING_NOT_ACTIVE', `listing ${listingId} ${why}; its price cannot change`, { details: { status } });
  }
  const tickets = await repo.ticketsOf(tx, actor.tenantId, [listing.id]);
  const ctx = await pricingContext(tx, actor.tenantId, listing.show_pk);
  const { money } = priceUnderRules(ctx, {
    scope: { ticketOptionId: listing.ticket_option_id, priceTypeId: listing.price_type_id },
    price: input.price,
    faceValuesMinor: tickets.map((t) => t.face_value_minor),
    quantity: listing.quantity,
    now,
    defaultFees: input.defaultFees,
  });
  const before = listingView(listing, tickets, now);
  const updated = await repo.updatePrice(tx, actor.tenantId, listing.id, money, now);
  const view = listingView(updated, tickets, now);
  await recordAudit(tx, actor, { action: 'listing.price_changed', entityType: 'listing', entityId: listing.id, before: { price: before.price }, after: { price: view.price } }, now);
  await announceListing(tx, deps, 'updated', view, actor.tenantId);
  return view;
}
