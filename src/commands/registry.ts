import type { Command } from 'commander';
import type { Ctx } from '../ui/context.js';

/** A top-level command group, loaded only when it runs (so `fbpay decode` does not pay for the Graph emulator). */
export interface CommandEntry {
  summary: string;
  load: () => Promise<{ default: (ctx: Ctx) => Command }>;
  /** Optional start-up fast path (see fastPath in src/cli.ts): runs plain invocations without commander. */
  fast?: () => Promise<{ fastPath: (ctx: Ctx, argv: string[]) => (() => Promise<void>) | undefined }>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  decode: { summary: 'decode and verify a signed_request', load: () => import('./decode.js'), fast: () => import('./decode-action.js') },
  sign: { summary: 'make a signed_request (Payments Lite, Pay Dialog, Credits, login)', load: () => import('./sign.js') },
  consume: { summary: 'consume a Payments Lite purchase (needs a USER access token)', load: () => import('./consume.js') },
  purchases: { summary: 'list unconsumed Payments Lite purchases', load: () => import('./purchases.js') },
  products: { summary: "the app's in-app products: list, create", load: () => import('./products/index.js') },
  payment: { summary: 'Graph API payment object: get, refund, dispute', load: () => import('./payment/index.js') },
  explain: { summary: 'what an error code means and what to do', load: () => import('./explain.js') },
  mock: { summary: 'offline emulators (mock graph|paypal|midas)', load: () => import('./mock/index.js') },
  trigger: { summary: 'cause a state change on a running emulator and report the webhooks it sent', load: () => import('./trigger.js') },
  webhook: { summary: 'sign, verify, replay, listen, check webhooks (facebook, paypal, midas)', load: () => import('./webhook/index.js') },
  fixtures: { summary: 'built-in webhook events and scenarios', load: () => import('./fixtures/index.js') },
  paypal: { summary: 'PayPal webhook signatures: keygen, sign, expected, verify, verify-online', load: () => import('./paypal/index.js') },
  midas: { summary: 'Tencent Midas / OpenAPI v3 signatures: sign, verify, order', load: () => import('./midas/index.js') },
  config: { summary: 'show resolved settings and where each came from', load: () => import('./config/index.js') },
  completion: { summary: 'shell completion script (bash, zsh, fish)', load: () => import('./completion.js') },
  demo: { summary: 'the whole toolkit, offline, against the built-in emulator', load: () => import('./demo.js') },
};
