import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** What a repository method runs on: the pool, or the use case's transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;
export type Tx = Transaction<DB>;
