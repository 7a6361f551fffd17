import { InterruptedError } from '../../core/errors.js';
import { startDemoServices, type DemoServices } from './services.js';
import { DEMO_STEPS, runStep, type CliRun, type DemoStep, type StepResult } from './steps.js';

export interface DemoOptions {
  cli: (argv: string[]) => Promise<CliRun>;
  human: boolean;
  signal: AbortSignal;
  now?: () => number;
  steps?: readonly DemoStep[];
  /** Called once the emulator and receiver listen. */
  onStart?: (services: DemoServices) => void;
  /** Called after each section, in order (the command renders it right away). */
  onStep?: (result: StepResult, index: number) => void;
}

export interface DemoReport {
  ok: boolean;
  steps: StepResult[];
  failedSteps: string[];
  durationMs: number;
  graphUrl: string;
  receiverUrl: string;
  appId: string;
}

/** Demo credentials: made up, so the demo never needs (or touches) a real app. */
export const DEMO_APP_ID = '1000000000000001';
export const DEMO_APP_SECRET = 'fbpay-demo-app-secret-0000';
export const DEMO_VERIFY_TOKEN = 'fbpay-demo-verify-token';

/**
 * `fbpay demo`: starts the Graph emulator and the sample receiver on loopback, runs every section,
 * and stops both whatever happens (a failed section, an error, Ctrl-C).
 */
export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const t0 = performance.now();
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  if (opts.signal.aborted) throw new InterruptedError();
  const services = await startDemoServices({ appId: DEMO_APP_ID, appSecret: DEMO_APP_SECRET, verifyToken: DEMO_VERIFY_TOKEN, signal: opts.signal });
  const onAbort = () => void services.stop();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const steps: StepResult[] = [];
  try {
    opts.onStart?.(services);
    for (const [i, step] of (opts.steps ?? DEMO_STEPS).entries()) {
      if (opts.signal.aborted) throw new InterruptedError();
      const r = await runStep(step, { services, cli: opts.cli, human: opts.human, signal: opts.signal, now });
      steps.push(r);
      opts.onStep?.(r, i);
    }
    if (opts.signal.aborted) throw new InterruptedError();
  } catch (e) {
    if (opts.signal.aborted) {
      const total = (opts.steps ?? DEMO_STEPS).length;
      throw new InterruptedError(`interrupted after ${steps.length} of ${total} section(s) (${steps.filter((s) => s.ok).length} ok); the emulator and the receiver were stopped`);
    }
    throw e;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await services.stop();
  }
  const failedSteps = steps.filter((s) => !s.ok).map((s) => s.id);
  return {
    ok: failedSteps.length === 0,
    steps,
    failedSteps,
    durationMs: Math.round(performance.now() - t0),
    graphUrl: services.emulator.url,
    receiverUrl: services.receiver.url,
    appId: services.appId,
  };
}
