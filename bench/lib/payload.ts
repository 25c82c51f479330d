/**
 * A realistic `POST /v1/events` body (SPEC §2): 2 shows, each with 3 ticket options and 2 price
 * types. Every id is derived from `ref` so that each request creates a new, unique event.
 */
export function eventPayload(ref: string): Record<string, unknown> {
  const show = (n: number, date: string) => ({
    showId: `${ref}-show-${n}`,
    title: `Night ${n}`,
    date,
    ticketOptions: [
      { ticketId: `${ref}-s${n}-general`, title: 'General admission', price: 35, capacity: 500 },
      { ticketId: `${ref}-s${n}-front`, title: 'Front stage', price: 55.5, capacity: 150 },
      { ticketId: `${ref}-s${n}-vip`, title: 'VIP', description: 'Lounge access and a drink', price: 120, capacity: 40 },
    ],
    priceTypes: [
      { priceTypeId: `${ref}-s${n}-standard`, title: 'Standard' },
      { priceTypeId: `${ref}-s${n}-reduced`, title: 'Reduced (students, over 65)' },
    ],
  });
  return {
    externalReferenceId: ref,
    title: 'Benchmark concert',
    description: 'Two nights at Sala Apolo',
    location: { venueName: 'Sala Apolo', address: 'Carrer Nou de la Rambla, 113', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
    configuration: { policy: 'NONE', currency: 'EUR' },
    producers: [{ name: 'Bench Productions SL', email: 'bench@example.com' }],
    shows: [show(1, '2027-06-01T21:00:00+02:00'), show(2, '2027-06-02T21:00:00+02:00')],
  };
}
