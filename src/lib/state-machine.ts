import { AppError } from './app-error.js';

/** A lifecycle as a table: for each state, the states it may move to. */
export type StateMachine<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): boolean {
  return machine[from].includes(to);
}

/** The one guard every lifecycle change goes through; anything not in the table is refused. */
export function transition<S extends string>(machine: StateMachine<S>, entity: string, from: S, to: S): S {
  if (!canTransition(machine, from, to)) {
    throw new AppError('INVALID_STATE_TRANSITION', `${entity} cannot go from ${from} to ${to}`, { details: { from, to } });
  }
  return to;
}
