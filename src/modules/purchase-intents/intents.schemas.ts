import { Type, type Static } from '@sinclair/typebox';
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

export const IntentResource = jsonSchema('PurchaseIntentResource');
export const IntentList = jsonSchema('GET_Purchaseintents_GetAllPurchaseIntents_200_response');
export const CreateIntentSchema = jsonSchema('POST_Purchaseintents_CreateAPurchaseIntent');
export const PatchIntentSchema = jsonSchema('PATCH_Purchaseintents_UpdateAPurchaseIntent');
export const ApprovalSchema = jsonSchema('POST_Purchaseintents_SetApprovalStatus');

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

export const IntentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200, description: 'The ID of the purchase intent' }) });

export const ListQuery = Type.Object({
  customerId: Type.Optional(Type.String({ description: 'The customer id to filter for' })),
  status: Type.Optional(Type.Union([Type.Literal('new'), Type.Literal('complete'), Type.Literal('canceled')], { description: 'The status to filter for' })),
  approvalStatus: Type.Optional(
    Type.Union([Type.Literal('awaiting'), Type.Literal('approved'), Type.Literal('rejected')], { description: 'The approval status to filter for' }),
  ),
  name: Type.Optional(Type.String({ description: 'The name to filter for (case-insensitive substring of name, firstname, lastname)' })),
  eventId: Type.Optional(Type.String({ description: 'The event id to filter for: as given at creation, or the Encore show id it named' })),
  shopId: Type.Optional(Type.String({ description: 'The secret shop id to filter for' })),
  createdAtStart: Type.Optional(Type.String({ format: 'date-time', description: 'An ISO timestamp from which to filter for' })),
  createdAtEnd: Type.Optional(Type.String({ format: 'date-time', description: 'An ISO timestamp until which to filter for' })),
  outcomeCheckoutId: Type.Optional(Type.String({ description: 'The resulting checkout id.' })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 25, description: 'A limit on the number of objects to be returned (1..1000).' })),
  skip: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'The number of objects to skip for the requested result' })),
});
export type ListQuery = Static<typeof ListQuery>;

export const SearchQuery = Type.Object({
  id: Type.String({ minLength: 8, maxLength: 200 }),
  secret: Type.String({ minLength: 8, maxLength: 200 }),
});
