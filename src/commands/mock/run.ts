import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { intOption } from '../options.js';
import type { EmulatorOptions, EmulatorProvider, RunningEmulator } from '../../providers/emulator/server.js';

/**
 * What every `fbpay mock <provider>` shares: --port/--host/--retry-schedule, the listening line
 * (`{"type":"listening",…}` first on stdout with --json), one line per request and per webhook
 * attempt (NDJSON with --json; on a terminal or with --verbose otherwise; -q silences), and
 * Ctrl-C / SIGTERM → a summary and exit 130.
 */

export interface MockCommonOptions {
  port: number;
  host: string;
  retrySchedule?: string;
}

/** Adds the options every emulator has. `defaultSchedule` is the provider's (scaled-down) retry schedule. */
export function withEmulatorOptions(cmd: Command, defaultPort: number | undefined, defaultSchedule: readonly number[]): Command {
  return cmd
    .option('--port <port>', 'port to listen on (0 = a free one)', intOption('--port', { min: 0, max: 65535 }), defaultPort ?? 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--retry-schedule <ms,…>', `delays between webhook attempts, ms (default ${defaultSchedule.join(',') || 'none'}; "" for no retries)`);
}

/** The retry schedule from --retry-schedule, or the provider's default. */
export async function retryScheduleOption(text: string | undefined, defaultSchedule: readonly number[]): Promise<number[]> {
  if (text === undefined) return [...defaultSchedule];
  const { parseRetrySchedule } = await import('../../providers/emulator/dispatcher.js');
  const s = parseRetrySchedule(text);
  if (!s) throw new UsageError('bad_option', `invalid --retry-schedule "${text.slice(0, 60)}"`, { hint: 'comma-separated delays in ms, e.g. 100,500,2000 (at most 50, each ≤ 3600000)' });
  return s;
}

export interface RunEmulatorSpec {
  /** "Graph", "PayPal", "Midas": for human lines. */
  title: string;
  provider: EmulatorProvider;
  options: MockCommonOptions;
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Human lines after "… listening on URL" (credentials, ids, a try: line). */
  describe?: (emu: RunningEmulator) => string[];
  /** Extra fields for the --json listening line (what the command itself did at start, e.g. seeded ids). */
  listening?: Record<string, unknown>;
  /** Result lines on stdout right after "… listening on URL" (human mode). */
  results?: string[];
  /** The human stop line, when the provider words it its own way (default: requests and webhooks). */
  summary?: (emu: RunningEmulator) => string;
}

/** Starts the emulator, logs while it runs, and returns when Ctrl-C or SIGTERM stops it (exit 130). */
export async function runEmulatorCommand(ctx: Ctx, spec: RunEmulatorSpec): Promise<void> {
  const { startEmulator } = await import('../../providers/emulator/server.js');
  const { ellipsize } = await import('../../core/text.js');
  const schedule = await retryScheduleOption(spec.options.retrySchedule, spec.provider.defaultRetrySchedule);
  const human = !ctx.opts.json && !ctx.opts.quiet && (Boolean(ctx.io.stderr.isTTY) || ctx.opts.verbose);
  const c = ctx.chalk;
  const opts: EmulatorOptions = {
    port: spec.options.port,
    host: spec.options.host,
    retrySchedule: schedule,
    tls: spec.tls,
    onRequest: (e) => {
      if (ctx.opts.json) ctx.ndjson(e);
      else if (human) ctx.info(`${c.dim(time())} ${e.method} ${e.path} ${statusColour(ctx, e.status)} ${c.dim(`${e.ms} ms`)}`);
    },
    onWebhook: (d, a) => {
      if (ctx.opts.json) ctx.ndjson({ type: 'webhook', event_type: d.event_type, url: d.url, attempt: a.n, status: a.status ?? null, ok: a.ok, reason: a.reason ?? null, final: a.ok || a.n > schedule.length });
      else if (human) {
        const mark = a.ok ? c.green('✓') : c.red('✗');
        const why = a.ok ? '' : ` ${ellipsize(a.reason ?? '', 80)}${a.n <= schedule.length ? c.dim(` (retry in ${schedule[a.n - 1]} ms)`) : c.dim(' (gave up)')}`;
        ctx.info(`${c.dim(time())} ${mark} webhook ${d.event_type} → ${d.url} ${a.status ?? '—'} attempt ${a.n}${why}`);
      }
    },
    log: (line) => {
      if (!ctx.opts.json && !ctx.opts.quiet) ctx.info(c.dim(line));
    },
  };
  const emu = await startEmulator(spec.provider, opts);
  if (ctx.opts.json) ctx.ndjson({ type: 'listening', provider: spec.provider.provider, url: emu.url, ...spec.provider.info(), ...(spec.listening ?? {}), retry_schedule_ms: schedule });
  else {
    ctx.out(`${spec.title} emulator listening on ${emu.url}`);
    for (const line of spec.results ?? []) ctx.out(line);
    for (const line of spec.describe?.(emu) ?? []) ctx.info(line);
    if (!ctx.opts.quiet) ctx.info(c.dim(human ? '(one line per request below; Ctrl-C stops)' : '(one line per request on a terminal or with --verbose; Ctrl-C stops)'));
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emu.close();
  const summary = { requests: emu.requests, webhooks_sent: emu.webhooks.sent, webhook_attempts: emu.webhooks.attempts, ...(spec.provider.stats?.() ?? {}) };
  if (ctx.opts.json) ctx.ndjson({ type: 'stopped', ...summary });
  else ctx.info(spec.summary?.(emu) ?? `stopped: ${summary.requests} request(s) served, ${summary.webhooks_sent} webhook(s) sent (${summary.webhook_attempts} attempt(s))`);
  ctx.exitCode = 130;
}

function time(): string {
  return new Date().toISOString().slice(11, 23);
}

function statusColour(ctx: Ctx, status: number): string {
  const c = ctx.chalk;
  return status < 300 ? c.green(String(status)) : status < 500 ? c.yellow(String(status)) : c.red(String(status));
}
