import type { Ctx } from '../context.js';
import type { TriggerResult } from '../../providers/emulator/trigger-client.js';
import { renderTable } from '../table.js';

/** `fbpay trigger`'s human output: the ids the change involved, then every delivery it caused. */
export async function renderTrigger(ctx: Ctx, r: TriggerResult): Promise<void> {
  const c = ctx.chalk;
  ctx.out(`${c.bold(r.event)}`);
  for (const [k, v] of Object.entries(r.ids)) ctx.out(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(r)) {
    if (k === 'event' || k === 'ids' || k === 'deliveries') continue;
    ctx.out(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  if (!r.deliveries.length) {
    ctx.out(c.dim('no webhook was sent: nothing is subscribed to this change (start the emulator with --webhook-url, or subscribe a callback)'));
    return;
  }
  const rows = r.deliveries.map((d) => [
    d.ok ? c.green('✓ accepted') : c.red('✗ not accepted'),
    d.event_type,
    d.status === null ? '—' : String(d.status),
    String(d.attempts),
    // A GET delivery (Midas) carries its signed parameters in the query: the table shows where it went (--json has it all).
    d.url.replace(/\?.*$/s, '?…'),
    d.ok ? (d.reply ?? '') : (d.reason ?? ''),
  ]);
  ctx.out('');
  ctx.out(await renderTable(['delivery', 'event', 'status', 'attempts', 'url', 'reply / reason'], rows, { width: ctx.columns }));
  const bad = r.deliveries.filter((d) => !d.ok).length;
  ctx.out('');
  ctx.out(bad ? c.red(`${bad} of ${r.deliveries.length} deliveries not accepted`) : c.green(`all ${r.deliveries.length} deliveries accepted`));
}
