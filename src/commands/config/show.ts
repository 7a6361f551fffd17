import { Command } from 'commander';
import { describeSettings } from '../../core/settings.js';
import type { Ctx } from '../../ui/context.js';
import { renderTable } from '../../ui/table.js';

export function configShowCommand(ctx: Ctx): Command {
  return new Command('show')
    .description('print each resolved setting with its source; secrets masked')
    .addHelpText('after', '\nExamples:\n  $ fbpay config show\n  $ fbpay config show --profile staging --json')
    .action(async () => {
      const config = ctx.loadConfig();
      const rows = describeSettings({ env: ctx.io.env, config, profile: ctx.opts.profile });
      if (ctx.opts.json) {
        ctx.json({ config_file: config?.path ?? null, profile: ctx.opts.profile ?? config?.defaultProfile ?? null, settings: rows });
        return;
      }
      ctx.out(`config file: ${config?.path ?? '(none)'}${ctx.opts.profile ? `  profile: ${ctx.opts.profile}` : ''}`);
      ctx.out(
        await renderTable(
          ['setting', 'env', 'value', 'source'],
          rows.map((r) => [r.name, r.env, r.value ?? ctx.chalk.dim('(not set)'), r.origin && r.source !== 'env' ? `${r.source}: ${r.origin}` : r.source]),
          { width: ctx.columns },
        ),
      );
    });
}
