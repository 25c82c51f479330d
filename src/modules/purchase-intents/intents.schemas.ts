import { Type, type Static } from '@sinclair/typebox';
import { LIMITS, withLimits } from './intents.limits.js';
import { referenceSchema } from './reference.js';

/**
 * The reference's schemas are OpenAPI 3.0 (`nullable`, `format: float`, `metas`), which Ajv 8 and an
 * OpenAPI 3.1 document do not read as written ("nullable cannot be used without type" on a nullable
 * `oneOf`). `jsonSchema` rewrites them once into plain JSON Schema with the same meaning: `nullable`
 * becomes a `null` type (or a `null` alternative), number formats that are only hints are dropped.
 */
const HINT_FORMATS = new Set(['float', 'double', 'int32', 'int64']);

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'metas' || k === 'nullable' || k === 'example') continue;
    if (k === 'format' && typeof v === 'string' && HINT_FORMATS.has(v)) continue;
    out[k] = convert(v);
  }
  // A free-form object (`meta`, `extraFields`, history `data`): fast-json-stringify would serialise it
  // as `{}` unless additional properties are allowed explicitly.
  const isObject = out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object'));
  if (isObject && out.properties === undefined && out.additionalProperties === undefined) out.additionalProperties = true;
  if ((node as Record<string, unknown>).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  const { description, ...rest } = out;
  return { ...(description !== undefined ? { description } : {}), anyOf: [rest, { type: 'null' }] };
}

/** A reference component as plain JSON Schema (see above), self-contained. */
export function jsonSchema(name: string): Record<string, unknown> {
  return convert(referenceSchema(name)) as Record<string, unknown>;
}

/** A request body of the reference as plain JSON Schema, with Encore's size limits (intents.limits.ts). */
export function requestSchema(name: string): Record<string, unknown> {
  return withLimits(jsonSchema(name));
}

type Json = Record<string, unknown>;

/**
 * How an intent answers its `additionalItems` (issue 9, item 11). The reference's create body takes
 * cart-style items (`_id`, `type` bundle|additionalFee|fulfillmentType|insurance, `amount`, `price`,
 * …) but its resource lists a different shape (`itemId`, `netPrice` and `taxRate` required) with
 * alternatives for `bundle` and `fulfillmentType` only; answering a stored item through that schema
 * failed every read of the intent. The answer is the union of both shapes, so each item reads back
 * as sent and carries the resource's own members: `itemId` (= `_id`), `netPrice` (the price when
 * none was sent), `taxRate` (null when none was sent); `data` is kept as sent.
 */
function additionalItemSchema(): Json {
  const bodyItem = ((jsonSchema('POST_Purchaseintents_CreateAPurchaseIntent').properties as Json).additionalItems as Json).items as Json;
  const alternatives = ((((jsonSchema('PurchaseIntentResource').properties as Json).additionalItems as Json).items as Json).oneOf ?? []) as Json[];
  const properties: Json = { itemId: { type: 'string', description: 'The ID of the item (the `_id` it was created with)' } };
  for (const alt of alternatives) Object.assign(properties, alt.properties as Json);
  Object.assign(properties, bodyItem.properties as Json);
  properties.netPrice = { type: 'number', description: 'The single piece net price of the additional item (its price when none was given).' };
  properties.taxRate = { type: ['number', 'null'], description: 'The tax rate of the additional item; null when none was given.' };
  properties.data = { type: 'object', additionalProperties: true, description: 'Data of the item as given (`bundleId` for a bundle, `fulfillmentTypeId` for a fulfillment type).' };
  return {
    type: 'object',
    description: 'An additional item as created (bundle, additionalFee, fulfillmentType, insurance), with the resource’s `itemId`, `netPrice` and `taxRate`.',
    properties,
    required: ['itemId', 'type', 'amount', 'netPrice', 'price', 'taxRate'],
  };
}

const ADDITIONAL_ITEM = additionalItemSchema();

