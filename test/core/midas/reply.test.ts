import { describe, expect, it } from 'vitest';
import { checkMidasReply, midasReply, MIDAS_OK_REPLY, MIDAS_REPLY_BUDGET_MS } from '../../../src/core/midas/reply.js';

const ok200 = (body: string | Buffer, latencyMs = 10) => ({ status: 200, body, latencyMs });

describe('midasReply: the replies a correct game server gives', () => {
  it('ret 0 is exactly {"ret":0,"msg":"OK"}; the others carry Tencent\'s documented msg', () => {
    expect(midasReply(0)).toBe('{"ret":0,"msg":"OK"}');
    expect(midasReply(0, 'sig')).toBe('{"ret":0,"msg":"OK"}');
    expect(midasReply(1)).toBe('{"ret":1,"msg":"系统繁忙"}');
    expect(midasReply(2)).toBe('{"ret":2,"msg":"token已过期"}');
    expect(midasReply(3)).toBe('{"ret":3,"msg":"token不存在"}');
    expect(midasReply(4)).toBe('{"ret":4,"msg":"请求参数错误：(sig)"}');
    expect(midasReply(4, 'billno')).toBe('{"ret":4,"msg":"请求参数错误：(billno)"}');
  });
});

describe('checkMidasReply without expectRet: only the exact OK, HTTP 200, within the budget is accepted', () => {
  it('accepts the exact reply as a string or as bytes, reporting ret and msg', () => {
    expect(checkMidasReply(ok200(Buffer.from('{"ret":1,"msg":"系统繁忙"}')))).toStrictEqual({ ok: false, ret: 1, msg: '系统繁忙', reason: 'ret 1 (系统繁忙)' });
    expect(MIDAS_OK_REPLY).toBe('{"ret":0,"msg":"OK"}');
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY))).toStrictEqual({ ok: true, ret: 0, msg: 'OK' });
    expect(checkMidasReply(ok200(Buffer.from(MIDAS_OK_REPLY)))).toStrictEqual({ ok: true, ret: 0, msg: 'OK' });
  });

  it('any status but 200 is refused, even with the exact body (202, 204, 404, 500)', () => {
    for (const status of [201, 202, 204, 302, 404, 500]) {
      expect(checkMidasReply({ status, body: MIDAS_OK_REPLY, latencyMs: 1 })).toStrictEqual({ ok: false, ret: 0, msg: 'OK', reason: `HTTP ${status} (Midas needs 200 with {"ret":0,"msg":"OK"})` });
    }
  });

  it('the 2 s budget: exactly 2000 ms passes, 2001 ms fails naming both; budgetMs overrides it', () => {
    expect(MIDAS_REPLY_BUDGET_MS).toBe(2000);
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY, 2000)).ok).toBe(true);
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY, 2001))).toStrictEqual({ ok: false, ret: 0, msg: 'OK', reason: '2.0 s > 2 s budget' });
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY, 2561)).reason).toBe('2.6 s > 2 s budget');
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY, 600), { budgetMs: 500 }).reason).toBe('0.6 s > 0.5 s budget');
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY, 2500), { budgetMs: 3000 }).ok).toBe(true);
  });

  it('a non-zero ret names it with the reply msg, else the documented meaning, else "no msg"', () => {
    expect(checkMidasReply(ok200('{"ret":1,"msg":"busy"}'))).toStrictEqual({ ok: false, ret: 1, msg: 'busy', reason: 'ret 1 (busy)' });
    expect(checkMidasReply(ok200('{"ret":4}'))).toStrictEqual({ ok: false, ret: 4, reason: 'ret 4 (request parameter error (the msg names the parameter))' });
    expect(checkMidasReply(ok200('{"ret":2}')).reason).toBe('ret 2 (token expired)');
    expect(checkMidasReply(ok200('{"ret":3}')).reason).toBe('ret 3 (token does not exist)');
    expect(checkMidasReply(ok200('{"ret":1}')).reason).toBe('ret 1 (system busy (Midas retries))');
    expect(checkMidasReply(ok200('{"ret":99}'))).toStrictEqual({ ok: false, ret: 99, reason: 'ret 99 (no msg)' });
    expect(checkMidasReply(ok200('{"ret":-1,"msg":"x"}')).reason).toBe('ret -1 (x)');
    // a numeric string ret counts as that number; an array holding one does not
    expect(checkMidasReply(ok200('{"ret":"12","msg":"x"}'))).toStrictEqual({ ok: false, ret: 12, msg: 'x', reason: 'ret 12 (x)' });
    expect(checkMidasReply(ok200('{"ret":[3],"msg":"x"}'))).toStrictEqual({ ok: false, msg: 'x', reason: 'reply has no numeric ret: "{\\"ret\\":[3],\\"msg\\":\\"x\\"}"' });
    expect(checkMidasReply(ok200('{"ret":[0],"msg":"OK"}')).reason).toBe('reply has no numeric ret: "{\\"ret\\":[0],\\"msg\\":\\"OK\\"}"');
    expect(checkMidasReply(ok200('{"ret":"3","msg":"gone"}'))).toStrictEqual({ ok: false, ret: 3, msg: 'gone', reason: 'ret 3 (gone)' });
  });

  it('an empty or non-JSON body says so, quoting at most 60 characters', () => {
    expect(checkMidasReply(ok200(''))).toStrictEqual({ ok: false, reason: 'empty reply' });
    expect(checkMidasReply(ok200(' \n '))).toStrictEqual({ ok: false, reason: 'empty reply' });
    expect(checkMidasReply(ok200('OK'))).toStrictEqual({ ok: false, reason: 'reply is not JSON: "OK"' });
    expect(checkMidasReply(ok200('success\n')).reason).toBe('reply is not JSON: "success\\n"');
    const sixty = 'x'.repeat(60);
    expect(checkMidasReply(ok200(sixty)).reason).toBe(`reply is not JSON: "${sixty}"`);
    expect(checkMidasReply(ok200(sixty + 'yz')).reason).toBe(`reply is not JSON: "${sixty}…"`);
    // JSON that is not an object is not a reply either
    expect(checkMidasReply(ok200('[0]'))).toStrictEqual({ ok: false, reason: 'reply is not JSON: "[0]"' });
    expect(checkMidasReply(ok200('null'))).toStrictEqual({ ok: false, reason: 'reply is not JSON: "null"' });
    expect(checkMidasReply(ok200('0'))).toStrictEqual({ ok: false, reason: 'reply is not JSON: "0"' });
    expect(checkMidasReply(ok200('"OK"')).reason).toBe('reply is not JSON: "\\"OK\\""');
  });

  it('the right reply with whitespace or a newline is refused as such', () => {
    expect(checkMidasReply(ok200('{"ret":0,"msg":"OK"}\n'))).toStrictEqual({ ok: false, ret: 0, msg: 'OK', reason: 'reply has whitespace' });
    expect(checkMidasReply(ok200('{"ret": 0, "msg": "OK"}')).reason).toBe('reply has whitespace');
    expect(checkMidasReply(ok200('{\n  "ret": 0,\n  "msg": "OK"\n}')).reason).toBe('reply has whitespace');
  });

  it('no numeric ret, a msg other than "OK", or any other difference: each named', () => {
    expect(checkMidasReply(ok200('{"msg":"OK"}'))).toStrictEqual({ ok: false, msg: 'OK', reason: 'reply has no numeric ret: "{\\"msg\\":\\"OK\\"}"' });
    expect(checkMidasReply(ok200('{"ret":"zero","msg":"OK"}'))).toStrictEqual({ ok: false, msg: 'OK', reason: 'reply has no numeric ret: "{\\"ret\\":\\"zero\\",\\"msg\\":\\"OK\\"}"' });
    for (const r of ['"1a"', '"a1"', '""', '"-1"', '" 1"', 'true', 'null']) {
      expect(checkMidasReply(ok200(`{"ret":${r},"msg":"OK"}`)).reason, r).toMatch(/^reply has no numeric ret: /);
    }
    expect(checkMidasReply(ok200('{"ret":0,"msg":"ok"}'))).toStrictEqual({ ok: false, ret: 0, msg: 'ok', reason: 'msg must be "OK", got "ok"' });
    expect(checkMidasReply(ok200('{"ret":0}'))).toStrictEqual({ ok: false, ret: 0, reason: 'msg must be "OK", got null' });
    expect(checkMidasReply(ok200('{"ret":0,"msg":1}'))).toStrictEqual({ ok: false, ret: 0, reason: 'msg must be "OK", got null' });
    expect(checkMidasReply(ok200(`{"ret":0,"msg":"${'m'.repeat(50)}"}`)).reason).toBe(`msg must be "OK", got "${'m'.repeat(39)}`);
    expect(checkMidasReply(ok200('{"msg":"OK","ret":0}'))).toStrictEqual({ ok: false, ret: 0, msg: 'OK', reason: 'reply must be exactly {"ret":0,"msg":"OK"}, got "{\\"msg\\":\\"OK\\",\\"ret\\":0}"' });
    expect(checkMidasReply(ok200('{"ret":"0","msg":"OK"}'))).toStrictEqual({ ok: false, ret: 0, msg: 'OK', reason: 'reply must be exactly {"ret":0,"msg":"OK"}, got "{\\"ret\\":\\"0\\",\\"msg\\":\\"OK\\"}"' });
    expect(checkMidasReply(ok200('{"ret":0,"msg":"OK","x":1}')).reason).toBe('reply must be exactly {"ret":0,"msg":"OK"}, got "{\\"ret\\":0,\\"msg\\":\\"OK\\",\\"x\\":1}"');
  });
});

