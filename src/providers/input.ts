import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';

export const DEFAULT_MAX_INPUT = 16 * 1024 * 1024;

/**
 * Reads a body argument as raw bytes: `-` is stdin, anything else a file path. Bytes are returned
 * exactly as read (no trimming, no re-encoding) because signatures are computed over them.
 */
export async function readInput(spec: string, stdin: NodeJS.ReadableStream, opts: { maxBytes?: number; what?: string } = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? DEFAULT_MAX_INPUT;
  const what = opts.what ?? 'input';
  if (spec === '-') return readStream(stdin, max, what);
  try {
    const st = await stat(spec);
    if (st.isDirectory()) throw new UsageError('input_is_directory', `${what} ${spec} is a directory`, { hint: 'pass a file, or - for stdin' });
    if (st.size > max) throw tooLarge(what, max);
    return await readFile(spec);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError('input_not_found', `cannot read ${what} ${spec}: ${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}`, {
      hint: 'pass a file path, or - to read stdin',
    });
  }
}

export async function readStream(stream: NodeJS.ReadableStream, maxBytes = DEFAULT_MAX_INPUT, what = 'input'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > maxBytes) throw tooLarge(what, maxBytes);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function tooLarge(what: string, max: number) {
  return new UsageError('input_too_large', `${what} is larger than ${Math.round(max / 1024 / 1024)} MiB`, { hint: 'fbpay reads at most that much; check you passed the right file' });
}
