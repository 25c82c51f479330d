export {
  consumeOneTimeToken,
  issueOneTimeToken,
  issueOneTimeTokenInTx,
  sweepExpiredTokens,
  TOKEN_METHODS,
  TOKEN_TTL_MS,
  type ConsumedToken,
  type TokenMethod,
  type TokenRequest,
} from './auth-tokens.service.js';
