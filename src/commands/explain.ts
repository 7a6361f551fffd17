import { Command } from 'commander';
import type { Ctx } from '../ui/context.js';
import { renderTable } from '../ui/table.js';

export default function explainCommand(ctx: Ctx): Command {
  return new Command('explain')
    .description('what an error code means and what to do: Pay Dialog 1383xxx, Graph codes, PayPal verification failures, Midas ret codes')
    .argument('[code]', 'e.g. 1383001, 190, "(#100)", paypal:crc-mismatch, midas:4 (omit to list all)')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay explain 1383001
  $ fbpay explain 190 --json
  $ fbpay explain paypal:crc-mismatch
  $ fbpay explain midas:4
  $ fbpay explain`,
    )
    .action(async (code: string | undefined) => {
      const { explainCode, EXPLAIN_ENTRIES } = await import('../core/explain/lookup.js');
      if (code === undefined) {
        if (ctx.opts.json) return ctx.json({ codes: EXPLAIN_ENTRIES });
        ctx.out(await renderTable(['code', 'family', 'name'], EXPLAIN_ENTRIES.map((e) => [e.code, e.family, e.name]), { width: ctx.columns }));
        return;
      }
      const r = explainCode(code);
      if (!r.found) {
        ctx.exitCode = 1;
        if (ctx.opts.json) return ctx.json({ code: r.code, known: false, nearest: r.nearest.map((e) => ({ code: e.code, name: e.name })) });
        ctx.io.stderr.write(`${ctx.chalk.red('unknown code:')} ${r.code}\n`);
        ctx.io.stderr.write(`${ctx.chalk.dim('nearest known:')} ${r.nearest.map((e) => `${e.code} (${e.name})`).join(', ')}\n`);
        ctx.io.stderr.write(`${ctx.chalk.dim('hint:')} \`fbpay explain\` lists every code fbpay knows\n`);
        return;
      }
      const e = r.entry;
      if (ctx.opts.json) return ctx.json({ known: true, ...e });
      const c = ctx.chalk;
      ctx.out(`${c.bold(e.code)} ${e.name} ${c.dim(`(${e.family})`)}`);
      ctx.out(`${c.bold('meaning:')} ${e.meaning}`);
      ctx.out(`${c.bold('likely cause:')} ${e.cause}`);
      ctx.out(`${c.bold('fix:')} ${e.fix}`);
    });
}
