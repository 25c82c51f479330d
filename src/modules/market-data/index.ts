export { getInventory, reportedOptionCapacity, showInventories, updateInventoryDetails, updateShowInventory, type InventoryDetailInput, type InventoryInput, type InventoryView } from './inventory.service.js';
export { eraseLeadInTx, listLeads, upsertLead, upsertLeads, wishlistDemand, wishlistLeadsFor, wishlistWaitingSince, markLeadAlerted, WISHLIST_ALERTS_PER_LISTING, type ListingOnSale, type BulkResult, type LeadOutcome } from './leads.service.js';
export { LEAD_TYPES, LeadBody, LeadView } from './leads.schemas.js';
export type { LeadRow } from './leads.repository.js';
