import type { Lang } from '../../lib/urls.js';

/**
 * The pages' texts, one typed catalogue per language. Each page keeps its own section beside its
 * view (`<page>.messages.ts`) so a page and its words change together; `defineMessages` makes the
 * Spanish section take exactly the English section's keys and signatures, so a missing or misspelt
 * key, or a message taking other arguments, is a compile error (no runtime fallback, no key shown to
 * a fan). A message is a string, or a function of its arguments when it interpolates (typed too).
 */
export type Message = string | ((...args: never[]) => string);
export type Messages = Record<string, Message>;

export interface Catalogue<T extends Messages> {
  en: T;
  es: T;
}

export function defineMessages<T extends Messages>(catalogue: { en: T; es: NoInfer<T> }): Catalogue<T> {
  return catalogue;
}

/** The section of `catalogue` in `lang`. */
export function messagesFor<T extends Messages>(catalogue: Catalogue<T>, lang: Lang): T {
  return catalogue[lang];
}
