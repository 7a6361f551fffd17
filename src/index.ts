/**
 * fbpay as a library: the same pure functions the CLI uses. No side effects on import.
 * Provider-specific entries: `fbpay/facebook`, `fbpay/paypal`, `fbpay/midas`.
 */
export * from './core/errors.js';
export { maskSecret, redact } from './core/mask.js';
export { safeEqual } from './core/safe-equal.js';
export * from './facebook.js';
export * from './paypal.js';
export * from './midas.js';
