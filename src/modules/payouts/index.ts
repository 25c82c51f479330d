export { cancelPayoutsOfOrders, payoutsOfOrder, payoutView, releaseDuePayouts, schedulePayouts, type PayoutView } from './payouts.service.js';
