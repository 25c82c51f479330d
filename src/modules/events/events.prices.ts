import type { ShowRecord } from './events.mappers.js';

/**
 * The face value of a ticket option in a price type (SPEC §2): the combination's price when the
 * event prices that pair explicitly, else the price type's own price, else the option's price.
 * Undefined when the show has no such option. Minor units of the event currency.
 */
export function faceValueMinor(show: Pick<ShowRecord, 'ticketOptions' | 'priceTypes' | 'combinations'>, ticketOptionId: string, priceTypeId: string | null): number | undefined {
  const option = show.ticketOptions.find((o) => o.ticketId === ticketOptionId);
  if (!option) return undefined;
  if (priceTypeId === null) return option.priceMinor;
  const combination = show.combinations.find((c) => c.ticketOptionId === ticketOptionId && c.priceTypeId === priceTypeId);
  if (combination) return combination.priceMinor;
  return show.priceTypes.find((p) => p.priceTypeId === priceTypeId)?.priceMinor ?? option.priceMinor;
}
