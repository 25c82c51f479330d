import { Type, type Static } from '@sinclair/typebox';
import { LIMITS, referenceSchema, relaxOneOf, withLimits } from '../../modules/purchase-intents/index.js';

/**
 * Request and response schemas of the strategy routes, taken from the reference OpenAPI (SPEC §7)
 * with three documented adjustments:
 * - request bodies: `availabilityStrategy`'s two overlapping alternatives become one object (all four
 *   booleans required, as in both alternatives); the cross-field rule (createValidTickets needs
 *   createTickets and not withoutSeats) is checked by the service, whose message names the field;
 * - the PUT body loses its `default`s: a field absent from a (partial) PUT keeps its value;
 * - request bodies get Encore's size limits (`withLimits`: `name` 500 characters, `restrictedCompletion`
 *   at most its two values, …), which the reference leaves open;
 * - responses: `oneOf` → `anyOf` (see `relaxOneOf`), plus `_id` and `__v`, which the reference puts
 *   on every resource (issue 5) but leaves out of this object's schema.
 */
type Json = Record<string, unknown>;

function props(s: Json): Json {
  return s.properties as Json;
}

function flattenAvailability(schema: Json): Json {
  const p = props(schema);
  const alternatives = (p.availabilityStrategy as { oneOf: Json[] }).oneOf;
  const merged: Json = {};
  for (const alt of alternatives) {
    for (const [k, v] of Object.entries(props(alt))) {
      const { enum: _e, ...rest } = v as Json;
      merged[k] = { ...(merged[k] as Json | undefined), ...rest };
    }
  }
  p.availabilityStrategy = { type: 'object', properties: merged, required: ['createTickets', 'checkAvailability', 'withoutSeats', 'createValidTickets'] };
  return schema;
}

function withoutDefaults<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => withoutDefaults(n)) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'default').map(([k, v]) => [k, withoutDefaults(v)])) as T;
}

export const CreateStrategyBody = withLimits(flattenAvailability(referenceSchema('POST_Purchaseintents_CreatePurchaseIntentStrategies')));
export const UpdateStrategyBody = withLimits(withoutDefaults(flattenAvailability(referenceSchema('PUT_Purchaseintents_UpdateAPurchaseIntentStrategy'))));

function resource(): Json {
  const s = relaxOneOf(referenceSchema('PurchaseIntentStrategyResource'));
  s.properties = {
    _id: { type: 'string', description: 'The id of the strategy (`pis_…`)' },
    ...props(s),
    __v: { type: 'integer', description: 'Version: 0 at creation, +1 per update' },
  };
  s.required = ['_id', ...(s.required as string[]), 'createdAt', 'updatedAt', '__v'];
  return s;
}

export const StrategyResource = resource();
export const StrategyList = { ...relaxOneOf(referenceSchema('GET_Purchaseintents_GetAllPurchaseIntentStrategies_200_response')), items: StrategyResource };

export const StrategyParams = Type.Object({ id: Type.String({ maxLength: LIMITS.id, description: 'The id of the purchase intent strategy' }) });

export const StrategyListQuery = Type.Object({
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 25, description: 'A limit on the number of objects to be returned (1..1000)' })),
  skip: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'The number of objects to skip' })),
});
export type StrategyListQuery = Static<typeof StrategyListQuery>;

/** The purchase-intent family's error body (SPEC §1), for the OpenAPI document. */
export const PiError = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String({ description: 'The HTTP reason phrase' }),
  message: Type.String({ description: 'What went wrong; names the field for bad input' }),
});

export function piErrorResponses(...statuses: number[]): Record<number, typeof PiError> {
  const out: Record<number, typeof PiError> = {};
  for (const s of [400, 401, ...statuses]) out[s] = PiError;
  return out;
}