describe('checkMidasReply with expectRet: ok when the reply carries that ret, whatever else', () => {
  it('matches the number (also as a numeric string), regardless of status, body form and latency', () => {
    expect(checkMidasReply({ status: 500, body: '{"ret":4,"msg":"请求参数错误：(sig)"}', latencyMs: 9000 }, { expectRet: 4 })).toStrictEqual({ ok: true, ret: 4, msg: '请求参数错误：(sig)' });
    expect(checkMidasReply(ok200('{"ret":"4"}'), { expectRet: 4 })).toStrictEqual({ ok: true, ret: 4 });
    expect(checkMidasReply(ok200(' {"ret":0,"msg":"OK"} '), { expectRet: 0 })).toStrictEqual({ ok: true, ret: 0, msg: 'OK' });
  });

  it('another ret or none: the reason names what was expected and what came', () => {
    expect(checkMidasReply(ok200(MIDAS_OK_REPLY), { expectRet: 4 })).toStrictEqual({ ok: false, ret: 0, msg: 'OK', reason: 'expected ret 4, got ret 0 (OK)' });
    expect(checkMidasReply(ok200('{"ret":1}'), { expectRet: 4 })).toStrictEqual({ ok: false, ret: 1, reason: 'expected ret 4, got ret 1' });
    expect(checkMidasReply(ok200('{"ret":1,"msg":""}'), { expectRet: 4 })).toStrictEqual({ ok: false, ret: 1, msg: '', reason: 'expected ret 4, got ret 1' });
    expect(checkMidasReply(ok200('nope'), { expectRet: 4 })).toStrictEqual({ ok: false, reason: 'expected ret 4, reply has no ret: "nope"' });
    expect(checkMidasReply(ok200('{"msg":"OK"}'), { expectRet: 0 })).toStrictEqual({ ok: false, msg: 'OK', reason: 'expected ret 0, reply has no ret: "{\\"msg\\":\\"OK\\"}"' });
    expect(checkMidasReply(ok200('{"ret":"4x"}'), { expectRet: 4 }).reason).toBe('expected ret 4, reply has no ret: "{\\"ret\\":\\"4x\\"}"');
  });
});
