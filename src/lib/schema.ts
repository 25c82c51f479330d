import { Type, type Static, type TNull, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * TypeBox helpers shared by every schema (the modules' domain shapes and the edge's route schemas).
 * Pure: no I/O.
 */

/**
 * Optional fields also accept `null` (many integrators serialise absent values that way). At run
 * time this is a JSON-Schema type list rather than `anyOf`, so a wrong value gives one error naming
 * the field instead of one error per branch. The declared type spells the same thing as `anyOf`,
 * which is what the Fastify type provider (TypeBox 1.x, reading schemas structurally) understands;
 * `static` serves this package's TypeBox 0.34 `Static`.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> & { anyOf: [T, TNull] } {
  const { type, ...rest } = schema as unknown as { type: string };
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] }) as TUnsafe<Static<T> | null> & { anyOf: [T, TNull] };
}

/** An optional member that may also be `null`. */
export const Opt = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

/** A string enum as `enum` (one clear "must be one of" error) rather than TypeBox's `anyOf` of literals; typed for both TypeBox lines. */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> & { enum: [...T] } {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) }) as TUnsafe<T[number]> & {
    enum: [...T];
  };
}

/** The longest id Encore stores (integrator ids are `text`; this is the contract). */
export const MAX_ID_LENGTH = 200;

// Ids travel in URLs and logs: no control characters.
const ID_PATTERN = '^[^\\u0000-\\u001F\\u007F]+$';

/** An integrator's id: 1 to 200 characters, no control characters. */
export const Id = (description?: string) =>
  Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH, pattern: ID_PATTERN, ...(description ? { description } : {}) });

/**
 * An id that names something to look up (query parameters of the URL endpoints): only its length is
 * checked, so a value no stored id can have (a control character) is an unknown id, 404 like any other.
 */
export const IdRef = (description?: string) => Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH, ...(description ? { description } : {}) });
