import type { Payment, PaymentVerdict } from '../../core/facebook/payment.js';
import { renderTable } from '../../ui/table.js';
import type { Ctx } from '../../ui/context.js';

/** Human rendering of a payment: summary, actions table, items, disputes, verdict. */
export async function renderPayment(ctx: Ctx, p: Payment, v: PaymentVerdict): Promise<string> {
  const c = ctx.chalk;
  const lines: string[] = [];
  const user = p.user ? `${p.user.name ?? ''}${p.user.id ? ` (${p.user.id})` : ''}`.trim() : '—';
  lines.push(`${c.bold('payment')} ${p.id}${p.test ? c.yellow(' [test]') : ''}`);
  lines.push(`user        ${user}`);
  if (p.application) lines.push(`application ${p.application.name ?? ''}${p.application.id ? ` (${p.application.id})` : ''}`);
  if (p.created_time) lines.push(`created     ${p.created_time}`);
  if (p.country) lines.push(`country     ${p.country}`);
  if (p.request_id) lines.push(`request_id  ${p.request_id}`);
  if (p.refundable_amount) lines.push(`refundable  ${p.refundable_amount.amount} ${p.refundable_amount.currency}`);
  const actions = p.actions ?? [];
  lines.push('');
  lines.push(
    actions.length
      ? await renderTable(
          ['type', 'status', 'amount', 'currency', 'updated'],
          actions.map((a) => [a.type, a.status, a.amount ?? '', a.currency ?? '', a.time_updated ?? a.time_created ?? '']),
          { width: ctx.columns },
        )
      : c.dim('(no actions)'),
  );
  if (p.items?.length) {
    lines.push('');
    lines.push(
      await renderTable(['item', 'product', 'quantity'], p.items.map((i) => [i.type ?? '', i.product ?? '', i.quantity === undefined ? '' : String(i.quantity)]), { width: ctx.columns }),
    );
  }
  if (p.disputes?.length) {
    lines.push('');
    lines.push(
      await renderTable(
        ['dispute', 'reason', 'created', 'comment'],
        p.disputes.map((d) => [d.status === 'pending' ? c.yellow(d.status) : d.status, d.reason ?? '', d.time_created ?? '', d.user_comment ?? '']),
        { width: ctx.columns },
      ),
    );
  }
  lines.push('');
  const colour = v.action === 'fulfil' || v.action === 'restore' ? c.green : v.action === 'revoke' ? c.red : c.yellow; // partial_refund, wait, none: yellow
  lines.push(`${c.bold('verdict')}: ${colour(v.action)} — ${v.reason}`);
  return lines.join('\n');
}
