import type { Provider, RenderedFixture } from '../../../core/fixtures/schema.js';
import type { HttpResponse } from '../../../transport/http.js';
import type { OutgoingDelivery } from '../adapter.js';

/**
 * `webhook check`: a conformance battery against the user's endpoint. Each provider's battery is a
 * list of checks as data (id, title, required, why) plus a `run` that makes real deliveries through
 * the provider's replay adapter and reports what came back.
 */
export interface CheckResult {
  ok: boolean;
  /** Not run (e.g. the handshake without --verify-token); `detail` says why. */
  skipped?: boolean;
  /**
   * Ran, but what came back proves nothing (a refusal while the valid delivery was not accepted
   * either, a latency measured on an error page): neither pass nor fail, and a required one fails the run.
   */
  inconclusive?: boolean;
  /**
   * For the checks other checks rest on: whether the provider would count the delivery as accepted
   * (it may be accepted yet fail the check's stricter rule). Defaults to `ok`.
   */
  accepted?: boolean;
  /** HTTP status of the reply the verdict rests on. */
  status?: number;
  /** What came back, one line: "403 (rejected)", "200, then 500 on the second delivery". */
  detail: string;
  latencyMs?: number;
}

export interface CheckDeps {
  /** The slowest acceptable reply, ms (--budget-ms). */
  budgetMs: number;
  /** Per request, ms: a reply slower than this is "no reply". */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Unix seconds. */
  now: () => number;
  /** Sends one delivery exactly as built (bytes untouched) and returns the reply. Network failures throw NetworkError. */
  send(d: OutgoingDelivery): Promise<HttpResponse>;
  /** A fresh random token: hub.challenge values, wrong tokens, other ids. */
  random(): string;
}

export interface Check {
  /** Stable, kebab-case: what --only and --skip take. */
  id: string;
  title: string;
  /** A failed required check fails the run (exit 1); advisory ones are reported only. */
  required: boolean;
  /** One line on why it matters. */
  why: string;
  /**
   * The id of the check that must have passed for this one's pass to mean anything (a refusal only
   * says something when the valid delivery is accepted). When that check was not selected the runner
   * runs it first, unreported. A pass without its premise becomes `inconclusive`; a fail stays a fail.
   */
  premise?: string;
  run(target: URL, deps: CheckDeps): Promise<CheckResult>;
}

export interface Battery {
  provider: Provider;
  /** What is checked when a provider has more than one kind of endpoint (facebook: `deauthorize`, `data-deletion`); absent for webhooks. */
  kind?: string;
  checks: Check[];
  /** Resources held while checks run (PayPal: certificate servers). */
  open?(signal?: AbortSignal): Promise<void>;
  close?(): Promise<void>;
  /** Said when the valid delivery is not accepted: a setup fact the user may have missed (not a diagnosis). */
  premiseNote?: string;
}

/** What a provider battery is built from: the resolved settings of `webhook check`. */
export interface BatteryOptions {
  /** facebook */
  secret?: string;
  verifyToken?: string;
  graphUrl?: string;
  /** paypal */
  webhookId?: string;
  /** paypal: sign with this key (--key) and serve --cert, or point at --cert-url; default a fresh test pair. */
  keyPem?: string;
  certPem?: string;
  certUrl?: string;
  /** paypal: serve certificates over https with this (local CA's) server certificate. */
  certServerTls?: { certPem: string; keyPem: string };
  /** facebook: check an app callback instead of the payments webhook (`--kind`). */
  kind?: 'payments' | 'deauthorize' | 'data-deletion';
  /** paypal: issue the test signing certificates from this (local) CA, so a receiver trusting it checks the chain. */
  signingCa?: { keyPem: string };
  /** midas */
  appkey?: string;
  path?: string;
  /** Unix seconds (fixture rendering, signing). */
  now?: () => number;
  /** Environment for `${env:…}` fixture placeholders. */
  env?: Record<string, string | undefined>;
  /** Renders a built-in fixture by name (one event), with optional --set style overrides. Injected by tests; default: the shipped library. */
  render?: (name: string, sets?: string[]) => RenderedFixture;
}

export interface CheckOutcome extends CheckResult {
  id: string;
  title: string;
  required: boolean;
  why: string;
}

export interface CheckReport {
  provider: Provider;
  /** The battery's kind, when it has one (`--kind`). */
  kind?: string;
  target: string;
  passed: number;
  /** Failed checks, required and advisory. */
  failed: number;
  /** Failed required checks: exit 1 when above 0. */
  requiredFailed: number;
  /** Checks that ran but proved nothing; a required one fails the run too. */
  inconclusive: number;
  requiredInconclusive: number;
  /** When some premise failed: the likely cause, from what every reply had in common ("every request got 404: is the path right?"). */
  cause?: string;
  /** The battery's premiseNote, when a premise failed. */
  note?: string;
  skipped: number;
  elapsedMs: number;
  checks: CheckOutcome[];
}
