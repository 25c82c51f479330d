import { readFileSync } from 'node:fs';
import { sourcePath } from '../../lib/source-path.js';

/**
 * The purchase-intent reference's own OpenAPI document (a verbatim copy of
 * `spec/purchase-intents.openapi.json`), the exact contract of this API family (SPEC §7). Routes take
 * their request and response schemas from it, so what Encore validates, serialises and documents is
 * the reference's, not a re-typing of it; the contract tests check responses against the same file.
 */
interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

const document = JSON.parse(readFileSync(sourcePath('modules/purchase-intents/reference.openapi.json'), 'utf8')) as OpenApi;

const PREFIX = '#/components/schemas/';

/** The schema with every `$ref` to a component inlined (the reference has no recursive schemas). */
function inline(node: unknown, seen: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, seen));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const ref = obj.$ref;
  if (typeof ref === 'string' && ref.startsWith(PREFIX)) {
    const name = ref.slice(PREFIX.length);
    if (seen.includes(name)) throw new Error(`recursive reference schema ${name}`);
    return inline(componentRaw(name), [...seen, name]);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, inline(v, seen)]));
}

function componentRaw(name: string): unknown {
  const schema = document.components.schemas[name];
  if (schema === undefined) throw new Error(`the reference has no schema ${name}`);
  return schema;
}

/** A component schema of the reference (`PurchaseIntentResource`, …), self-contained, a fresh copy. */
export function referenceSchema(name: string): Record<string, unknown> {
  return inline(componentRaw(name), [name]) as Record<string, unknown>;
}

/** The reference's operations: method and path as the reference writes them (`/api/purchaseintents/{id}`). */
export function referenceOperations(): { method: string; path: string; operation: Record<string, unknown> }[] {
  const out: { method: string; path: string; operation: Record<string, unknown> }[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) out.push({ method: method.toUpperCase(), path, operation: operation as Record<string, unknown> });
  }
  return out;
}

/**
 * The reference's `oneOf`s rewritten as `anyOf`. Its alternatives overlap (an `availabilityStrategy`
 * with createTickets true, withoutSeats false and createValidTickets false matches both branches),
 * so a strict `oneOf` refuses the most common objects; the reference's own server accepts them.
 * Use this for every schema Ajv or the serializer compiles (routes and contract tests alike).
 */
export function relaxOneOf<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => relaxOneOf(n)) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k === 'oneOf' ? 'anyOf' : k, relaxOneOf(v)])) as T;
}
