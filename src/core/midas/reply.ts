/**
 * The delivery-callback reply contract: the game server must answer exactly `{"ret":0,"msg":"OK"}`
 * (no spaces, no newline) within 2 seconds; otherwise Midas treats the delivery as failed and retries.
 */
export const MIDAS_OK_REPLY = '{"ret":0,"msg":"OK"}';
export const MIDAS_REPLY_BUDGET_MS = 2000;

/** The documented reply codes of a delivery callback. */
export const MIDAS_RET_CODES: Record<number, string> = {
  0: 'OK: delivered',
  1: 'system busy (Midas retries)',
  2: 'token expired',
  3: 'token does not exist',
  4: 'request parameter error (the msg names the parameter)',
};

/** The reply a correct game server gives: ret 0, or ret 4 naming the bad parameter (`请求参数错误：(sig)`). */
export function midasReply(ret: 0 | 1 | 2 | 3 | 4, param?: string): string {
  if (ret === 0) return MIDAS_OK_REPLY;
  const msg = ret === 4 ? `请求参数错误：(${param ?? 'sig'})` : ret === 1 ? '系统繁忙' : ret === 2 ? 'token已过期' : 'token不存在';
  return JSON.stringify({ ret, msg });
}

export interface MidasReplyCheck {
  ok: boolean;
  reason?: string;
  ret?: number;
  msg?: string;
}

/**
 * Judges a reply. Without `expectRet`: ok only for exactly `{"ret":0,"msg":"OK"}`, HTTP 200, within
 * the budget. With `expectRet`: ok when the reply's ret is that number.
 */
export function checkMidasReply(reply: { status: number; body: Buffer | string; latencyMs: number }, opts: { expectRet?: number; budgetMs?: number } = {}): MidasReplyCheck {
  const budget = opts.budgetMs ?? MIDAS_REPLY_BUDGET_MS;
  // A Buffer's toString() is UTF-8; a string's is itself.
  const text = reply.body.toString();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  }
  // Stryker disable next-line BlockStatement: equivalent: parsed is already undefined when JSON.parse throws
  catch {
    parsed = undefined;
  }
  const obj = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const ret = obj && typeof obj.ret === 'number' ? obj.ret : obj && typeof obj.ret === 'string' && /^\d+$/.test(obj.ret) ? Number(obj.ret) : undefined;
  const msg = obj && typeof obj.msg === 'string' ? obj.msg : undefined;
  const base = { ...(ret !== undefined ? { ret } : {}), ...(msg !== undefined ? { msg } : {}) };
  if (opts.expectRet !== undefined) {
    if (ret === opts.expectRet) return { ok: true, ...base };
    return { ok: false, ...base, reason: ret === undefined ? `expected ret ${opts.expectRet}, reply has no ret: ${snippet(text)}` : `expected ret ${opts.expectRet}, got ret ${ret}${msg ? ` (${msg})` : ''}` };
  }
  const fail = (reason: string): MidasReplyCheck => ({ ok: false, ...base, reason });
  if (reply.status !== 200) return fail(`HTTP ${reply.status} (Midas needs 200 with ${MIDAS_OK_REPLY})`);
  if (text !== MIDAS_OK_REPLY) {
    if (ret !== undefined && ret !== 0) return fail(`ret ${ret} (${msg ?? MIDAS_RET_CODES[ret] ?? 'no msg'})`);
    if (!obj) return fail(text.trim() === '' ? 'empty reply' : `reply is not JSON: ${snippet(text)}`);
    // Stryker disable next-line Regex: equivalent: a global replace of each whitespace character removes the same runs
    if (text.replace(/\s+/g, '') === MIDAS_OK_REPLY) return fail('reply has whitespace');
    if (ret === undefined) return fail(`reply has no numeric ret: ${snippet(text)}`);
    if (msg !== 'OK') return fail(`msg must be "OK", got ${JSON.stringify(msg ?? null).slice(0, 40)}`);
    return fail(`reply must be exactly ${MIDAS_OK_REPLY}, got ${snippet(text)}`);
  }
  if (reply.latencyMs > budget) return fail(`${(reply.latencyMs / 1000).toFixed(1)} s > ${budget / 1000} s budget`);
  return { ok: true, ...base };
}

function snippet(text: string): string {
  const one = JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text);
  return one;
}
