import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import { ExitCode, InternalError, UsageError, type FbpayError } from '../core/errors.js';
import { resolveSetting, SETTINGS, type ConfigFile, type ResolvedSetting, type SettingName } from '../core/settings.js';
import { configHasSecrets, gitWouldTrack, loadConfigFile } from '../providers/config-file.js';

// chalk is loaded only when colours can be on (≈5 ms of start-up otherwise: `fbpay decode` has a
// start-up budget). At colour level 0 every style is the identity, which `plainChalk` gives for free.
let ChalkClass: (typeof import('chalk'))['Chalk'] | undefined;

/** Loads chalk; main() calls it before running a command when ctx.colourLevel() > 0. */
export async function loadChalk(): Promise<void> {
  ChalkClass ??= (await import('chalk')).Chalk;
}

const MODEL_METHODS = new Set(['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256']);
/** chalk at level 0, without chalk: any chain of styles returns its arguments joined by spaces. */
const plainChalk: ChalkInstance = new Proxy((() => undefined) as unknown as ChalkInstance, {
  apply: (_target, _this, args: unknown[]) => (args.length === 1 ? String(args[0]) : args.join(' ')),
  get: (_target, prop) => (prop === 'level' ? 0 : typeof prop === 'string' && MODEL_METHODS.has(prop) ? () => plainChalk : plainChalk),
});

/** Where a command reads and writes. Real process streams in the binary; captured buffers in tests. */
export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** How fbpay is run in-process: `main(argv, options)` resolves to the exit code (see src/cli.ts). */
export interface MainOptions {
  io?: Partial<Io>;
  /** Fired by Ctrl-C in the binary; tests pass their own. */
  signal?: AbortSignal;
}

/**
 * What the entry (src/cli.ts) hands to the commands that need fbpay itself: `demo` runs nested
 * commands and `completion` reads the whole command tree. Passed in, so no command imports the
 * entry (which imports every command through the registry).
 */
export interface CliHandle {
  main(argv: string[], options?: MainOptions): Promise<number>;
  buildProgram(ctx: Ctx): Promise<Command>;
}

export interface GlobalOptions {
  json: boolean;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  config?: string;
  profile?: string;
}

/**
 * The per-run context every command action receives: output channels that honour --json, --quiet
 * and colour rules, settings resolution, prompts and spinners (only when interactive), and the
 * abort signal that Ctrl-C fires.
 */
export class Ctx {
  readonly io: Io;
  opts: GlobalOptions;
  readonly signal: AbortSignal;
  /** Exit code a command may set without throwing (e.g. 1 when a verification failed but output was printed). */
  exitCode: number = ExitCode.ok;
  private configLoaded = false;
  private config?: ConfigFile;
  private chalkInstance?: ChalkInstance;
  private readonly cliHandle?: CliHandle;

  constructor(io: Io, signal: AbortSignal, opts: Partial<GlobalOptions> = {}, cli?: CliHandle) {
    this.io = io;
    this.signal = signal;
    this.cliHandle = cli;
    this.opts = { json: false, color: true, quiet: false, verbose: false, ...opts };
  }

  /** fbpay itself, as the entry passed it in (see CliHandle). */
  get cli(): CliHandle {
    if (!this.cliHandle) throw new InternalError('this command needs the CLI entry, and none was passed to its context');
    return this.cliHandle;
  }

  /** True when a person is at the terminal: prompts and spinners are allowed. */
  get interactive(): boolean {
    return this.promptsOffBecause === undefined;
  }

  /**
   * Why prompts and spinners are off, said the way a message needs it ("… and CI mode (CI=true)
   * turned prompts off"); undefined when a person is at the terminal. CI mode is named even on a
   * real terminal: "there is no terminal" would be false there.
   */
  get promptsOffBecause(): string | undefined {
    const ci = this.io.env.CI;
    if (this.opts.json) return '--json turned prompts off';
    if (ci && ci !== 'false' && ci !== '0') return `CI mode (CI=${ci}) turned prompts off`;
    if (!this.io.stdin.isTTY || !this.io.stderr.isTTY) return 'there is no terminal to ask on';
    return undefined;
  }

  /** The terminal's width when stdout is one; undefined when output is piped or captured (nothing is cut then). */
  get columns(): number | undefined {
    const { isTTY, columns } = this.io.stdout;
    return isTTY && columns && columns > 0 ? columns : undefined;
  }

  /** 0 (no colour) to 3 (truecolor): --no-color, NO_COLOR, --json, FORCE_COLOR and whether stdout is a terminal. */
  colourLevel(): 0 | 1 | 2 | 3 {
    const env = this.io.env;
    if (!this.opts.color || env.NO_COLOR !== undefined || this.opts.json) return 0;
    if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' ? 0 : 1;
    if (this.io.stdout.isTTY) return env.COLORTERM === 'truecolor' ? 3 : 2;
    return 0;
  }

  get chalk(): ChalkInstance {
    if (!this.chalkInstance) {
      const level = this.colourLevel();
      // Without loadChalk() (a Ctx built outside main()), output is plain rather than failing.
      this.chalkInstance = level > 0 && ChalkClass ? new ChalkClass({ level }) : plainChalk;
    }
    return this.chalkInstance;
  }

