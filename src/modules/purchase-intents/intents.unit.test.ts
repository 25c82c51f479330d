import { describe, expect, it } from 'vitest';
import { LIMITS, withLimits } from './intents.limits.js';
import { jsonSchema } from './intents.schemas.js';
import { DEFAULT_STRATEGY, expiryOf } from './intents.strategy.js';
import { APPROVAL_STATES, INTENT_STATES } from './intents.states.js';
import { canTransition } from '../../lib/state-machine.js';

const withExpiry = (e: Partial<typeof DEFAULT_STRATEGY.expirationStrategy>) => ({
  ...DEFAULT_STRATEGY,
  expirationStrategy: { ...DEFAULT_STRATEGY.expirationStrategy, ...e },
});

describe('expiryOf', () => {
  const created = new Date('2027-05-01T10:00:00Z');
  const show = new Date('2027-05-03T20:00:00Z');

  it('is null without any rule', () => {
    expect(expiryOf(DEFAULT_STRATEGY, created, show)).toBeNull();
  });

  it('takes the earliest of the three rules, fractional hours included', () => {
    expect(expiryOf(withExpiry({ hoursAfterCreation: 1.5 }), created, show)?.toISOString()).toBe('2027-05-01T11:30:00.000Z');
    expect(expiryOf(withExpiry({ hoursBeforeEvent: 48 }), created, show)?.toISOString()).toBe('2027-05-01T20:00:00.000Z');
    expect(expiryOf(withExpiry({ hoursAfterCreation: 12, hoursBeforeEvent: 48 }), created, show)?.toISOString()).toBe('2027-05-01T20:00:00.000Z');
    expect(
      expiryOf(withExpiry({ hoursAfterCreation: 12, hoursBeforeEvent: 48, expiresAt: new Date('2027-05-01T12:00:00Z') }), created, show)?.toISOString(),
    ).toBe('2027-05-01T12:00:00.000Z');
  });
});

describe('state machines', () => {
  it('never leaves complete or canceled', () => {
    expect(canTransition(INTENT_STATES, 'new', 'canceled')).toBe(true);
    expect(canTransition(INTENT_STATES, 'complete', 'canceled')).toBe(false);
    expect(canTransition(INTENT_STATES, 'canceled', 'complete')).toBe(false);
    expect(canTransition(APPROVAL_STATES, 'awaiting', 'approved')).toBe(true);
    expect(canTransition(APPROVAL_STATES, 'approved', 'approved')).toBe(false);
  });
});

describe('jsonSchema (reference → plain JSON Schema)', () => {
  it('rewrites nullable and drops number-format hints, nothing else', () => {
    const s = jsonSchema('PurchaseIntentResource') as { properties: Record<string, Record<string, unknown>> };
    const ticket = (s.properties.tickets!.items as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(ticket.name).toMatchObject({ type: ['string', 'null'] });
    expect(ticket.triggeredBy!.anyOf).toHaveLength(2);
    expect(JSON.stringify(s)).not.toMatch(/"nullable"|"format":"float"|"metas"/);
    expect(s.properties.regularPrice).toEqual({ type: 'number' });
    expect(s.properties.meta).toMatchObject({ type: 'object', additionalProperties: true });
  });
});

describe('withLimits (size limits on request schemas)', () => {
  type Node = Record<string, unknown> & { properties: Record<string, Node>; items: Node };
  const create = withLimits(jsonSchema('POST_Purchaseintents_CreateAPurchaseIntent')) as unknown as Node;
  const ticket = create.properties.tickets!.items.properties;

  it('bounds each string by what it is: ids, names, e-mails, timestamps, free text', () => {
    expect(create.properties.customerId!.maxLength).toBe(LIMITS.id);
    expect(ticket.ticketTypeId!.maxLength).toBe(LIMITS.id);
    expect(ticket.seatingInfo!.properties.sectionName!.maxLength).toBe(LIMITS.name);
    expect(ticket.slotInfo!.properties.slotStartTime!.maxLength).toBe(LIMITS.dateTime);
    const mail = withLimits(jsonSchema('POST_Purchaseintents_SendAReservationMail')) as unknown as Node;
    expect(mail.properties.email!.maxLength).toBe(LIMITS.email);
    const approval = withLimits(jsonSchema('POST_Purchaseintents_SetApprovalStatus')) as unknown as Node;
    expect(approval.properties.rejectionReason!.maxLength).toBe(LIMITS.text);
    // An enum is bounded already.
    expect(approval.properties.approvalStatus!.maxLength).toBeUndefined();
  });

  it('bounds arrays (an enum list by its enum), free-form objects and cart amounts; keeps the reference’s bounds', () => {
    expect(create.properties.tickets!.maxItems).toBe(LIMITS.items);
    expect(create.properties.coupons!.maxItems).toBe(100);
    expect(create.properties.meta!.maxProperties).toBe(LIMITS.properties);
    expect(ticket.amount).toMatchObject({ minimum: 1, maximum: LIMITS.amount });
    const strategy = withLimits({ type: 'object', properties: { restrictedCompletion: { type: ['array', 'null'], minItems: 1, items: { type: 'string', enum: ['POS', 'Online'] } } } }) as unknown as Node;
    expect(strategy.properties.restrictedCompletion).toMatchObject({ minItems: 1, maxItems: 2 });
    const amend = withLimits(jsonSchema('PATCH_Purchaseintents_AmendAPurchaseIntentsItems')) as unknown as Node;
    expect(amend.properties.$invalidateTicketRanges!.items).toMatchObject({ minItems: 2, maxItems: 2 });
    expect(withLimits({ type: 'string', maxLength: 40 })).toEqual({ type: 'string', maxLength: 40 });
  });
});
