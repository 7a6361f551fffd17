import { Readable } from 'node:stream';
import { Command } from 'commander';
import * as z from 'zod/mini';
import type { Ctx } from '../ui/context.js';
import { parseOptions } from './options.js';
import type { DemoLine, StepResult } from '../providers/demo/steps.js';

export const demoOptionsSchema = z.object({});

export default function demoCommand(ctx: Ctx): Command {
  return new Command('demo')
    .description('the whole toolkit, offline: the Graph emulator, a sample receiver and every flow, in seconds')
    .addHelpText(
      'after',
      `
Starts the Graph emulator and the sample receiver (examples/facebook-receiver) on 127.0.0.1, then:
signs and decodes a Payments Lite purchase · shows the 1383001 repurchase failure and its fix ·
replays a charge, dispute, chargeback and reversal and shows the receiver's decisions · verifies a
PayPal and a Midas delivery · runs \`webhook check\` against the receiver. Stops everything it started.
Exit 0 when every section did what it should, 1 otherwise (naming the section).

Examples:
  $ fbpay demo
  $ npm run demo
  $ fbpay demo --json > demo.json`,
    )
    .action(async (options: unknown) => {
      parseOptions(demoOptionsSchema, options);
      const { runDemo } = await import('../providers/demo/run.js');
      const { describeServices } = await import('../providers/demo/steps.js');
      const c = ctx.chalk;
      const human = !ctx.opts.json;
      const report = await runDemo({
        human,
        signal: ctx.signal,
        cli: (argv) => runNested(ctx, argv),
        onStart: (s) => {
          const d = describeServices(s);
          ctx.out(c.bold('fbpay demo') + c.dim(' — offline: no accounts, no network'));
          ctx.out(`  Graph emulator   ${c.cyan(d.graph_url)}  ${c.dim(`app ${d.app_id}, secret ${d.app_secret}`)}`);
          ctx.out(`  sample receiver  ${c.cyan(d.receiver_url)}  ${c.dim('examples/facebook-receiver/server.mjs')}`);
        },
        onStep: (r, i) => renderStep(ctx, r, i),
      });
      const passed = report.steps.filter((s) => s.ok).length;
      if (ctx.opts.json) {
        ctx.json({
          ok: report.ok,
          graph_url: report.graphUrl,
          receiver_url: report.receiverUrl,
          app_id: report.appId,
          passed,
          failed: report.steps.length - passed,
          failed_steps: report.failedSteps,
          duration_ms: report.durationMs,
          stopped: true,
          steps: report.steps.map((s) => ({ id: s.id, title: s.title, ok: s.ok, failures: s.failures, duration_ms: s.ms, ...s.data })),
        });
      } else {
        ctx.out();
        const verdict = report.ok ? c.green(`${passed}/${report.steps.length} sections did what they should`) : c.red(`${passed}/${report.steps.length} sections did what they should`);
        ctx.out(`${verdict} ${c.dim(`· ${(report.durationMs / 1000).toFixed(1)} s · emulator and receiver stopped`)}`);
        if (report.ok) ctx.out(c.dim('next: copy examples/facebook-receiver, run `fbpay webhook check --to "$YOUR_WEBHOOK_URL" --secret "$FB_APP_SECRET"` against your own endpoint'));
      }
      if (!report.ok) {
        if (human) ctx.io.stderr.write(`${c.red('error:')} demo section(s) failed: ${report.failedSteps.join(', ')}\n`);
        ctx.exitCode = 1;
      }
    });
}

function renderStep(ctx: Ctx, r: StepResult, i: number): void {
  const c = ctx.chalk;
  ctx.out();
  ctx.out(c.bold(`${i + 1}. ${r.title}`));
  for (const l of r.lines) ctx.out('   ' + tone(ctx, l));
  if (r.ok) ctx.out(`   ${c.green('✔ ok')} ${c.dim(`(${r.ms} ms)`)}`);
  else for (const f of r.failures) ctx.out(`   ${c.red('✘ failed:')} ${f}`);
}

function tone(ctx: Ctx, l: DemoLine): string {
  const c = ctx.chalk;
  switch (l.tone) {
    case 'ok':
      return `${c.green('→')} ${l.text}`;
    case 'bad':
      return `${c.red('→')} ${c.red(l.text)}`;
    case 'dim':
      return c.dim(l.text);
    case 'cmd':
      return c.cyan(l.text);
    case 'raw':
      return l.text;
    default:
      return l.text;
  }
}

/** Runs an fbpay command in-process with captured output; the demo shows or parses what it printed. */
async function runNested(ctx: Ctx, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const colour = ctx.chalk.level > 0;
  const code = await ctx.cli.main(colour ? argv : [...argv, '--no-color'], {
    io: {
      stdout: { write: (s: string) => ((stdout += s), true), isTTY: colour },
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
      stdin: Readable.from([]) as NodeJS.ReadableStream & { isTTY?: boolean },
      env: { ...ctx.io.env, CI: 'true' },
      cwd: ctx.io.cwd,
    },
    signal: ctx.signal,
  });
  return { code, stdout, stderr };
}