  /** A result line on stdout (suppressed in --json mode, where only the JSON document goes to stdout). */
  out(text = ''): void {
    if (!this.opts.json) this.io.stdout.write(text + '\n');
  }

  /** The one JSON document of a --json run. */
  json(value: unknown): void {
    this.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** One NDJSON line (streams: replay, decode --batch). */
  ndjson(value: unknown): void {
    this.io.stdout.write(JSON.stringify(value) + '\n');
  }

  /** Progress and diagnostics on stderr; silent with --quiet. */
  info(text: string): void {
    if (!this.opts.quiet) this.io.stderr.write(text + '\n');
  }

  warn(text: string): void {
    this.io.stderr.write(this.chalk.yellow('warning: ') + text + '\n');
  }

  verbose(text: string): void {
    if (this.opts.verbose) this.io.stderr.write(this.chalk.dim(text) + '\n');
  }

  /** Resolves a setting: flag > env > config file (profile, then top level) > default. */
  setting(name: SettingName, flagValue?: string): ResolvedSetting {
    return resolveSetting(name, flagValue, { env: this.io.env, config: this.loadConfig(), profile: this.opts.profile });
  }

  /**
   * A setting the command cannot do without. Interactive: asked for (masked for secrets).
   * Otherwise exit 2 naming the flag and env variable to set.
   */
  async requireSetting(name: SettingName, flagValue: string | undefined, label: string): Promise<string> {
    const r = this.setting(name, flagValue);
    if (r.value !== undefined && r.value !== '') return r.value;
    const def = SETTINGS[name];
    const off = this.promptsOffBecause;
    if (off === undefined) {
      const { promptText } = await import('./prompt.js');
      const v = await promptText(this, `${label}:`, { mask: def.secret });
      if (v) return v;
    }
    // On a terminal where --json or CI mode turned the question off, say so: the user expected one.
    const why = off !== undefined && this.io.stdin.isTTY && this.io.stderr.isTTY ? ` (${off})` : '';
    throw new UsageError('missing_setting', `missing ${label}${why}`, {
      hint: `pass ${def.flag} or set ${def.env} (or add "${name}" to fbpay.config.json)`,
    });
  }

  loadConfig(): ConfigFile | undefined {
    if (!this.configLoaded) {
      this.config = loadConfigFile(this.io.cwd, this.opts.config);
      this.configLoaded = true;
      if (this.config && configHasSecrets(this.config) && gitWouldTrack(this.io.cwd, this.opts.config ?? this.config.path)) {
        this.warn(`${this.config.path} holds secrets and git would commit it: add it to .gitignore, or keep secrets in the environment`);
      }
    }
    return this.config;
  }

  /**
   * Runs `fn` under an ora spinner on stderr when interactive; plainly otherwise. While it shows,
   * the keyboard is held (holdKeyboard): keys typed are dropped and Ctrl-C interrupts.
   */
  async spin<T>(text: string, fn: () => Promise<T>): Promise<T> {
    if (!this.interactive || this.opts.quiet) return fn();
    const { default: ora } = await import('ora');
    const release = holdKeyboard(this.io.stdin);
    const spinner = ora({ text, stream: this.io.stderr as NodeJS.WritableStream, discardStdin: false }).start();
    try {
      return await fn();
    } finally {
      spinner.stop();
      release();
    }
  }

  /** Renders an error: JSON on stdout with --json, one line + hint on stderr otherwise. */
  reportError(err: FbpayError): void {
    if (this.opts.json) {
      this.io.stdout.write(JSON.stringify({ error: err.toJSON() }, null, 2) + '\n');
      return;
    }
    const c = this.chalk;
    this.io.stderr.write(`${c.red('error:')} ${err.message}\n`);
    if (err.hint) this.io.stderr.write(`${c.dim('hint:')} ${err.hint}\n`);
    if (this.opts.verbose && err.stack) this.io.stderr.write(c.dim(err.stack) + '\n');
  }
}

/**
 * What ora's `discardStdin` is meant to do, done so that it works. ora 9 puts the terminal in raw
 * mode (Ctrl-C becomes the byte 0x03, not SIGINT) and listens with `prependListener`, which does
 * not start a never-read `process.stdin` flowing: the byte sat unread and Ctrl-C did nothing until
 * the request timed out (issue 13). Here the stream is read with `on('data')`, 0x03 is raised as
 * the SIGINT the terminal would have sent (run() turns it into exit 130), and everything else is
 * dropped, so a "y⏎" typed while `payment refund` fetches the payment cannot answer the
 * confirmation that follows. Returns the function that gives the keyboard back.
 */
function holdKeyboard(stdin: Io['stdin']): () => void {
  const tty = stdin as NodeJS.ReadStream;
  // Windows consoles deliver Ctrl-C as an event whatever the mode; raising SIGINT there would kill without a summary.
  if (!tty.isTTY || typeof tty.setRawMode !== 'function' || process.platform === 'win32') return () => undefined;
  const wasRaw = Boolean(tty.isRaw);
  const onData = (chunk: Buffer | string) => {
    if ((typeof chunk === 'string' ? chunk : chunk.toString('latin1')).includes('\x03')) process.kill(process.pid, 'SIGINT');
  };
  tty.setRawMode(true);
  tty.on('data', onData);
  tty.resume();
  return () => {
    tty.off('data', onData);
    tty.setRawMode(wasRaw);
    tty.pause();
  };
}
