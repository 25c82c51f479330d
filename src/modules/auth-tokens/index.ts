export {
  consumeOneTimeToken,
  consumeOneTimeTokenInTx,
  issueOneTimeToken,
  issueOneTimeTokenInTx,
  issueOneTimeTokensInTx,
  sweepExpiredTokens,
  TOKEN_METHODS,
  TOKEN_TTL_MS,
  type ConsumedToken,
  type TokenMethod,
  type TokenRequest,
} from './auth-tokens.service.js';
