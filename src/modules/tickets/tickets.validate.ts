import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { ErrorCode } from '../../lib/app-error.js';
import { TicketBody } from './tickets.schemas.js';

/**
 * Schema checks of one ticket outside HTTP (the worker, the command-line import), with the same
 * Ajv settings as the API (app.ts): strict objects, no coercion, defaults applied. Over HTTP the
 * route validates the whole array first and answers 400 naming `[i].field`; here each ticket gets
 * its own result, because an import of a million rows must not stop at the first bad one.
 */

export interface TicketIssue {
  code: ErrorCode;
  message: string;
  /** JSON path inside the ticket (`ticketAccess.locator`); callers prefix the ticket's position. */
  field?: string;
  details?: Record<string, unknown>;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: false, allErrors: false, strict: false });
    // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
    const addFormats = (formatsPlugin as unknown as { default: (a: Ajv) => Ajv }).default ?? formatsPlugin;
    addFormats(ajv);
    compiled = ajv.compile(TicketBody);
  }
  return compiled;
}

/** `/ticketAccess/locator` → `ticketAccess.locator`; `/tags/2` → `tags[2]`. */
function path(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function issueOf(e: ErrorObject): TicketIssue {
  let field = path(e.instancePath);
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
  return { code: 'VALIDATION_ERROR', message: `${field || 'ticket'} ${message}`, ...(field ? { field } : {}) };
}

/** Schema check of one ticket; the first problem, or undefined when it is a valid ticket body. */
export function schemaIssue(value: unknown): TicketIssue | undefined {
  const validate = validator();
  if (validate(value)) return undefined;
  const first = validate.errors?.[0];
  return first ? issueOf(first) : { code: 'VALIDATION_ERROR', message: 'the ticket is invalid' };
}

function badString(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  // A lone UTF-16 surrogate cannot be stored as UTF-8 (PostgreSQL refuses it in JSON).
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) return 'must be valid Unicode (no lone surrogates)';
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000 nor lone surrogates. Checked per ticket before any write, so
 * one bad value is that ticket's error and never fails the statement that writes its neighbours.
 */
export function stringIssue(value: unknown, at = ''): TicketIssue | undefined {
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

/** Request-level form for the HTTP routes: the first bad string of a batch, with `[i].` paths. */
export function firstStringIssueInBatch(body: unknown): TicketIssue | undefined {
  if (!Array.isArray(body)) return stringIssue(body);
  for (let i = 0; i < body.length; i++) {
    const issue = stringIssue(body[i]);
    if (issue) {
      const field = issue.field ? `[${i}].${issue.field}` : `[${i}]`;
      return { ...issue, field, message: issue.message.replace(/^\S+/, field) };
    }
  }
  return undefined;
}
