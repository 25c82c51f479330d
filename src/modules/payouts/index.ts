export { cancelPayoutsOfOrders, payoutsOfOrder, payoutView, releaseDuePayouts, schedulePayouts, type PayoutView } from './payouts.service.js';
export {
  decryptPayoutAccount,
  getPayoutAccount,
  getPayoutAccountView,
  savePayoutAccount,
  sellersWithPayoutAccount,
  setPayoutAccount,
  type PayoutAccountDetails,
  type PayoutAccountView,
} from './payout-accounts.service.js';
export { IBAN_LENGTHS, HOLDER_NAME_MAX, type PayoutAccountInput } from './payout-accounts.validate.js';
export type { PayoutAccountKind } from './payouts.tables.js';
export { payoutsOfListing, scheduledPayoutsOfSeller, type SellerPayout } from './payouts.seller.js';
