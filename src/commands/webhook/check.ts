import { Command, Option } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import type { Ctx } from '../../ui/context.js';
import { intOption, parseOptions } from '../options.js';
import { openLocalCa } from './local-ca.js';

export const webhookCheckOptionsSchema = z.object({
  to: z.optional(z.string().check(z.minLength(1))),
  provider: z.enum(['facebook', 'paypal', 'midas']),
  kind: z.optional(z.enum(['payments', 'deauthorize', 'data-deletion'])),
  secret: z.optional(z.string()),
  verifyToken: z.optional(z.string()),
  webhookId: z.optional(z.string()),
  key: z.optional(z.string().check(z.minLength(1))),
  cert: z.optional(z.string().check(z.minLength(1))),
  certUrl: z.optional(z.string().check(z.minLength(1))),
  httpsCa: z.optional(z.string().check(z.minLength(1))),
  appkey: z.optional(z.string()),
  path: z.optional(z.string().check(z.regex(/^\//, 'must start with /'))),
  graphUrl: z.optional(z.string()),
  only: z.optional(z.string()),
  skip: z.optional(z.string()),
  budgetMs: z.number(),
  timeout: z.optional(z.number()),
  junit: z.optional(z.string().check(z.minLength(1))),
  allowRemote: z.optional(z.boolean()),
  list: z.optional(z.boolean()),
});
export type WebhookCheckOptions = z.infer<typeof webhookCheckOptionsSchema>;

const ids = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function webhookCheckCommand(ctx: Ctx): Command {
  return new Command('check')
    .description('run a conformance battery against your webhook endpoint (or, with --kind, your Deauthorize or Data Deletion Request callback): signatures enforced, handshake, duplicates, reply format and latency')
    .option('--to <url>', 'your webhook endpoint (loopback unless --allow-remote)')
    .addOption(new Option('--provider <provider>', 'which provider\u2019s deliveries to check').choices(['facebook', 'paypal', 'midas']).default('facebook'))
    .addOption(new Option('--kind <kind>', 'facebook: which endpoint to check: the payments webhook, or the Deauthorize or Data Deletion Request callback').choices(['payments', 'deauthorize', 'data-deletion']))
    .option('--secret <secret>', 'facebook: the app secret your endpoint verifies with (or FB_APP_SECRET)')
    .option('--verify-token <token>', 'facebook: the handshake verify token (or FB_VERIFY_TOKEN); without it the handshake check is skipped')
    .option('--graph-url <url>', 'facebook: a `fbpay mock graph` to seed with each delivery\u2019s payment, for receivers that look payments up')
    .option('--webhook-id <id>', 'paypal: the webhook id your endpoint verifies with (or PAYPAL_WEBHOOK_ID)')
    .option('--key <pem file>', 'paypal: private key to sign the valid deliveries with (default: a fresh test key)')
    .option('--cert <pem file>', 'paypal: the key\u2019s certificate, served on loopback during the run')
    .option('--cert-url <url>', 'paypal: PAYPAL-CERT-URL to send instead of the loopback one (you serve the certificate)')
    .option('--https-ca <dir>', 'paypal: a local CA kept in <dir> (written on first use; prints how to trust it) issues the test signing certificate and serves it over https')
    .option('--appkey <key>', 'midas: the appkey your endpoint verifies with (or MIDAS_APPKEY)')
    .option('--path <path>', 'midas: the path the sig is computed over (default: the --to URL\u2019s path)')
    .option('--only <ids>', 'run only these checks (comma-separated ids; see --list)')
    .option('--skip <ids>', 'leave these checks out (comma-separated ids)')
    .option('--budget-ms <ms>', 'slowest acceptable reply', intOption('--budget-ms', { min: 1, max: 600_000 }), 2000)
    .option('--timeout <ms>', 'per request; a slower reply counts as none (default: max(5000, 2 × budget))', intOption('--timeout', { min: 1, max: 600_000 }))
    .option('--junit <file>', 'also write a JUnit XML report (one testcase per check)')
    .option('--allow-remote', 'allow a target that is not 127.0.0.1/localhost')
    .option('--list', 'print the checks of --provider and exit')
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay webhook check --to http://127.0.0.1:3000/webhook --secret "$FB_APP_SECRET" --verify-token my-token
  $ fbpay webhook check --provider paypal --to http://127.0.0.1:3000/paypal --webhook-id 1JE4291016473214C --junit check.xml
  $ fbpay webhook check --provider paypal --https-ca ./fbpay-ca --list     # writes the CA: start your receiver trusting it
  $ fbpay webhook check --provider paypal --to http://127.0.0.1:3000/paypal --webhook-id 1JE4291016473214C --https-ca ./fbpay-ca
  $ fbpay webhook check --provider midas --to http://127.0.0.1:8080/midas/deliver --appkey "$MIDAS_APPKEY" --json
  $ fbpay webhook check --kind data-deletion --to http://127.0.0.1:3000/data-deletion --secret "$FB_APP_SECRET"
  $ fbpay webhook check --kind deauthorize --to http://127.0.0.1:3000/deauthorize --secret "$FB_APP_SECRET" --junit check.xml
  $ fbpay webhook check --provider facebook --list

Exit codes: 0 every required check passed · 1 a required check failed · 2 bad input · 3 endpoint unreachable`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseOptions(webhookCheckOptionsSchema, raw);
      const { loadBattery, runBattery, reportToJson, reportToJunit } = await import('../../providers/webhook/check/index.js');
      if (opts.provider !== 'paypal') {
        const stray = (['key', 'cert', 'certUrl', 'httpsCa'] as const).find((k) => opts[k] !== undefined);
        if (stray) throw new UsageError('bad_option', `--${stray.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is for --provider paypal`, { hint: 'add --provider paypal, or drop the option' });
      }
      const callback = opts.kind === 'deauthorize' || opts.kind === 'data-deletion' ? opts.kind : undefined;
      if (opts.kind !== undefined && opts.provider !== 'facebook') throw new UsageError('bad_option', `--kind is for --provider facebook (the ${opts.provider} battery has one kind)`, { hint: 'drop --kind, or use --provider facebook' });
      if (callback) {
        const stray = (['verifyToken', 'graphUrl'] as const).find((k) => opts[k] !== undefined);
        if (stray) throw new UsageError('bad_option', `--${stray.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is for the payments webhook; the ${callback} callback has no handshake and no payment to look up`, { hint: `drop --${stray.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}, or --kind` });
      }
      if (opts.httpsCa !== undefined && opts.certUrl !== undefined) throw new UsageError('bad_option', '--https-ca serves the certificate itself; --cert-url says you serve it: pass one', { hint: 'drop --cert-url, or --https-ca' });
      const localCa = opts.httpsCa !== undefined ? await openLocalCa(ctx, opts.httpsCa, opts.key !== undefined || opts.cert !== undefined) : undefined;
      if (opts.list) {
        const battery = await loadBattery(opts.provider, { secret: 'list', webhookId: 'list', appkey: 'list', kind: opts.kind, env: ctx.io.env });
        const rows = battery.checks.map((c) => ({ id: c.id, title: c.title, required: c.required, why: c.why }));
        if (ctx.opts.json) return ctx.json({ provider: opts.provider, ...(callback ? { kind: callback } : {}), checks: rows });
        const { renderTable } = await import('../../ui/table.js');
        ctx.out(await renderTable(['check', 'kind', 'what', 'why it matters'], rows.map((r) => [r.id, r.required ? 'required' : 'advisory', r.title, r.why]), { width: ctx.columns, flex: [3, 2], droppable: [3] }));
        return;
      }
      if (!opts.to) throw new UsageError('missing_option', 'missing --to <url>', { hint: 'the endpoint to check, e.g. --to http://127.0.0.1:3000/webhook' });
      const { assertTargetAllowed } = await import('../../transport/http.js');
      const target = assertTargetAllowed(opts.to, Boolean(opts.allowRemote));

      const secrets: Array<string | undefined> = [];
      const battery = await (async () => {
        switch (opts.provider) {
          case 'facebook': {
            if (callback) {
              const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');
              secrets.push(secret);
              return loadBattery('facebook', { secret, kind: callback, env: ctx.io.env });
            }
            const secret = await ctx.requireSetting('appSecret', opts.secret, 'app secret');
            const verifyToken = ctx.setting('verifyToken', opts.verifyToken).value;
            if (!verifyToken) ctx.info('note: no --verify-token (or FB_VERIFY_TOKEN): the handshake check is skipped');
            secrets.push(secret, verifyToken);
            return loadBattery('facebook', { secret, verifyToken, graphUrl: opts.graphUrl, env: ctx.io.env });
          }
          case 'paypal': {
            const webhookId = await ctx.requireSetting('paypalWebhookId', opts.webhookId, 'PayPal webhook id');
            const { readInput } = await import('../../providers/input.js');
            const pem = async (file: string | undefined, flag: string) =>
              file === undefined ? undefined : (await readInput(file === '-' ? file : (await import('node:path')).resolve(ctx.io.cwd, file), ctx.io.stdin, { what: flag, maxBytes: 1024 * 1024 })).toString('utf8');
            const certServerTls = localCa?.serverTls();
            return loadBattery('paypal', { webhookId, keyPem: await pem(opts.key, '--key'), certPem: await pem(opts.cert, '--cert'), certUrl: opts.certUrl, certServerTls, signingCa: localCa?.ca, env: ctx.io.env });
          }
          case 'midas': {
            const appkey = await ctx.requireSetting('midasAppkey', opts.appkey, 'Midas appkey');
            secrets.push(appkey);
            return loadBattery('midas', { appkey, path: opts.path, env: ctx.io.env });
          }
        }
      })();

      const c = ctx.chalk;
      const what = callback ? `${opts.provider} ${callback}` : opts.provider;
      const report = await ctx.spin(`checking ${target.origin}${target.pathname} (${what})`, () =>
        runBattery(battery, {
          target,
          only: ids(opts.only),
          skip: ids(opts.skip),
          budgetMs: opts.budgetMs,
          timeoutMs: opts.timeout,
          signal: ctx.signal,
          secrets,
          onResult: (r) => ctx.verbose(`${r.skipped ? '-' : r.inconclusive ? '?' : r.ok ? '✓' : '✗'} ${r.id}: ${r.detail}`),
        }),
      );

      if (opts.junit) {
        const { writeFile } = await import('node:fs/promises');
        const { resolve } = await import('node:path');
        const file = resolve(ctx.io.cwd, opts.junit);
        try {
          await writeFile(file, reportToJunit(report));
        } catch (e) {
          throw new UsageError('junit_unwritable', `cannot write the JUnit report to ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'check the --junit path' });
        }
        ctx.info(`JUnit report: ${file}`);
      }
      if (report.requiredFailed > 0 || report.requiredInconclusive > 0) ctx.exitCode = 1;
      if (ctx.opts.json) return ctx.json(reportToJson(report));

      const { renderTable } = await import('../../ui/table.js');
      ctx.out(
        await renderTable(
          ['check', 'kind', 'result', 'what came back', 'why it matters'],
          report.checks.map((r) => [
            r.id,
            r.required ? 'required' : c.dim('advisory'),
            r.skipped ? c.dim('– skip') : r.inconclusive ? c.yellow('? inconclusive') : r.ok ? c.green('✓ pass') : r.required ? c.red('✗ FAIL') : c.yellow('✗ warn'),
            r.detail,
            c.dim(r.why),
          ]),
          // On a narrow terminal "why it matters" gives way first (it is the same every run), then what came back.
          { width: ctx.columns, flex: [4, 3], droppable: [4] },
        ),
      );
      const failedIds = report.checks.filter((r) => !r.skipped && !r.ok && !r.inconclusive);
      const parts = [`${report.passed} passed`];
      if (report.requiredFailed) parts.push(`${report.requiredFailed} required failed (${failedIds.filter((r) => r.required).map((r) => r.id).join(', ')})`);
      if (report.failed - report.requiredFailed) parts.push(`${report.failed - report.requiredFailed} advisory failed (${failedIds.filter((r) => !r.required).map((r) => r.id).join(', ')})`);
      if (report.inconclusive) parts.push(`${report.inconclusive} inconclusive (${report.checks.filter((r) => r.inconclusive).map((r) => r.id).join(', ')})`);
      if (report.skipped) parts.push(`${report.skipped} skipped`);
      const mark = report.requiredFailed || report.requiredInconclusive ? c.red('✗') : c.green('✓');
      ctx.out('');
      const { wrapWords } = await import('../../ui/wrap.js');
      ctx.out(wrapWords(`${mark} ${what} ${target.origin}${target.pathname}: ${parts.join(', ')} in ${(report.elapsedMs / 1000).toFixed(1)} s`, ctx.columns));
      if (report.cause) ctx.out(wrapWords(`likely cause: ${report.cause}`, ctx.columns));
      if (report.note) ctx.out(wrapWords(`note: ${report.note}`, ctx.columns));
    });
}
