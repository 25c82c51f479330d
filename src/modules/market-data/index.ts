export { getInventory, reportedOptionCapacity, updateInventoryDetails, updateShowInventory, type InventoryDetailInput, type InventoryInput, type InventoryView } from './inventory.service.js';
export { eraseLead, listLeads, upsertLead, upsertLeads, wishlistDemand, type BulkResult, type LeadOutcome } from './leads.service.js';
export { LEAD_TYPES, LeadBody, LeadView } from './leads.schemas.js';
