import type { Command } from 'commander';
import { ExitCode, InterruptedError } from './core/errors.js';
import { exitQuietlyOnEpipe, prescanGlobals, processIo, protectDashedOperands, reportFailure } from './runtime.js';
import { COMMANDS } from './commands/registry.js';
import { Ctx, loadChalk, type MainOptions } from './ui/context.js';
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

export type { MainOptions };

/**
 * Runs the CLI in-process and resolves to the exit code. Never exits the process: that is `run`'s
 * job, so tests can call `main(argv)` and inspect what was written.
 */
export async function main(rawArgv: string[], options: MainOptions = {}): Promise<number> {
  const argv = protectDashedOperands(rawArgv);
  const io = processIo(options.io);
  const signal = options.signal ?? new AbortController().signal;
  const ctx = new Ctx(io, signal, prescanGlobals(argv), { main, buildProgram });
  try {
    if (ctx.colourLevel() > 0) await loadChalk();
    const fast = await fastPath(ctx, argv);
    if (fast) {
      await fast();
      return ctx.exitCode;
    }
    const program = await buildProgram(ctx, argv);
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return reportFailure(ctx, e, signal);
  }
}

/** The binary's entry: wires Ctrl-C to an abort signal and turns main's result into the exit code. */
export async function run(argv: string[]): Promise<void> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort(new InterruptedError(name === 'SIGTERM' ? 'terminated' : 'interrupted'));
    // Whatever the command is doing, it gets one second to print its summary and close.
    setTimeout(() => process.exit(ExitCode.interrupted), 1000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  exitQuietlyOnEpipe();
  const code = await main(argv, { signal: controller.signal });
  process.exitCode = code;
}

const GLOBAL_WITH_VALUE = new Set(['--config', '--profile']);

/** The first word that is not an option (or a global option's value) names the command to load. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return undefined;
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/**
 * Start-up fast path: a command may offer a parser for its plain argv shapes that runs it without
 * building the commander tree (commander alone costs ~8 ms of a ~25 ms budget for `fbpay decode`).
 * Anything it does not recognise (help, unknown options…) returns undefined and goes through
 * commander as usual. FBPAY_NO_FAST_PATH=1 turns it off (tests compare both paths).
 */
async function fastPath(ctx: Ctx, argv: string[]): Promise<(() => Promise<void>) | undefined> {
  // `fbpay --version` (scripts run it to check the install) needs no command tree at all.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V') && !ctx.io.env.FBPAY_NO_FAST_PATH) {
    return async () => void ctx.io.stdout.write(`${VERSION}\n`);
  }
  const name = commandName(argv);
  if (name === undefined || !Object.hasOwn(COMMANDS, name) || ctx.io.env.FBPAY_NO_FAST_PATH) return undefined;
  const load = COMMANDS[name].fast;
  return load ? (await load()).fastPath(ctx, argv) : undefined;
}

export async function buildProgram(ctx: Ctx, argv: string[] = []): Promise<Command> {
  const { Command, Option } = await import('commander');
  const program = new Command('fbpay')
    .description('Offline toolkit for Facebook Payments, PayPal webhooks and Tencent Midas signatures.')
    .version(VERSION, '-V, --version')
    .option('--json', 'print one JSON document on stdout (NDJSON for streams)')
    .option('--no-color', 'disable colours (also NO_COLOR)')
    .option('-q, --quiet', 'print only results')
    .option('-v, --verbose', 'print more, including stack traces of errors')
    .addOption(new Option('--config <file>', 'settings file (default: ./fbpay.config.json)'))
    .addOption(new Option('--profile <name>', 'named profile in the settings file'))
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay decode "$SIGNED_REQUEST" --secret "$FB_APP_SECRET"
  $ fbpay sign --preset lite-purchase --secret s3cr3t
  $ fbpay webhook replay fb-payment-charge --to http://127.0.0.1:3000/webhook
  $ fbpay mock graph --port 4000
  $ fbpay explain 1383001

Exit codes: 0 ok · 1 verification or expectation failed · 2 usage or bad input · 3 network or remote API error · 130 interrupted`,
    );

  program.hook('preAction', (thisCommand, actionCommand) => {
    const g = actionCommand.optsWithGlobals();
    ctx.opts = {
      json: Boolean(g.json),
      color: g.color !== false,
      quiet: Boolean(g.quiet),
      verbose: Boolean(g.verbose),
      config: g.config,
      profile: g.profile,
    };
  });

  const name = commandName(argv);
  const names = name && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const n of names) {
    const mod = await COMMANDS[n].load();
    program.addCommand(mod.default(ctx));
  }
  configureTree(program, ctx);
  return program;
}

/** Commander settings every (sub)command needs: throw instead of exiting, global options in help, and write through ctx.io. */
function configureTree(cmd: Command, ctx: Ctx): void {
  cmd.exitOverride();
  // `fbpay payment get --help` lists --json, --quiet, --config… too: they work after any subcommand.
  cmd.configureHelp({ showGlobalOptions: true });
  cmd.configureOutput({
    writeOut: (s) => ctx.io.stdout.write(s),
    writeErr: (s) => ctx.io.stderr.write(s),
    outputError: () => {
      /* reported by main() in fbpay's own format */
    },
  });
  for (const sub of cmd.commands) configureTree(sub, ctx);
}

