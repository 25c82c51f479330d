import { defineMessages } from '../../i18n/messages.js';

/** The "sell a ticket" page (SPEC §4.1 item 3). */
export const sellTicketMessages = defineMessages({
  en: {
    title: 'Sell your ticket',
    list: 'List for sale',
    openUntil: (date: string) => `You can list it until ${date}.`,
    alreadyOnSale: 'This ticket is already on sale.',
    seeListing: 'See your listing',
    sold: 'You sold this ticket.',
    seeSale: 'See the sale',
    transferInstead: 'Transfer it to someone instead',
    backToTickets: 'Back to my tickets',
  },
  es: {
    title: 'Vende tu entrada',
    list: 'Poner a la venta',
    openUntil: (date: string) => `Puedes ponerla a la venta hasta el ${date}.`,
    alreadyOnSale: 'Esta entrada ya está a la venta.',
    seeListing: 'Ver tu anuncio',
    sold: 'Has vendido esta entrada.',
    seeSale: 'Ver la venta',
    transferInstead: 'Transferirla a otra persona',
    backToTickets: 'Volver a mis entradas',
  },
});
