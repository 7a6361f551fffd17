/** `fbpay/midas`: the midas codecs and verifiers (pure, clock injectable). */
export {};
