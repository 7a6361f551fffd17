import type { CommanderError } from 'commander';
import { ExitCode, FbpayError, InternalError, InterruptedError, UsageError } from './core/errors.js';
import type { Ctx, GlobalOptions, Io } from './ui/context.js';

/**
 * What the two entries share — the full CLI (src/cli.ts) and the one-file fast lane for
 * `fbpay decode` (src/fast-decode.ts): the process io, the pre-scan of global options, and the
 * mapping of any failure to a report and an exit code.
 */

/**
 * The process streams, resolved only when a command touches them: `process.stdin` and friends are
 * getters that build a stream on first use (stdin on a pipe costs a socket).
 */
export function processIo(overrides: Partial<Io> = {}): Io {
  return {
    get stdout() {
      return overrides.stdout ?? process.stdout;
    },
    get stderr() {
      return overrides.stderr ?? process.stderr;
    },
    get stdin() {
      return overrides.stdin ?? process.stdin;
    },
    env: overrides.env ?? process.env,
    cwd: overrides.cwd ?? process.cwd(),
  };
}

/** A reader that closed the pipe early (`fbpay … | head`) ends the run quietly instead of crashing it. */
export function exitQuietlyOnEpipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
}

/**
 * A signed_request's base64url signature starts with '-' one time in 64, and commander would take
 * such an operand for an unknown option. Tokens of that exact shape (a dash, 20+ base64url
 * characters, a dot, a base64url payload) are never options: they are moved behind a `--`.
 */
const DASHED_SIGNED_REQUEST = /^-[A-Za-z0-9_-]{20,}={0,2}\.[A-Za-z0-9_-]+={0,2}$/;

export function protectDashedOperands(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  if (!head.some((a) => DASHED_SIGNED_REQUEST.test(a))) return argv;
  const tail = end < 0 ? [] : argv.slice(end + 1);
  return [...head.filter((a) => !DASHED_SIGNED_REQUEST.test(a)), '--', ...head.filter((a) => DASHED_SIGNED_REQUEST.test(a)), ...tail];
}

/** Global options read straight off argv, so errors before commander parses are still rendered right. */
export function prescanGlobals(argv: string[]): GlobalOptions {
  const has = (...names: string[]) => argv.some((a) => names.includes(a));
  const valueOf = (name: string) => {
    const i = argv.findIndex((a) => a === name || a.startsWith(name + '='));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(name.length + 1) : argv[i + 1];
  };
  return {
    json: has('--json'),
    color: !has('--no-color'),
    quiet: has('-q', '--quiet'),
    verbose: has('-v', '--verbose'),
    config: valueOf('--config'),
    profile: valueOf('--profile'),
  };
}

/** Reports any failure the FbpayError way (JSON on stdout with --json, one line + hint on stderr otherwise) and returns the exit code. */
export function reportFailure(ctx: Ctx, e: unknown, signal: AbortSignal): number {
  const err = toFbpayError(e, signal);
  if (err === 'exit0') return ExitCode.ok;
  ctx.reportError(err);
  return err.exitCode;
}

/** Structural check, so this module need not load commander just for `instanceof`. */
function isCommanderError(e: unknown): e is CommanderError {
  return e instanceof Error && typeof (e as CommanderError).code === 'string' && (e as CommanderError).code.startsWith('commander.') && typeof (e as CommanderError).exitCode === 'number';
}

function toFbpayError(e: unknown, signal: AbortSignal): FbpayError | 'exit0' {
  if (isCommanderError(e)) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' || e.exitCode === 0) return 'exit0';
    const message = e.message.replace(/^error: /, '');
    return new UsageError(e.code.replace(/^commander\./, '').replace(/([A-Z])/g, '_$1').toLowerCase(), message, {
      hint: 'run with --help for usage',
    });
  }
  if (e instanceof FbpayError) return e;
  if (signal.aborted) return new InterruptedError();
  const err = e as Error;
  if (err?.name === 'ZodError') return new UsageError('bad_input', err.message.split('\n')[0], { hint: 'see --help', cause: err });
  return new InternalError(err?.message ?? String(e), { cause: e });
}
