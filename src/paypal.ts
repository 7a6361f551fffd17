/** `fbpay/paypal`: the paypal codecs and verifiers (pure, clock injectable). */
export {};
