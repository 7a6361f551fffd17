import { Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { redact } from '../../core/mask.js';
import { assertTargetAllowed } from '../../transport/http.js';
import type { AdapterOptions, Provider } from '../../providers/webhook/adapter.js';
import type { EventFixture, RenderedFixture, ScenarioFixture } from '../../core/fixtures/schema.js';
import type { DeliveryResult, ReplayInput, ReplaySummary } from '../../providers/webhook/replay.js';
import { collect, intOption, parseOptions } from '../options.js';
import type { Ctx } from '../../ui/context.js';
import { openLocalCa } from './local-ca.js';

export const webhookReplayOptionsSchema = z.object({
  to: z.string().check(z.minLength(1)),
  provider: z.optional(z.enum(['facebook', 'paypal', 'midas'])),
  secret: z.optional(z.string()),
  signatureHeader: z.enum(['sha1', 'sha256', 'both']),
  graphUrl: z.optional(z.string()),
  webhookId: z.optional(z.string()),
  key: z.optional(z.string()),
  cert: z.optional(z.string()),
  certUrl: z.optional(z.string()),
  httpsCa: z.optional(z.string().check(z.minLength(1))),
  appkey: z.optional(z.string()),
  path: z.optional(z.string()),
  set: z.array(z.string()),
  count: z.number(),
  concurrency: z.number(),
  duplicate: z.optional(z.boolean()),
  tamper: z.optional(z.enum(['body', 'signature', 'stale'])),
  timeout: z.number(),
  retries: z.number(),
  expect: z.string(),
  header: z.array(z.string()),
  allowRemote: z.optional(z.boolean()),
  resign: z.optional(z.boolean()),
});
type ReplayOptions = z.infer<typeof webhookReplayOptionsSchema>;

/** Per-delivery lines shown before sampling starts; after that only failures (up to the same number) and every 1000th. */
const SHOW_ALL = 100;
const SAMPLE_EVERY = 1000;

export function webhookReplayCommand(ctx: Ctx): Command {
  return new Command('replay')
    .description('sign fixtures (or recorded deliveries) and deliver them to your endpoint')
    .argument('<inputs...>', 'fixture names, fixture files or folders, or capture .ndjson files from `webhook listen --record`')
    .requiredOption('--to <url>', 'the endpoint to deliver to (loopback only unless --allow-remote)')
    .option('--provider <provider>', 'facebook|paypal|midas (default: from the fixture or capture)')
    .option('--secret <secret>', 'facebook: app secret (or FB_APP_SECRET)')
    .option('--signature-header <which>', 'facebook: sha1|sha256|both', 'both')
    .option('--graph-url <url>', "facebook: a `fbpay mock graph` to seed with each fixture's payment")
    .option('--webhook-id <id>', 'paypal: webhook id (or PAYPAL_WEBHOOK_ID)')
    .option('--key <pem file>', 'paypal: private key to sign with (default: a fresh test key)')
    .option('--cert <pem file>', "paypal: the key's certificate, served on loopback for the replay")
    .option('--cert-url <url>', 'paypal: PAYPAL-CERT-URL to send instead of the loopback one')
    .option('--https-ca <dir>', 'paypal: a local CA kept in <dir> (written on first use; prints how to trust it) issues the test signing certificate and serves it over https')
    .option('--appkey <key>', 'midas: appkey (or MIDAS_APPKEY)')
    .option('--path <path>', 'midas: the path the signature covers (default: the --to path)')
    .option('--set <path=value>', 'override a body field (repeatable, JSON-typed values)', collect, [])
    .option('--count <n>', 'send the inputs n times (fresh ids each round)', intOption('--count', { min: 1 }), 1)
    .option('--concurrency <c>', 'deliveries in flight at once (1 keeps the order)', intOption('--concurrency', { min: 1, max: 1024 }), 1)
    .option('--duplicate', 'send each delivery twice, same ids and bytes')
    .option('--tamper <mode>', 'body|signature|stale: send something a careful endpoint must reject')
    .option('--timeout <ms>', 'per attempt', intOption('--timeout', { min: 1, max: 600_000 }), 10_000)
    .option('--retries <n>', 'extra attempts on network errors and 5xx, with backoff', intOption('--retries', { min: 0, max: 20 }), 0)
    .option('--expect <spec>', '2xx|3xx|4xx|5xx|<code>|ret=<n>', '2xx')
    .option('--header <k:v>', 'extra request header (repeatable)', collect, [])
    .option('--allow-remote', 'allow a target that is not 127.0.0.1/::1/localhost')
    .option('--resign', 'captures: sign each recorded body afresh with the current secret/key (default: send the recorded signature headers unchanged)')
    .addHelpText(
      'after',
      `
A capture (.ndjson from \`webhook listen --record\`) is replayed as recorded: method, path and query,
headers (signatures included) and body bytes, so no secret is needed and a delivery the listener
refused is refused again. --resign signs each body afresh instead (needs the secret, webhook id or appkey).

Per-delivery lines: all of the first ${SHOW_ALL}, then failures and every ${SAMPLE_EVERY}th (on a terminal, with a
live progress line); none with --quiet. On a terminal each line fits its width (the reply is cut with "…").
The summary always counts every delivery. With --json: NDJSON, one {"type":"delivery",…} per delivery
(none with --quiet), then {"type":"summary",…}.
Exit: 0 every delivery met --expect · 1 some did not · 2 bad input · 3 target unreachable · 130 Ctrl-C.

Examples:
  $ fbpay webhook replay fb-payment-charge --to http://127.0.0.1:3000/webhook --secret "$FB_APP_SECRET"
  $ fbpay webhook replay fb-payment-refund --to http://127.0.0.1:3000/webhook --tamper signature --expect 4xx
  $ fbpay webhook replay fb-payment-charge --to http://127.0.0.1:3000/webhook --count 1000 --concurrency 16 --quiet
  $ fbpay webhook replay capture.ndjson --to http://127.0.0.1:3000/webhook
  $ fbpay webhook replay capture.ndjson --to http://127.0.0.1:3000/webhook --resign --secret "$FB_APP_SECRET"
  $ fbpay webhook replay paypal-sale-completed --to http://127.0.0.1:3000/paypal --webhook-id WH-123
  $ fbpay webhook replay paypal-subscription-lifecycle --to http://127.0.0.1:3000/paypal --webhook-id WH-123 --https-ca ./fbpay-ca
  $ fbpay webhook replay midas-delivery --to http://127.0.0.1:3000/midas/deliver --appkey "$MIDAS_APPKEY" --expect ret=0`,
    )
    .action(async (inputs: string[], raw: Record<string, unknown>) => {
      const opts = parseOptions(webhookReplayOptionsSchema, raw);
      const target = assertTargetAllowed(opts.to, Boolean(opts.allowRemote));
      const engine = await import('../../providers/webhook/replay.js');
      const { parseExpect } = await import('../../providers/webhook/expect.js');
      const expect = parseExpect(opts.expect);
      const extraHeaders = parseHeaders(opts.header);
      const plan = await planInputs(ctx, inputs, opts);
      const verbatim = plan.captures > 0 && !opts.resign;
      // Verbatim captures need no secret: only fixtures (or --resign) are signed here.
      const signs = plan.fixtures > 0 || !verbatim;
      const { provider, adapterOptions, secrets } = signs ? await resolveProvider(ctx, plan.provider, opts) : { provider: plan.provider, adapterOptions: {}, secrets: [] as string[] };
      const { loadReplayAdapter } = await import('../../providers/webhook/providers.js');
      const inner = signs ? await loadReplayAdapter(provider!, adapterOptions) : undefined;
      let adapter = inner!;
      if (verbatim) {
        const { verbatimCaptures } = await import('../../providers/webhook/verbatim.js');
        const judge = !inner && provider === 'midas' ? (await import('../../providers/midas/webhook-adapter.js')).judgeMidasReply : undefined;
        adapter = verbatimCaptures(provider, inner, {
          judge,
          onRedacted: (c) => ctx.warn(`${c.label} was recorded with ${c.redacted!.join(', ')} masked: it is replayed as recorded, masks included (record with --record-secrets to keep the originals)`),
        });
      }

      const render = await createRenderer(ctx, secrets);
      const summary = await engine.replay(
        plan.sync ? engine.repeatRoundsSync(opts.count, plan.round as () => Iterable<ReplayInput>) : engine.repeatRounds(opts.count, plan.round),
        adapter,
        {
          target,
          concurrency: opts.concurrency,
          timeoutMs: opts.timeout,
          retries: opts.retries,
          expect,
          duplicate: Boolean(opts.duplicate),
          extraHeaders,
          tamper: opts.tamper,
          signal: ctx.signal,
          onResult: render.delivery,
        },
      );
      render.summary(summary);
    });
}

interface Plan {
  provider?: Provider;
  /** How many arguments were capture files, how many fixtures. */
  captures: number;
  fixtures: number;
  /** One round of deliveries; synchronous when every input is a fixture (no I/O per round). */
  round: (() => Iterable<ReplayInput>) | (() => AsyncIterable<ReplayInput>);
  sync: boolean;
}

/** Sorts the arguments into fixtures and capture files, checks they exist, and infers the provider. */
async function planInputs(ctx: Ctx, inputs: string[], opts: ReplayOptions): Promise<Plan> {
  const { existsSync, statSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const capture = await import('../../providers/webhook/capture.js');
  type Item = { kind: 'capture'; file: string; display: string } | { kind: 'fixture'; render: () => RenderedFixture[] };
  const items: Item[] = [];
  const providers = new Set<Provider>();
  let library: import('../../providers/fixtures.js').FixtureLibrary | undefined;
  let renderer: typeof import('../../core/fixtures/render.js') | undefined;
  const sets = opts.set;
  // A snapshot: process.env is read through the OS on every access, once per delivery otherwise.
  const env = { ...ctx.io.env };
  // The Graph payment object is only rendered when it will be seeded (--graph-url): it costs
  // three times the body at high --count.
  const keepPayment = Boolean(opts.graphUrl);
  const events = new Map<string, EventFixture>();
  const event = (fx: EventFixture): EventFixture => {
    let e = events.get(fx.name);
    if (!e) events.set(fx.name, (e = keepPayment ? fx : { ...fx, payment: undefined }));
    return e;
  };

  for (const arg of inputs) {
    const path = resolve(ctx.io.cwd, arg);
    if (existsSync(path) && statSync(path).isFile() && capture.isCaptureFile(path)) {
      items.push({ kind: 'capture', file: path, display: arg });
      for await (const first of capture.readCapture(path, arg)) {
        const p = capture.inferCaptureProvider(first);
        if (p) providers.add(p);
        break;
      }
      continue;
    }
    if (/\.(ndjson|jsonl)$/i.test(arg) && !existsSync(path)) {
      throw new UsageError('capture_not_found', `no capture file at ${arg}`, { hint: 'record one with `fbpay webhook listen --record capture.ndjson`' });
    }
    const l = (library ??= new (await import('../../providers/fixtures.js')).FixtureLibrary());
    const r = (renderer ??= await import('../../core/fixtures/render.js'));
    const fixtures = existsSync(path) ? l.addPath(path) : [l.get(arg)];
    for (const fx of fixtures) {
      providers.add(fx.provider);
      if (fx.kind === 'scenario') {
        const sc = fx as ScenarioFixture;
        items.push({ kind: 'fixture', render: () => r.renderScenario(sc, (n) => event(l.event(n)), { sets, env }) });
      } else {
        // Parsed once, rendered every round (fresh ids each time).
        const compiled = r.compileFixture(event(fx as EventFixture));
        const renderOpts = { sets, env };
        items.push({ kind: 'fixture', render: () => [compiled.render(renderOpts)] });
      }
    }
  }
  if (!items.length) throw new UsageError('nothing_to_replay', 'no fixtures or captures to replay', { hint: 'fbpay fixtures list' });
  if (opts.set.length && items.every((i) => i.kind === 'capture')) ctx.warn('--set applies to fixtures; recorded deliveries are replayed as captured');
  if (opts.resign && items.every((i) => i.kind === 'fixture')) ctx.warn('--resign applies to captures; fixtures are always signed afresh');
  if (providers.size > 1 && !opts.provider) {
    throw new UsageError('mixed_providers', `these inputs are for different providers (${[...providers].join(', ')})`, { hint: 'replay one provider at a time, or pass --provider' });
  }
  const provider = opts.provider ?? [...providers][0];
  const captures = items.filter((i) => i.kind === 'capture').length;
  const fixtures = items.length - captures;
  if (items.every((i) => i.kind === 'fixture')) {
    const renders = items.map((i) => (i as Extract<Item, { kind: 'fixture' }>).render);
    return {
      provider,
      captures,
      fixtures,
      sync: true,
      *round() {
        for (const render of renders) yield* render();
      },
    };
  }
  return {
    provider,
    captures,
    fixtures,
    sync: false,
    async *round() {
      for (const item of items) {
        if (item.kind === 'capture') yield* capture.readCapture(item.file, item.display);
        else yield* item.render();
      }
    },
  };
}

async function resolveProvider(ctx: Ctx, inferred: Provider | undefined, opts: ReplayOptions): Promise<{ provider: Provider; adapterOptions: AdapterOptions; secrets: string[] }> {
  const provider = inferred;
  if (!provider) throw new UsageError('unknown_provider', 'cannot tell which provider these deliveries are for', { hint: 'pass --provider facebook|paypal|midas' });
  const readPem = async (file: string | undefined, flag: string) => {
    if (!file) return undefined;
    const { readInput } = await import('../../providers/input.js');
    return (await readInput(file, ctx.io.stdin, { what: flag, maxBytes: 1024 * 1024 })).toString('utf8');
  };
  if (provider === 'facebook') {
    const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');
    return { provider, adapterOptions: { secret, signatureHeader: opts.signatureHeader, graphUrl: opts.graphUrl }, secrets: [secret] };
  }
  if (provider === 'paypal') {
    const webhookId = await ctx.requireSetting('paypalWebhookId', opts.webhookId, 'PayPal webhook id');
    const keyPem = await readPem(opts.key, '--key');
    let certPem = await readPem(opts.cert, '--cert');
    if (opts.httpsCa === undefined) return { provider, adapterOptions: { webhookId, keyPem, certPem, certUrl: opts.certUrl }, secrets: [] };
    if (opts.certUrl !== undefined) throw new UsageError('bad_option', '--https-ca serves the certificate itself; --cert-url says you serve it: pass one', { hint: 'drop --cert-url, or --https-ca' });
    const local = await openLocalCa(ctx, opts.httpsCa, keyPem !== undefined || certPem !== undefined);
    let signKey = keyPem;
    if (keyPem === undefined && certPem === undefined) ({ keyPem: signKey, certPem } = local.signing());
    return { provider, adapterOptions: { webhookId, keyPem: signKey, certPem, certServerTls: local.serverTls() }, secrets: [] };
  }
  const appkey = await ctx.requireSetting('midasAppkey', opts.appkey, 'Midas appkey');
  return { provider, adapterOptions: { appkey, path: opts.path }, secrets: [appkey] };
}

function parseHeaders(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    const name = i > 0 ? h.slice(0, i).trim() : '';
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UsageError('bad_header', `--header expects name:value, got "${h.slice(0, 80)}"`, { hint: 'e.g. --header "X-Env: staging"' });
    }
    out[name.toLowerCase()] = h.slice(i + 1).trim();
  }
  return out;
}

