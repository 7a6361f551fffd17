/** `fbpay/facebook`: the facebook codecs and verifiers (pure, clock injectable). */
export {};
