/**
 * Size limits for the purchase-intent family's request schemas (issue 9, item 14). The reference
 * publishes no length on any string and no count on most arrays, so a 1 MB strategy name or 10^5
 * `restrictedCompletion` entries passed validation. `withLimits` narrows a request schema derived
 * from the reference: every string gets a `maxLength`, every array a `maxItems`, every free-form
 * object a `maxProperties`, and cart amounts a `maximum`, each chosen by what the field is (its
 * property name). Limits the reference sets itself are kept. The route schemas are what
 * /api/openapi documents, so the limits are documented with them.
 */
type Json = Record<string, unknown>;

export const LIMITS = {
  /** Ids, references, codes, tokens and secrets: the length of the longest id Encore stores. */
  id: 200,
  /** Names and titles (a person, a seat, a section, a strategy). */
  name: 500,
  /** An e-mail address (64 local + @ + 255 domain, rounded up). */
  email: 320,
  /** An ISO timestamp, with room for fractions and an offset. */
  dateTime: 64,
  /** Free text: comments, reasons. */
  text: 10_000,
  /** Any list without a tighter bound of its own. */
  items: 1_000,
  /** Keys of a free-form object (`meta`, `extraFields`, `data`); its size is bounded by the body limit. */
  properties: 100,
  /** Places of one cart line: more than any venue sells to one reservation. */
  amount: 10_000,
} as const;

/** Lists the domain bounds more tightly than `LIMITS.items` (by property name). */
const ARRAY_LIMITS: Record<string, number> = {
  coupons: 100,
  identification: 20,
  triggeredBy: 100,
  addOns: 100,
  capabilities: 20,
  phases: 100,
  taxItems: 100,
  /** Intents paid in one checkout. */
  items: 100,
};

const ID = /(^_?id$|Id$|Ids$|Ref$|Code$|Token$|^secret$|^identifier$|^target$|^method$|^coupons$|^triggeredBy$)/;
const NAME = /(name$|^title$|^gate$)/i;
const TIME = /(Time|At)$/;
const EMAIL = /^email$/i;

function hasType(node: Json, type: string): boolean {
  return node.type === type || (Array.isArray(node.type) && node.type.includes(type));
}

function stringLimit(name: string, node: Json): number {
  if (node.format === 'date-time' || node.format === 'date' || TIME.test(name)) return LIMITS.dateTime;
  if (node.format === 'email' || EMAIL.test(name)) return LIMITS.email;
  if (ID.test(name)) return LIMITS.id;
  if (NAME.test(name)) return LIMITS.name;
  return LIMITS.text;
}

function arrayLimit(name: string, node: Json): number {
  // An array of enum values never needs more entries than the enum has (`restrictedCompletion`).
  const items = node.items as Json | undefined;
  const values = Array.isArray(items?.enum) ? (items.enum as unknown[]).filter((v) => v !== null) : undefined;
  if (values !== undefined) return values.length;
  return ARRAY_LIMITS[name] ?? LIMITS.items;
}

function limit(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return node.map((n) => limit(n, name));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'properties' && v !== null && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, limit(s, p)]));
    } else if (k === 'items' || k === 'anyOf' || k === 'oneOf' || k === 'allOf') {
      // Array entries and alternatives are the same field: they keep its name.
      out[k] = limit(v, name);
    } else {
      out[k] = v;
    }
  }
  const bounded = out.enum !== undefined || out.const !== undefined;
  if (hasType(out, 'string') && !bounded && out.maxLength === undefined) out.maxLength = stringLimit(name, out);
  if (hasType(out, 'array') && out.maxItems === undefined) out.maxItems = arrayLimit(name, out);
  if (hasType(out, 'object') && out.properties === undefined && out.additionalProperties !== false && out.maxProperties === undefined) {
    out.maxProperties = LIMITS.properties;
  }
  if (hasType(out, 'integer') && name === 'amount' && out.maximum === undefined) out.maximum = LIMITS.amount;
  return out;
}

/** `schema` (a request body, a fresh copy) with the limits above added wherever the reference has none. */
export function withLimits<T extends Json>(schema: T): T {
  return limit(schema, '') as T;
}
