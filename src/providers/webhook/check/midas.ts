import { checkMidasReply, MIDAS_OK_REPLY } from '../../../core/midas/reply.js';
import type { HttpResponse } from '../../../transport/http.js';
import { createReplayAdapter } from '../../midas/webhook-adapter.js';
import type { TamperMode } from '../adapter.js';
import { describeReply, expectWithinBudget, fixtureRenderer } from './common.js';
import type { Battery, BatteryOptions, Check, CheckDeps, CheckResult } from './types.js';

const DELIVERY = 'midas-delivery';
/** An unknown parameter a future Midas version might add; `-` and `.` are what the callback encoding changes. The leading "+" says it is new on purpose (--set refuses a path the fixture lacks otherwise). */
const EXTRA_PARAM = '+fbpay_check_extra=unknown-param.v1';

/** The reply's ret, or undefined when it has none. */
function retOf(res: HttpResponse): number | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(res.body.toString('utf8'));
    // Stryker disable next-line BlockStatement: without the return, doc stays undefined and the function returns undefined just the same
  } catch {
    return undefined;
  }
  // Stryker disable next-line ConditionalExpression: a JSON string, number or boolean has no own "ret" either: reading it gives undefined just the same
  const ret = doc && typeof doc === 'object' ? (doc as { ret?: unknown }).ret : undefined;
  if (typeof ret === 'number') return ret;
  return typeof ret === 'string' && /^-?\d+$/.test(ret) ? Number(ret) : undefined;
}

/** Midas counts a delivery as done only on ret 0; anything else (another ret, non-JSON, HTTP error) is a refusal. */
function accepted(res: HttpResponse): boolean {
  return res.status === 200 && retOf(res) === 0;
}

/**
 * Midas delivery callbacks (发货回调): the exact reply, refusal of a wrong sig (ret 4) and of a stale
 * `ts`, acceptance of parameters the receiver does not know (they are signed too), and the 2 s
 * budget. Deliveries come from the Midas replay adapter.
 */
export async function createMidasBattery(opts: BatteryOptions): Promise<Battery> {
  const render = opts.render ?? (await fixtureRenderer(opts));
  const adapter = createReplayAdapter({ appkey: opts.appkey, path: opts.path });
  const build = (deps: CheckDeps, target: URL, o: { tamper?: TamperMode; sets?: string[] } = {}) =>
    adapter.build(render(DELIVERY, o.sets), { target, now: deps.now, tamper: o.tamper });

  const exactOk = async (deps: CheckDeps, target: URL, sets?: string[]): Promise<CheckResult> => {
    const res = await deps.send(await build(deps, target, { sets }));
    const v = checkMidasReply(res, { budgetMs: Number.POSITIVE_INFINITY });
    return { ok: v.ok, accepted: accepted(res), status: res.status, latencyMs: res.latencyMs, detail: v.ok ? MIDAS_OK_REPLY : `${v.reason} — got ${describeReply(res)}` };
  };
  const refused = async (deps: CheckDeps, target: URL, tamper: TamperMode, what: string): Promise<CheckResult> => {
    const res = await deps.send(await build(deps, target, { tamper }));
    const ok = !accepted(res);
    const ret = retOf(res);
    return { ok, status: res.status, latencyMs: res.latencyMs, detail: ok ? `${ret !== undefined ? `ret ${ret}` : describeReply(res)} (refused)` : `${describeReply(res)}: accepted ${what}` };
  };

  const checks: Check[] = [
    {
      id: 'valid-reply',
      title: 'valid callback gets exactly {"ret":0,"msg":"OK"}',
      required: true,
      why: 'Midas treats any other reply (spaces, a newline, HTTP errors) as a failed delivery and retries',
      run: (target, deps) => exactOk(deps, target),
    },
    {
      id: 'wrong-sig-rejected',
      premise: 'valid-reply',
      title: 'wrong sig refused (non-zero ret)',
      required: true,
      why: 'a receiver that does not check sig delivers goods to anyone who calls the URL',
      run: (target, deps) => refused(deps, target, 'signature', 'a callback with a wrong sig'),
    },
    {
      id: 'wrong-sig-ret-4',
      premise: 'valid-reply',
      title: 'wrong sig answered with ret 4',
      required: false,
      why: 'ret 4 (请求参数错误) is the documented code for a bad parameter; Midas logs it as such',
      async run(target, deps): Promise<CheckResult> {
        const res = await deps.send(await build(deps, target, { tamper: 'signature' }));
        const v = checkMidasReply(res, { expectRet: 4 });
        // Stryker disable next-line LogicalOperator,StringLiteral: checkMidasReply always gives a reason when the ret is not 4; 'no ret 4' cannot be reached
        return { ok: v.ok, status: res.status, latencyMs: res.latencyMs, detail: v.ok ? `ret 4${v.msg ? ` (${v.msg})` : ''}` : `${v.reason ?? 'no ret 4'} — got ${describeReply(res)}` };
      },
    },
    {
      id: 'stale-ts',
      premise: 'valid-reply',
      title: 'ts 20 minutes old refused',
      // Advisory: Tencent's own SDK (SnsSigCheck::verifySig) checks sig only, not ts.
      required: false,
      why: 'an old ts is a replayed callback; the 15-minute window is good practice, though Tencent\u2019s own SnsSigCheck does not check ts',
      run: (target, deps) => refused(deps, target, 'stale', 'a callback whose ts is 20 minutes old'),
    },
    {
      id: 'extra-param',
      title: 'unknown extra parameter still accepted',
      required: true,
      why: 'every received parameter is signed; dropping unknown ones breaks sig when Midas adds fields',
      run: (target, deps) => exactOk(deps, target, [EXTRA_PARAM]),
    },
    {
      id: 'budget',
      title: 'reply within budget',
      required: true,
      why: 'Midas waits 2 s; a slower reply counts as a failed delivery',
      run: async (target, deps) => expectWithinBudget(deps, await build(deps, target)),
    },
  ];
  return { provider: 'midas', checks };
}
