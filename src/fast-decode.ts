import { fastPath } from './commands/decode-action.js';
import { exitQuietlyOnEpipe, prescanGlobals, processIo, protectDashedOperands, reportFailure } from './runtime.js';
import { Ctx, loadChalk } from './ui/context.js';

/**
 * The binary's fast lane for `fbpay decode <signed_request>`, the command whose start-up is budgeted
 * (≤ 1.3× a bare `node -e 0`). Built as ONE file without commander or zod: every extra ES module
 * costs the loader time. It runs exactly the action the full CLI runs (decode-action.ts), and
 * declines — returning false — any argv it does not recognise (help, --batch, unknown options),
 * which then goes through the full CLI.
 */
export async function runFastDecode(rawArgv: string[]): Promise<boolean> {
  const argv = protectDashedOperands(rawArgv);
  if (argv.includes('--batch')) return false;
  const signal = new AbortController().signal;
  const ctx = new Ctx(processIo(), signal, prescanGlobals(argv));
  if (ctx.io.env.FBPAY_NO_FAST_PATH) return false;
  const run = fastPath(ctx, argv);
  if (!run) return false;
  exitQuietlyOnEpipe();
  try {
    if (ctx.colourLevel() > 0) await loadChalk();
    await run();
    process.exitCode = ctx.exitCode;
  } catch (e) {
    process.exitCode = reportFailure(ctx, e, signal);
  }
  return true;
}
