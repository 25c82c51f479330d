import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from './app-error.js';

/**
 * Schema checks of one item outside a route (a row of a batch, a worker's item), with the API's Ajv
 * settings (strict objects, no coercion, defaults applied): each item of a batch gets its own result,
 * so one bad item never stops its neighbours. Also the check that PostgreSQL can store every string.
 */

export interface ItemIssue {
  code: ErrorCode;
  message: string;
  /** JSON path inside the item (`buyer.phone`); callers prefix the item's position. */
  field?: string;
  details?: Record<string, unknown>;
}

/** `/ticketAccess/locator` → `ticketAccess.locator`; `/tags/2` → `tags[2]`. */
export function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function issueOf(e: ErrorObject, noun: string): ItemIssue {
  let field = jsonPointerToPath(e.instancePath);
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') {
    field = field ? `${field}.${e.params.missingProperty}` : e.params.missingProperty;
    message = 'is required';
  } else if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
    field = field ? `${field}.${e.params.additionalProperty}` : e.params.additionalProperty;
    message = 'is not a known field';
  } else if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    message = `must be one of ${e.params.allowedValues.map(String).join(', ')}`;
  }
  return { code: 'VALIDATION_ERROR', message: `${field || noun} ${message}`, ...(field ? { field } : {}) };
}

/**
 * A checker for one schema: the first problem of a value, or undefined when it conforms. With
 * `stripUnknown`, fields the schema does not name are removed first (the forgiving edge's rule for
 * bodies, applied to the items of a batch that the route takes as opaque values).
 */
export function schemaChecker(schema: TSchema, noun: string, opts: { stripUnknown?: boolean } = {}): (value: unknown) => ItemIssue | undefined {
  let compiled: ValidateFunction | undefined;
  return (value) => {
    if (!compiled) {
      const ajv = new Ajv({ removeAdditional: opts.stripUnknown ? 'all' : false, useDefaults: true, coerceTypes: false, allErrors: false, strict: false });
      // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
      const addFormats = (formatsPlugin as unknown as { default: (a: Ajv) => Ajv }).default ?? formatsPlugin;
      addFormats(ajv);
      compiled = ajv.compile(schema);
    }
    if (compiled(value)) return undefined;
    const first = compiled.errors?.[0];
    return first ? issueOf(first, noun) : { code: 'VALIDATION_ERROR', message: `the ${noun} is invalid` };
  };
}

function badString(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  // A lone UTF-16 surrogate cannot be stored as UTF-8 (PostgreSQL refuses it in JSON).
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) return 'must be valid Unicode (no lone surrogates)';
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000 nor lone surrogates. Checked per item before any write, so one
 * bad value is that item's error and never fails the statement that writes its neighbours.
 */
export function stringIssue(value: unknown, at = ''): ItemIssue | undefined {
  if (typeof value === 'string') {
    const problem = badString(value);
    return problem ? { code: 'VALIDATION_ERROR', message: `${at || 'value'} ${problem}`, ...(at ? { field: at } : {}) } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const issue = stringIssue(value[i], `${at}[${i}]`);
      if (issue) return issue;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const field = at ? `${at}.${k}` : k;
      const keyProblem = badString(k);
      if (keyProblem) return { code: 'VALIDATION_ERROR', message: `${field} (a field name) ${keyProblem}`, field };
      const issue = stringIssue(v, field);
      if (issue) return issue;
    }
  }
  return undefined;
}
