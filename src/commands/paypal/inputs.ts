import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseHeaders } from '../../core/paypal/headers.js';
import { readInput } from '../../providers/input.js';
import type { Ctx } from '../../ui/context.js';

/** The raw body (`--body <file|->`) and the parsed `--headers <file|->` of one delivery. */
export async function readDelivery(ctx: Ctx, body: string, headers?: string): Promise<{ body: Buffer; headers: Record<string, string> }> {
  if (body === '-' && headers === '-') throw new UsageError('bad_option', '--body and --headers cannot both read stdin', { hint: 'pass one of them as a file' });
  const raw = await readInput(path(ctx, body), ctx.io.stdin, { what: 'body' });
  if (headers === undefined) return { body: raw, headers: {} };
  const h = parseHeaders(await readInput(path(ctx, headers), ctx.io.stdin, { what: 'headers', maxBytes: 256 * 1024 }));
  return { body: raw, headers: h };
}

/** A PEM file named by a flag, as text; UsageError (exit 2) when unreadable. */
export async function readPem(ctx: Ctx, file: string, flag: string): Promise<string> {
  try {
    return await readFile(path(ctx, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError('input_not_found', `cannot read ${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`, { hint: `pass a PEM file to ${flag}` });
  }
}

function path(ctx: Ctx, p: string): string {
  return p === '-' || isAbsolute(p) ? p : resolve(ctx.io.cwd, p);
}