/** Piped output keeps this much of a reply's first line (marked with "…" when cut); a terminal fits its width. */
const PIPED_REPLY_CHARS = 200;
/** How often the live progress line is redrawn. */
const PROGRESS_EVERY_MS = 100;

/**
 * Streams delivery lines (sampled for humans at high counts) and prints the exact summary. On a
 * terminal each line fits its width (the receiver's reply gives way, cut with "…") and, once
 * per-delivery lines are sampled, a live progress line on stderr keeps counting.
 */
async function createRenderer(ctx: Ctx, secrets: string[]) {
  const c = ctx.chalk;
  let shown = 0;
  let failuresShown = 0;
  let noted = false;
  const clean = (s: string) => redact(s, secrets);
  const columns = ctx.opts.json || ctx.opts.quiet ? undefined : ctx.columns;
  const stringWidth = columns === undefined ? undefined : (await import('string-width')).default;
  const { ellipsize } = await import('../../core/text.js');
  const { joinToWidth } = await import('../../ui/wrap.js');
  const SGR = /\x1b\[[0-9;]*m/g;
  const widthOf = (s: string) => (stringWidth ? stringWidth(s) : s.replace(SGR, '').length);
  /** Plain text cut to `room` terminal columns, "…" marking the cut. */
  const cut = (text: string, room: number) => {
    let used = 0;
    let kept = 0; // code units of the prefix that leaves a column for the "…"
    for (const ch of text) {
      const w = widthOf(ch);
      if (used + w > room) return `${text.slice(0, kept)}…`;
      used += w;
      if (used <= room - 1) kept += ch.length;
    }
    return text;
  };
  const progress = createProgress(ctx, columns);
  return {
    delivery(r: DeliveryResult): void {
      if (ctx.opts.quiet) return;
      if (ctx.opts.json) {
        ctx.ndjson({
          type: 'delivery',
          seq: r.seq,
          fixture: r.label,
          status: r.status ?? null,
          ok: r.ok,
          latency_ms: Math.round(r.latencyMs * 100) / 100,
          response: r.response === undefined ? null : clean(r.response),
          ...(r.ok ? {} : { reason: clean(r.reason ?? 'failed') }),
          ...(r.attempts > 1 ? { attempts: r.attempts } : {}),
          ...(r.duplicate ? { duplicate: true } : {}),
        });
        return;
      }
      progress.count(r);
      const show = r.seq <= SHOW_ALL || (!r.ok && failuresShown < SHOW_ALL) || r.seq % SAMPLE_EVERY === 0;
      if (!show) {
        if (!noted) {
          noted = true;
          progress.clear();
          const note = `… after ${SHOW_ALL} deliveries: ${progress.live ? 'a progress line, ' : ''}failures and every ${SAMPLE_EVERY}th (the summary counts all)`;
          ctx.info(c.dim(columns === undefined ? note : cut(note, columns)));
        }
        progress.draw();
        return;
      }
      shown++;
      if (!r.ok && r.seq > SHOW_ALL) failuresShown++;
      const mark = r.ok ? c.green('✓') : c.red('✗');
      const status = r.status === undefined ? c.red('ERR') : r.ok ? String(r.status) : c.red(String(r.status));
      const latency = r.status === undefined ? '' : `${r.latencyMs.toFixed(1)} ms`;
      const retried = r.attempts > 1 ? c.dim(` (${r.attempts} attempts)`) : '';
      const head = `${mark} ${status.padEnd(3)} ${latency.padStart(9)}  #${r.seq} ${r.label}${r.duplicate ? c.dim(' (duplicate)') : ''}${retried}  `;
      // The reply's first line, then (on a terminal) the reason and the reply give way to fit the width.
      let reply = r.response === undefined ? '' : clean(r.response.split('\n')[0]);
      let reason = r.ok ? '' : clean(r.reason ?? 'failed');
      if (columns === undefined) reply = ellipsize(reply, PIPED_REPLY_CHARS);
      else {
        const room = Math.max(1, columns - widthOf(head));
        reason = cut(reason, room);
        reply = cut(reply, room - (reason ? widthOf(reason) + 2 : 0));
        if (reply === '…') reply = '';
      }
      const tail = r.ok ? c.dim(reply) : `${c.red(reason)}${reply && r.status !== undefined ? c.dim(`  ${reply}`) : ''}`;
      progress.clear();
      ctx.out(`${head}${tail}`.trimEnd());
    },
    summary(s: ReplaySummary): void {
      progress.clear();
      const unreachable = s.sent > 0 && s.errors === s.sent && !s.interrupted;
      const err = s.first_error;
      if (ctx.opts.json) {
        ctx.ndjson({
          type: 'summary',
          sent: s.sent,
          ok: s.ok,
          failed: s.failed,
          errors: s.errors,
          rps: s.rps,
          latency_ms: s.latency_ms,
          status_counts: s.status_counts,
          elapsed_ms: s.elapsed_ms,
          interrupted: s.interrupted,
          ...(err ? { error: err.toJSON() } : {}),
        });
      } else {
        const counts = Object.entries(s.status_counts).map(([k, v]) => `${k}×${v}`).join(' ') || 'none';
        const okPart = s.ok === s.sent ? c.green(`ok ${s.ok}`) : `ok ${s.ok}`;
        ctx.out(joinToWidth([`${c.bold('sent')} ${s.sent}`, okPart, `failed ${s.failed ? c.red(String(s.failed)) : 0}`, `errors ${s.errors ? c.red(String(s.errors)) : 0}`, `status ${counts}`], columns));
        const l = s.latency_ms;
        ctx.out(joinToWidth([`${s.rps} req/s`, `latency p50 ${l.p50} ms`, `p95 ${l.p95} ms`, `p99 ${l.p99} ms`, `max ${l.max} ms`, `${(s.elapsed_ms / 1000).toFixed(2)} s`], columns));
      }
      if (s.interrupted) {
        ctx.io.stderr.write(`${c.yellow('interrupted')}: stopped after ${s.sent} deliveries\n`);
        ctx.exitCode = 130;
        return;
      }
      // Reported on stderr, not thrown: with --json, stdout already holds the NDJSON stream.
      const fail = (message: string, hint: string | undefined, code: number) => {
        ctx.io.stderr.write(`${c.red('error:')} ${message}\n${hint ? `${c.dim('hint:')} ${hint}\n` : ''}`);
        ctx.exitCode = code;
      };
      if (s.sent === 0) return fail('nothing was sent: the inputs held no deliveries', 'is the capture file empty?', 2);
      // Unreachable is exit 3; an error that is the user's (an invalid URL from the adapter) keeps its own code.
      if (unreachable && err) return fail(err.message, err.hint, err.exitCode === 2 ? 2 : 3);
      if (s.failed || s.errors) ctx.exitCode = 1;
    },
  };
}

/**
 * The live progress line of a long replay on a terminal (stderr, redrawn in place at most every
 * 100 ms, cleared before any other line): deliveries so far, ok, failed, and the rate.
 */
function createProgress(ctx: Ctx, columns: number | undefined) {
  const live = ctx.interactive && !ctx.opts.quiet && columns !== undefined;
  let started = 0;
  let sent = 0;
  let failed = 0;
  let lastDraw = 0;
  let drawn = false;
  return {
    live,
    count(r: DeliveryResult): void {
      if (sent++ === 0) started = performance.now();
      if (!r.ok) failed++;
    },
    draw(): void {
      const now = performance.now();
      if (!live || now - lastDraw < PROGRESS_EVERY_MS) return;
      lastDraw = now;
      const rate = sent / Math.max(0.001, (now - started) / 1000);
      const text = `… ${sent} sent · ${sent - failed} ok · ${failed} failed · ${rate.toFixed(0)} req/s`;
      ctx.io.stderr.write(`\r\x1b[2K${ctx.chalk.dim(text.slice(0, columns! - 1))}`);
      drawn = true;
    },
    clear(): void {
      if (!drawn) return;
      ctx.io.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
