import { isFbpayError, UsageError } from '../../core/errors.js';
import { decodeSignedRequest, type DecodeOptions } from '../../core/facebook/signed-request.js';

/** Longest line `decode --batch` accepts; longer lines are reported as malformed and skipped, never buffered. */
export const MAX_BATCH_LINE = 64 * 1024;

export interface BatchSink {
  /** Receives NDJSON text (one or more complete lines). May return false to ask for backpressure. */
  write(text: string): unknown;
  /** Resolves when the sink can take more (called only after write returned false). */
  drain?(): Promise<void>;
}

export interface BatchOptions extends DecodeOptions {
  secret?: string;
  /** Turns a result into its NDJSON line, without the trailing newline (the CLI's --json shape plus `line`). */
  toLine: (r: ReturnType<typeof decodeSignedRequest>, line: number) => string;
  maxLine?: number;
  signal?: AbortSignal;
}

export interface BatchSummary {
  lines: number;
  valid: number;
  invalid: number;
  malformed: number;
  /** Verified and unverified (--no-verify) lines that decoded. */
  parsed: number;
}

const FLUSH_AT = 64 * 1024;
const NON_SPACE = /\S/;

/**
 * Streams one signed_request per input line to one NDJSON result per line, in input order, with
 * constant memory: input is split as it arrives, output is written in ~64 KiB slices and waits for
 * the sink to drain. Blank lines are skipped (line numbers still count them).
 */
export async function decodeBatch(input: AsyncIterable<Buffer | string>, sink: BatchSink, opts: BatchOptions): Promise<BatchSummary> {
  const maxLine = opts.maxLine ?? MAX_BATCH_LINE;
  const summary: BatchSummary = { lines: 0, valid: 0, invalid: 0, malformed: 0, parsed: 0 };
  const decodeOpts: DecodeOptions = { now: opts.now, maxAge: opts.maxAge, verify: opts.verify };
  let out = '';
  let carry = '';
  let overlong = false;

  const flush = async () => {
    if (out.length === 0) return;
    const text = out;
    out = '';
    if (sink.write(text) === false && sink.drain) await sink.drain();
  };
  const malformedDoc = (line: number, message: string, hint: string) => {
    summary.malformed++;
    out += JSON.stringify({ line, valid: false, payload_verified: false, error: { code: 'malformed_signed_request', message, hint } }) + '\n';
  };
  const handle = (text: string) => {
    const line = ++summary.lines;
    const sr = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (!NON_SPACE.test(sr)) return;
    try {
      const r = decodeSignedRequest(sr, opts.secret, decodeOpts);
      summary.parsed++;
      if (r.valid === true) summary.valid++;
      else if (r.valid === false) summary.invalid++;
      out += opts.toLine(r, line) + '\n';
    } catch (e) {
      if (!isFbpayError(e)) throw e;
      if (e.code === 'missing_secret') throw e;
      malformedDoc(line, e.message, e.hint ?? '');
    }
  };
  const overlongDoc = () => {
    const line = ++summary.lines;
    malformedDoc(line, `line is longer than ${maxLine} bytes`, 'a signed_request is a few hundred bytes: is this the right file?');
  };

  /** Splits a chunk into lines, carrying a partial last line to the next chunk. */
  const consume = (chunk: Buffer | string) => {
    const s = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      if (overlong) {
        overlong = false;
        overlongDoc();
      } else if (carry.length > 0) {
        const text = carry + s.slice(start, nl);
        carry = '';
        if (text.length > maxLine) overlongDoc();
        else handle(text);
      } else if (nl - start > maxLine) {
        overlongDoc();
      } else {
        handle(s.slice(start, nl));
      }
      start = nl + 1;
    }
    if (start < s.length && !overlong) {
      carry += s.slice(start);
      if (carry.length > maxLine) {
        carry = '';
        overlong = true;
      }
    }
  };

  // Ctrl-C must not wait for the next chunk (stdin may be an idle terminal or pipe): each read races
  // the abort, and the input is released at once.
  const signal = opts.signal;
  const iterator = input[Symbol.asyncIterator]();
  const abortedRead = signal
    ? new Promise<IteratorResult<Buffer | string>>((resolve) => {
        const done = () => resolve({ done: true, value: undefined });
        if (signal.aborted) done();
        else signal.addEventListener('abort', done, { once: true });
      })
    : undefined;
  const release = () => void Promise.resolve(iterator.return?.()).catch(() => undefined);
  try {
    for (;;) {
      const next = abortedRead ? await Promise.race([iterator.next(), abortedRead]) : await iterator.next();
      if (next.done || signal?.aborted) break;
      consume(next.value);
      // A short chunk means input is trickling in (a pipe, a terminal): answer what was read now, rather
      // than hold it (and lose it on Ctrl-C). Full 64 KiB chunks (files, fast pipes) keep batching.
      if (out.length >= FLUSH_AT || next.value.length < FLUSH_AT) await flush();
    }
  } catch (e) {
    release();
    throw e;
  }
  if (signal?.aborted) {
    // An unfinished last line is dropped: the results written are those of whole lines.
    release();
    await flush();
    return summary;
  }
  if (overlong) overlongDoc();
  else if (carry.length > 0) handle(carry);
  await flush();
  if (summary.lines === 0) throw new UsageError('empty_input', 'no signed_request lines on stdin', { hint: 'pipe one signed_request per line, e.g. fbpay decode --batch < requests.txt' });
  return summary;
}
