/** `fbpay/facebook`: signed requests, webhook signatures, Graph helpers (pure, clock injectable). */
export { signSignedRequest, base64UrlEncode, type SignOptions } from './core/facebook/signed-request.js';
export { hubSignature, hubSignatureHeaders, type HubAlgorithm } from './core/facebook/hub-signature.js';
