/**
 * `fbpay/paypal`: PayPal webhook signatures (pure, clock injectable) — the same functions the CLI uses.
 *
 * The signed string is `transmission_id|transmission_time|webhook_id|crc32(raw body)` (crc32 as an
 * unsigned decimal), signed SHA256withRSA with the certificate at PAYPAL-CERT-URL, which must be on a
 * PayPal host: a forged delivery names its own certificate. Simulator deliveries use the webhook id
 * `WEBHOOK_ID`. Subscription payments carry the subscription id as `resource.billing_agreement_id`.
 */
export { parseHeaders, readTransmission, PAYPAL_HEADERS, REQUIRED_PAYPAL_HEADERS, type PaypalTransmission } from './core/paypal/headers.js';
export { paypalCrc32, paypalSignedString, type SignedStringParts } from './core/paypal/signed-string.js';
export {
  verifyPaypalWebhook,
  SIMULATOR_WEBHOOK_ID,
  DEFAULT_MAX_AGE_SECONDS,
  DEFAULT_FUTURE_SKEW_SECONDS,
  type PaypalVerifyOptions,
  type PaypalVerifyResult,
  type PaypalCheck,
  type PaypalNearMiss,
} from './core/paypal/verify.js';
export { checkCertUrl, parseCertificates, PAYPAL_CERT_HOSTS, PAYPAL_CERT_NAME, type CertUrlVerdict } from './core/paypal/cert-policy.js';
export { signPaypalWebhook, paypalTime, PAYPAL_AUTH_ALGO, type PaypalSignOptions, type PaypalSignature } from './core/paypal/sign.js';
export { generateTestKeyPair, createCertificate as createTestCertificate, type TestKeyPair, type CertificateSpec } from './core/paypal/test-cert.js';
export { paypalEventInfo, type PaypalEventInfo } from './core/paypal/subscription.js';
/** The offline PayPal REST emulator (`fbpay mock paypal`) on loopback, for tests and demos; starts nothing until called. */
export { startPaypalEmulator, loadOrCreatePki, type StartPaypalEmulatorOptions, type RunningPaypalEmulator, type EmulatorPki } from './providers/paypal/emulator/index.js';
