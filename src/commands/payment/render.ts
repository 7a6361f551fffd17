import type { Payment, PaymentVerdict } from '../../core/facebook/payment.js';
import { renderTable } from '../../ui/table.js';
import { fitLabelled, wrapWords } from '../../ui/wrap.js';
import type { Ctx } from '../../ui/context.js';

/**
 * Human rendering of a payment: summary, actions table, items, disputes, verdict. On a narrow
 * terminal only text gives way (names, a dispute's comment; prose wraps between words): ids,
 * timestamps, amounts and product URLs are what users copy, and are never cut.
 */
export async function renderPayment(ctx: Ctx, p: Payment, v: PaymentVerdict): Promise<string> {
  const c = ctx.chalk;
  const lines: string[] = [];
  const width = ctx.columns;
  // A name is text (shortened to fit), its id a value (never).
  const named = (label: string, o: { name?: string; id?: string }) => fitLabelled(label, o.name ?? '', o.id ? `${o.name ? ' ' : ''}(${o.id})` : '', width);
  lines.push(`${c.bold('payment')} ${p.id}${p.test ? c.yellow(' [test]') : ''}`);
  lines.push(p.user ? named('user        ', p.user) : 'user        —');
  if (p.application) lines.push(named('application ', p.application));
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
          { width, flex: [] },
        )
      : c.dim('(no actions)'),
  );
  if (p.items?.length) {
    lines.push('');
    lines.push(
      await renderTable(['item', 'product', 'quantity'], p.items.map((i) => [i.type ?? '', i.product ?? '', i.quantity === undefined ? '' : String(i.quantity)]), { width, flex: [] }),
    );
  }
  if (p.disputes?.length) {
    lines.push('');
    lines.push(
      await renderTable(
        ['dispute', 'reason', 'created', 'comment'],
        p.disputes.map((d) => [d.status === 'pending' ? c.yellow(d.status) : d.status, d.reason ?? '', d.time_created ?? '', d.user_comment ?? '']),
        { width, flex: [3] },
      ),
    );
  }
  lines.push('');
  const colour = v.action === 'fulfil' || v.action === 'restore' ? c.green : v.action === 'revoke' ? c.red : c.yellow; // partial_refund, wait, none: yellow
  lines.push(wrapWords(`${c.bold('verdict')}: ${colour(v.action)} — ${v.reason}`, width));
  return lines.join('\n');
}
