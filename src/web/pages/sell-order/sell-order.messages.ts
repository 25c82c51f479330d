import { defineMessages } from '../../i18n/messages.js';

/** The "sell an order" page (SPEC §4.1 item 4). */
export const sellOrderMessages = defineMessages({
  en: {
    title: 'Sell tickets from your order',
    orderLine: (id: string) => `Order ${id}`,
    choose: 'Choose the tickets to sell',
    ticketPrice: (currency: string) => `Price for this ticket (${currency})`,
    how: 'How to sell them',
    separate: 'Separately: each ticket is its own listing, at its own price',
    pack: 'Together as a pack: one buyer takes them all',
    packPrice: (currency: string) => `Price per ticket for the pack (${currency})`,
    packHint: 'Used only when you sell them together.',
    figures: (receive: string, pays: string) => `You receive ${receive} · the buyer pays ${pays}`,
    list: 'List for sale',
    chooseOne: 'Choose at least one ticket to sell.',
    packNeedsTwo: 'A pack needs at least two tickets.',
    noneSellable: 'None of these tickets can be sold right now.',
    backToTickets: 'Back to my tickets',
  },
  es: {
    title: 'Vende entradas de tu pedido',
    orderLine: (id: string) => `Pedido ${id}`,
    choose: 'Elige las entradas que quieres vender',
    ticketPrice: (currency: string) => `Precio de esta entrada (${currency})`,
    how: 'Cómo venderlas',
    separate: 'Por separado: cada entrada en su propio anuncio, con su propio precio',
    pack: 'Juntas en un lote: un solo comprador se las lleva todas',
    packPrice: (currency: string) => `Precio por entrada del lote (${currency})`,
    packHint: 'Solo se usa si las vendes juntas.',
    figures: (receive: string, pays: string) => `Recibes ${receive} · el comprador paga ${pays}`,
    list: 'Poner a la venta',
    chooseOne: 'Elige al menos una entrada para vender.',
    packNeedsTwo: 'Un lote necesita al menos dos entradas.',
    noneSellable: 'Ahora mismo no se puede vender ninguna de estas entradas.',
    backToTickets: 'Volver a mis entradas',
  },
});
