export { buyingFlowUrl, sellDetailsUrl, sellOrderUrl, sellTicketUrl, type LoginTrust, type UrlCommon } from './marketplace-urls.service.js';
