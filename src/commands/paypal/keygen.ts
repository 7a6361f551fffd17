import { Command } from 'commander';
import { X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod/mini';
import { UsageError } from '../../core/errors.js';
import { generateTestKeyPair } from '../../core/paypal/test-cert.js';
import type { Ctx } from '../../ui/context.js';
import { intOption, parseOptions } from '../options.js';

export const paypalKeygenOptionsSchema = z.object({
  out: z.string().check(z.minLength(1)),
  days: z.number(),
  force: z.optional(z.boolean()),
});

export function paypalKeygenCommand(ctx: Ctx): Command {
  return new Command('keygen')
    .description('make an RSA key and a self-signed test certificate (key.pem, cert.pem) for local PayPal test deliveries')
    .option('--out <dir>', 'folder to write key.pem and cert.pem into', '.')
    .option('--days <n>', 'certificate validity in days', intOption('--days', { min: 1, max: 36500 }), 365)
    .option('--force', 'overwrite existing key.pem / cert.pem')
    .addHelpText(
      'after',
      `
The certificate is self-signed and says it is not PayPal's: a correct verifier accepts it only when you
pass it explicitly (--cert) or allow the loopback host serving it (--allow-cert-host).

Examples:
  $ fbpay paypal keygen --out ./paypal-test
  $ fbpay paypal sign --body body.json --key paypal-test/key.pem --webhook-id WH1
  $ fbpay webhook replay paypal-sale-completed --provider paypal --to http://127.0.0.1:3000/paypal --webhook-id WH1 --key paypal-test/key.pem --cert paypal-test/cert.pem`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(paypalKeygenOptionsSchema, raw);
      const dir = resolve(ctx.io.cwd, o.out);
      const pair = generateTestKeyPair({ days: o.days });
      const keyPath = join(dir, 'key.pem');
      const certPath = join(dir, 'cert.pem');
      try {
        await mkdir(dir, { recursive: true });
        const flag = o.force ? 'w' : 'wx';
        await writeFile(keyPath, pair.keyPem, { mode: 0o600, flag });
        await writeFile(certPath, pair.certPem, { flag });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new UsageError('file_exists', `${(e as NodeJS.ErrnoException).path ?? dir} already exists`, { hint: 'pass --force to overwrite, or another --out folder' });
        throw new UsageError('write_failed', `cannot write to ${dir}: ${code ?? (e as Error).message}`, { hint: 'pick a writable --out folder' });
      }
      const cert = new X509Certificate(pair.certPem);
      if (ctx.opts.json) {
        ctx.json({ key_path: keyPath, cert_path: certPath, subject: cert.subject.split('\n').join(', '), valid_from: cert.validFrom, valid_to: cert.validTo, fingerprint256: cert.fingerprint256 });
        return;
      }
      ctx.out(`key:  ${keyPath}`);
      ctx.out(`cert: ${certPath}`);
      ctx.info(ctx.chalk.dim(`self-signed "${cert.subject.split('\n').join(', ')}", valid until ${cert.validTo}; for test deliveries only`));
    });
}
