/** The event `npm start` offers a newcomer as a ready-to-paste curl line; tests keep it valid. */
export const DEMO_EVENT = {
  externalReferenceId: 'demo-concert',
  title: 'Demo concert',
  description: 'My first Encore event',
  location: { venueName: 'Sala Apolo', city: 'Barcelona', country: 'ES', timeZone: 'Europe/Madrid' },
  configuration: { policy: 'NONE', currency: 'EUR' },
  shows: [
    {
      showId: 'demo-show-1',
      date: '2027-06-01T21:00:00+02:00',
      ticketOptions: [{ ticketId: 'general', title: 'General admission', price: 35, capacity: 500 }],
      priceTypes: [{ priceTypeId: 'standard', title: 'Standard' }],
    },
  ],
} as const;
