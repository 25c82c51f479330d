export { buyComponents, isSoldOut, sellBanner, type BuyInput, type Component, type ResaleState } from './buy-components.js';
export {
  ctaLabel,
  orderDecision,
  sellDecision,
  type OrderCtaType,
  type OrderDecision,
  type SellDecision,
  type SellFacts,
  type SellReason,
  type SellStatus,
  type SellWindow,
  type TicketCtaType,
  type TicketState,
} from './sell-status.js';
