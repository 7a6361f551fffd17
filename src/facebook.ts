/** `fbpay/facebook`: signed requests, webhook signatures, Graph helpers (pure, clock injectable). */
export { signSignedRequest, base64UrlEncode, type SignOptions } from './core/facebook/signed-request.js';
export {
  decodeSignedRequest,
  parseSignedRequest,
  signatureMatches,
  signedRequestHmac,
  SIGNED_REQUEST_ALGORITHM,
  FUTURE_SKEW_SECONDS,
  type DecodeOptions,
  type DecodedSignedRequest,
  type SignedRequestParts,
  type SignedRequestEncoding,
} from './core/facebook/signed-request.js';
export { diagnoseMismatch, type NearMiss } from './core/facebook/diagnose.js';
export { payloadKind, describePayload, creditsMethod, KIND_LABELS, type SignedRequestKind, type PayloadDescription } from './core/facebook/payload-kind.js';
export { buildPreset, isPresetName, PRESET_NAMES, type PresetName, type PresetOptions } from './core/facebook/presets.js';
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
export { appsecretProof, verifyAppsecretProof } from './core/facebook/appsecret-proof.js';
export {
  verdict,
  latestAction,
  parsePayment,
  refundProblem,
  compareAmounts,
  PaymentSchema,
  type Payment,
  type PaymentAction,
  type PaymentDispute,
  type PaymentVerdict,
  type VerdictAction,
} from './core/facebook/payment.js';
/** The offline Graph API emulator (node:http on loopback), for tests and demos; starts nothing until called. */
export { startGraphEmulator, createGraphEmulatorProvider, GRAPH_RETRY_SCHEDULE, type GraphEmulator, type GraphEmulatorOptions, type GraphEmulatorProvider } from './providers/graph/emulator/server.js';
export { validateDataDeletionReply, type DataDeletionReplyVerdict } from './core/facebook/app-callbacks.js';