/** A resource schema (an intent, public or not) whose `additionalItems` answer as `ADDITIONAL_ITEM`. */
export function intentResourceSchema(name: 'PurchaseIntentResource' | 'PublicPurchaseIntentResource'): Json {
  const s = jsonSchema(name);
  const props = s.properties as Json;
  props.additionalItems = { ...(props.additionalItems as Json), items: ADDITIONAL_ITEM };
  return s;
}

export const IntentResource = intentResourceSchema('PurchaseIntentResource');
export const IntentList = (() => {
  const s = jsonSchema('GET_Purchaseintents_GetAllPurchaseIntents_200_response');
  (s.properties as Json).rows = { ...((s.properties as Json).rows as Json), items: IntentResource };
  return s;
})();
export const CreateIntentSchema = requestSchema('POST_Purchaseintents_CreateAPurchaseIntent');
export const PatchIntentSchema = requestSchema('PATCH_Purchaseintents_UpdateAPurchaseIntent');
export const ApprovalSchema = requestSchema('POST_Purchaseintents_SetApprovalStatus');

/** One cart line of the create body, as far as Encore reads it; the rest is kept as given. */
export interface CartTicketBody {
  _id?: string;
  type?: 'ticket';
  amount: number;
  price: number;
  netPrice?: number;
  ticketTypeId: string;
  seatingInfo?: { _type: number; statusId: string; [k: string]: unknown } | null;
  [k: string]: unknown;
}

export interface CartItemBody {
  _id?: string;
  type: string;
  amount?: number;
  price: number;
  netPrice?: number;
  [k: string]: unknown;
}

export interface CreateIntentBody {
  eventId: string;
  tickets: CartTicketBody[];
  customerId?: string;
  shopId?: string;
  strategyId?: string;
  salesChannelId?: string;
  seatingReservationToken?: string;
  products?: CartItemBody[];
  additionalItems?: CartItemBody[];
  extraFields?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  coupons?: string[];
  sendMail?: boolean;
  [k: string]: unknown;
}

export interface PatchIntentBody {
  expiresAt?: string | null;
}

export interface ApprovalBody {
  approvalStatus?: 'awaiting' | 'approved' | 'rejected';
  rejectionReason?: string;
}

export const IntentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: LIMITS.id, description: 'The ID of the purchase intent' }) });

export const ListQuery = Type.Object({
  customerId: Type.Optional(Type.String({ maxLength: LIMITS.id, description: 'The customer id to filter for' })),
  status: Type.Optional(Type.Union([Type.Literal('new'), Type.Literal('complete'), Type.Literal('canceled')], { description: 'The status to filter for' })),
  approvalStatus: Type.Optional(
    Type.Union([Type.Literal('awaiting'), Type.Literal('approved'), Type.Literal('rejected')], { description: 'The approval status to filter for' }),
  ),
  name: Type.Optional(Type.String({ maxLength: LIMITS.name, description: 'The name to filter for (case-insensitive substring of name, firstname, lastname)' })),
  eventId: Type.Optional(Type.String({ maxLength: LIMITS.id, description: 'The event id to filter for: as given at creation, or the Encore show id it named' })),
  shopId: Type.Optional(Type.String({ maxLength: LIMITS.id, description: 'The secret shop id to filter for' })),
  createdAtStart: Type.Optional(Type.String({ format: 'date-time', maxLength: LIMITS.dateTime, description: 'An ISO timestamp from which to filter for' })),
  createdAtEnd: Type.Optional(Type.String({ format: 'date-time', maxLength: LIMITS.dateTime, description: 'An ISO timestamp until which to filter for' })),
  outcomeCheckoutId: Type.Optional(Type.String({ maxLength: LIMITS.id, description: 'The resulting checkout id.' })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 25, description: 'A limit on the number of objects to be returned (1..1000).' })),
  skip: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'The number of objects to skip for the requested result' })),
});
export type ListQuery = Static<typeof ListQuery>;

export const SearchQuery = Type.Object({
  id: Type.String({ minLength: 8, maxLength: LIMITS.id }),
  secret: Type.String({ minLength: 8, maxLength: LIMITS.id }),
});
