import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, StringEnum } from '../../lib/schema.js';

const RULES_DESCRIPTION = [
  'Settings for `ruleType` (money in major units of the event currency):',
  '- RESALE {enabled (required), minPrice?, maxPrice? (≥ minPrice), maxMarkupPercent? (over face value), opensAt? (ISO 8601; without an offset read in the event time zone), closesHoursBeforeShow?, maxTicketsPerListing? (integer ≥ 1), maxListedTicketsPerSeller? (integer ≥ 1: at most this many of one seller’s tickets of the show on sale at once; past it a listing is 422 LISTING_LIMIT)}',
  '- TRANSFER {enabled (required), closesHoursBeforeShow?}',
  '- TICKET_SHIELD {enabled (required), unlockHoursBeforeShow (required)}: tickets in scope (existing ones too) are stored with ticketAccess.status LOCKED until show date − unlockHoursBeforeShow; a job then opens them and sends one `event.unlock` per show and scope',
  '- FEES {buyerFeePercent, buyerFeeFixed, sellerFeePercent, sellerFeeFixed} (all required; percents 0..100)',
  'Each type is checked separately; a wrong or unknown setting is a 400 INVALID_RULE naming it (e.g. `[2].rules.maxPrice`).',
].join('\n');

const PriceObject = Type.Object(
  { amount: Type.Number({ minimum: 0 }), currency: Type.Optional(Type.String({ maxLength: 3, description: 'must equal the event currency' })) },
  { additionalProperties: false },
);

export const RuleItemBody = Type.Object(
  {
    externalReferenceEventId: Id('the event the rule belongs to'),
    showId: Type.Optional(Nullable(Id('narrow the rule to one show'))),
    ticketOptionId: Type.Optional(Nullable(Id('narrow the rule to one ticket option (in `showId`, or in any show)'))),
    priceTypeId: Type.Optional(Nullable(Id('narrow the rule to one price type'))),
    price: Type.Optional(
      Type.Union([Type.Number({ minimum: 0 }), PriceObject, Type.Null()], {
        description: 'reference price for the scope, a number in major units of the event currency or {amount, currency}',
      }),
    ),
    ruleType: StringEnum(['RESALE', 'TRANSFER', 'TICKET_SHIELD', 'FEES']),
    rules: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: RULES_DESCRIPTION })),
  },
  { additionalProperties: false },
);
export type RuleItemBody = Static<typeof RuleItemBody>;

export const RulesBody = Type.Array(RuleItemBody, {
  minItems: 1,
  maxItems: 500,
  description: 'Upserted by (event, showId, ticketOptionId, priceTypeId, ruleType), all or nothing: one invalid item stores none.',
});
