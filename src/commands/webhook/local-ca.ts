import type { Ctx } from '../../ui/context.js';

/**
 * `--https-ca <dir>` of `webhook check` and `webhook replay`: loads (or writes, the first time) the local
 * CA and says how a receiver trusts it. With `own` (the user's --key/--cert) it only serves over https;
 * otherwise it also issues the test signing certificate, so a receiver trusting it checks the chain.
 */
export async function openLocalCa(ctx: Ctx, dir: string, own = false) {
  const { resolve } = await import('node:path');
  const { loadOrCreateLocalCa, issueLoopbackServerCert, issueSigningCert, trustLines } = await import('../../providers/paypal/local-ca.js');
  const ca = await loadOrCreateLocalCa(resolve(ctx.io.cwd, dir));
  ctx.info(`${ca.created ? 'wrote a local CA' : 'local CA'}: ${ca.certPath} (it issues the https server\u2019s certificate${own ? '' : ' and the test signing certificate'})`);
  for (const line of trustLines(ca.certPath)) ctx.info(`  ${line}`);
  if (ca.created) ctx.info('  a receiver already running does not trust it yet: restart it with the line above');
  return { ca, serverTls: () => issueLoopbackServerCert(ca), signing: () => issueSigningCert(ca) };
}
