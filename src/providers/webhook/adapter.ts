import type { Provider, RenderedFixture } from '../../core/fixtures/schema.js';
import type { HttpResponse } from '../../transport/http.js';

/**
 * The contract between the provider-neutral webhook engine (replay, listen, check) and each
 * provider (facebook, paypal, midas). A provider turns fixtures into signed bytes, judges replies
 * by its own rules, and verifies what `listen` receives.
 */
export type { Provider } from '../../core/fixtures/schema.js';
export type TamperMode = 'body' | 'signature' | 'stale';

/** What `--expect` asked for: a status class, an exact status, or a Midas ret code. */
export type ExpectSpec = { kind: 'class'; cls: 2 | 3 | 4 | 5 } | { kind: 'status'; status: number } | { kind: 'ret'; ret: number };

/** A raw delivery read back from a `webhook listen --record` NDJSON line. */
export interface CapturedDelivery {
  captured: true;
  received_at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  verified?: boolean;
  /** What `listen` masked when it recorded the line (header names, "body", "path"…). */
  redacted?: string[];
  /** "capture.ndjson:3" */
  label: string;
}

/** One request, exactly as it will go on the wire. */
export interface OutgoingDelivery {
  label: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Shown in replay output: payment id, event type, changed fields… */
  meta?: Record<string, unknown>;
}

export interface BuildContext {
  /** The --to URL. */
  target: URL;
  /** Unix seconds. */
  now: () => number;
  tamper?: TamperMode;
}

export interface ReplyVerdict {
  ok: boolean;
  /** One line: "ret 4 (请求参数错误：(sig))", "reply has whitespace", "2.3 s > 2 s budget". */
  reason?: string;
}

/**
 * Options every adapter may receive, already resolved from flags/env/config by the command.
 * Each provider reads the ones it needs and throws a UsageError naming the flag when one is missing.
 */
export interface AdapterOptions {
  /** facebook: the app secret */
  secret?: string;
  /** facebook: which X-Hub header(s) to send */
  signatureHeader?: 'sha1' | 'sha256' | 'both';
  /** facebook: the Graph emulator to seed with the fixture's payment (replay --graph-url) */
  graphUrl?: string;
  /** facebook: handshake verify token (listen) */
  verifyToken?: string;
  /** paypal */
  webhookId?: string;
  keyPem?: string;
  certPem?: string;
  certUrl?: string;
  caPem?: string;
  allowCertHosts?: string[];
  /** paypal replay: serve the certificate over https with this server certificate (a local CA's) instead of plain http. */
  certServerTls?: { certPem: string; keyPem: string };
  /** midas */
  appkey?: string;
  path?: string;
  /** unix seconds, for verification in listen */
  now?: () => number;
}

export interface ReplayAdapter {
  readonly provider: Provider;
  /** Resources held for the whole replay (PayPal: the loopback certificate server). */
  open?(signal: AbortSignal): Promise<void>;
  close?(): Promise<void>;
  /** Turns a rendered fixture, or a captured delivery, into signed bytes. Called once per delivery. */
  build(input: RenderedFixture | CapturedDelivery, ctx: BuildContext): OutgoingDelivery | Promise<OutgoingDelivery>;
  /**
   * Provider rules on the reply (Midas: exact `{"ret":0,"msg":"OK"}` within 2 s; Credits: schema).
   * Returning undefined leaves the verdict to the status check against `--expect`.
   */
  judge?(res: HttpResponse, delivery: OutgoingDelivery, expect: ExpectSpec): ReplyVerdict | undefined;
}

/** A request as `webhook listen` received it: bytes untouched. */
export interface IncomingDelivery {
  method: string;
  /** Path without the query. */
  path: string;
  /** The raw query string as received, without '?'. */
  rawQuery: string;
  headers: Record<string, string>;
  body: Buffer;
  receivedAt: Date;
}

export interface ReceiveResult {
  verified: boolean;
  /** Why it did not verify, one line. */
  reason?: string;
  /** The one-line summary `listen` prints: payment id and changed fields, event type, billno… */
  summary: string;
  /** The reply a correct server would give (Midas: its JSON). Default: 200 when verified, 403 otherwise. */
  reply?: { status: number; headers?: Record<string, string>; body: string };
}

export interface Receiver {
  readonly provider: Provider;
  /** Handles GET handshakes and the like; return undefined for "not mine, verify as a delivery". */
  handshake?(d: IncomingDelivery): { status: number; body: string } | undefined;
  receive(d: IncomingDelivery): ReceiveResult | Promise<ReceiveResult>;
  close?(): Promise<void>;
}
