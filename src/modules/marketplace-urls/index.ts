export { marketplaceUrlsRoutes } from './marketplace-urls.routes.js';
export { buyingFlowUrl, sellDetailsUrl, sellOrderUrl, sellTicketUrl, DEFAULT_LANG, type LoginTrust, type UrlCommon } from './marketplace-urls.service.js';
