import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { Transaction } from 'kysely';
import type { DB } from './schema.js';

type Tx = Transaction<DB>;

/**
 * Work that must commit together with whatever a request changes, without the use case knowing of
 * it: the request's `Idempotency-Key` record (ADR 0003). The HTTP edge opens a scope per request;
 * `withTx` runs the scope's hooks inside each transaction, just before COMMIT, so the record and
 * the change it guards are committed by the same statement or not at all.
 */
export type CommitHook = (tx: Tx) => Promise<void>;

interface Scope {
  hooks: CommitHook[];
}

const storage = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` in a fresh scope and returns a handle that re-enters it. Node does not carry the scope
 * across the request stream's events (the body arrives on the socket's own async context), so the
 * HTTP edge re-enters through the handle once the body is parsed (see api/shared/idempotency.ts).
 */
export function runInCommitScope(fn: () => void): AsyncResource {
  let resource: AsyncResource | undefined;
  storage.run({ hooks: [] }, () => {
    resource = new AsyncResource('encore-commit-scope');
    resource.runInAsyncScope(fn);
  });
  return resource!;
}

/** Adds a hook to the current scope; outside any scope (jobs, CLI) there is nothing to add it to. */
export function addCommitHook(hook: CommitHook): boolean {
  const scope = storage.getStore();
  if (!scope) return false;
  scope.hooks.push(hook);
  return true;
}

export async function runCommitHooks(tx: Tx): Promise<void> {
  const scope = storage.getStore();
  if (!scope) return;
  for (const hook of scope.hooks) await hook(tx);
}
