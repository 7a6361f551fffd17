/** `fbpay/facebook`: signed requests, webhook signatures, Graph helpers (pure, clock injectable). */
export { signSignedRequest, base64UrlEncode, type SignOptions } from './core/facebook/signed-request.js';
export { hubSignature, hubSignatureHeaders, type HubAlgorithm } from './core/facebook/hub-signature.js';
export {
  verifyHubSignature,
  parseHubSignature,
  diagnoseHubSignature,
  HUB_HEADER,
  type HubVerifyResult,
  type HubDiagnosis,
  type ParsedHubSignature,
} from './core/facebook/hub-signature.js';
export {
  validateCreditsReply,
  validateCreditsReplyText,
  CREDITS_METHODS,
  CREDITS_NEXT_STATUSES,
  type CreditsMethod,
  type CreditsReplyVerdict,
  type CreditsRequestContext,
} from './core/facebook/credits.js';
