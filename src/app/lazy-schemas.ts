import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { Ajv, AnySchema, ValidateFunction } from 'ajv';

/*
 * Fastify compiles every route's validator (ajv) and response serialiser (fast-json-stringify) when
 * the server becomes ready: about a second of a start on two cores, for some 200 routes of which a
 * process serves a few. Compiled on a route's first use instead, with the same compilers and
 * options, they cost that route's first request a few milliseconds and the start nothing. A schema
 * that does not compile fails its route's first request instead of the start; the robustness and
 * contract tests send every documented route a request, so none reaches a user.
 */

/** The ajv validator of `schema`, compiled when first called. */
export function lazyValidator(ajv: Ajv, schema: AnySchema): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  validate.errors = null;
  return validate;
}

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's own serialiser compiler (the one it uses when none is set), each route's serialiser
 * built when first used. For Fastify's `schemaController.compilersFactory.buildSerializer`.
 */
export const lazySerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => (serialize ??= compile(route))(data);
  };
};
