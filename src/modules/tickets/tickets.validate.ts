import { schemaChecker, stringIssue, type ItemIssue } from '../../lib/schema-check.js';
import { TicketBody } from './tickets.schemas.js';

/**
 * Schema checks of one ticket outside HTTP (the worker, the command-line import), with the same
 * Ajv settings as the API (lib/schema-check.ts). Over HTTP the route validates the whole array first
 * and answers 400 naming `[i].field`; here each ticket gets its own result, because an import of a
 * million rows must not stop at the first bad one.
 */

export type TicketIssue = ItemIssue;
export { stringIssue };

/** Schema check of one ticket; the first problem, or undefined when it is a valid ticket body. */
export const schemaIssue = schemaChecker(TicketBody, 'ticket');

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
