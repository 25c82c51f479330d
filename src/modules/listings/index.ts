export { createListing, changeListingPrice, findListingForTicket, getListingOfTicket, listedTickets, terminateListingOfTicket } from './listings.service.js';
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
export { ListingView } from './listings.schemas.js';
export { BrowseQuery, CreateListingBody, EventParams, ListedTicketView, ListingByTicketQuery, ListingParams, PatchListingBody, TicketParams } from './listings.schemas.js';
