export { buyComponents, isSoldOut, sellBanner, type BuyInput, type Component, type ResaleState } from './buy-components.js';
