export { findListingForTicket, getListingOfTicket, terminateListingOfTicket } from './listings.service.js';
export { announceNewListing, checkListable, insertListingInTx, refuseRepeatedTicketIds, type ListableTicket } from './listings.create.js';
export { repriceListingInTx } from './listings.pricing.js';
export { listedTickets } from './listings.browse.js';
export { askRanges, listingDepth, type AskRangeRow, type DepthRow } from './listings.depth.js';
export {
  claimListingsForSale,
  listingsNoLongerFor,
  endListingsOfShows,
  endListingsOfTickets,
  releaseExpiredHolds,
  releaseListingsOf,
  refuseUnavailableListings,
  rememberHeld,
  reserveListings,
  type ClaimResult,
  type ListingForSale,
} from './listings.market.js';
export { feesFor, percentOf, totalsFor, type TicketMoney } from './listings.money.js';
export { resaleWindow, type ResaleWindow } from './listings.rules.js';
export { sellerListingsOfTickets, type SellerListing, type SellerListingsOfTickets } from './listings.seller.js';
export { ListingView } from './listings.schemas.js';
export { BrowseQuery, CreateListingBody, EventParams, ListedTicketView, ListingByTicketQuery, ListingParams, PatchListingBody, TicketParams } from './listings.schemas.js';
export {
  getSellerListing,
  listingPlaces,
  previewListingPrice,
  resalePriceBounds,
  tenantOfListing,
  terminateSellerListing,
  ticketIdsSoldBy,
  type PriceBounds,
  type PricePreview,
  type PricePreviewInput,
  type SellerListingDetails,
} from './listings.seller-pages.js';
export {
  BUY_PAGE_LISTINGS,
  buyerListings,
  buyersRefusedSince,
  extendHoldsOf,
  noteRefusedBuyers,
  showListingsOnSale,
  type BuyerListing,
} from './listings.buyer-pages.js';
