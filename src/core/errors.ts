/**
 * The error model. Everything below `src/cli.ts` throws; the CLI maps `exitCode` to the process
 * exit code and prints `message` and `hint` (never a stack trace unless --verbose).
 *
 * Exit codes (DESIGN.md): 0 ok · 1 verification or expectation failed · 2 usage or bad input ·
 * 3 network or remote API error · 130 interrupted.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  network: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface FbpayErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable fields, included in toJSON(). */
  details?: Record<string, unknown>;
}

export class FbpayError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, exitCode: ExitCodeValue, options: FbpayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; hint?: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), ...(this.details ?? {}) };
  }
}

/** Bad flags, malformed input, a missing secret: exit 2. */
export class UsageError extends FbpayError {
  constructor(code: string, message: string, options?: FbpayErrorOptions) {
    super(code, message, ExitCode.usage, options);
  }
}

/** A signature that does not match, a stale timestamp, an unmet expectation: exit 1. */
export class VerificationError extends FbpayError {
  constructor(code: string, message: string, options?: FbpayErrorOptions) {
    super(code, message, ExitCode.failed, options);
  }
}

/** The network failed or a remote API answered with an error: exit 3. */
export class NetworkError extends FbpayError {
  constructor(code: string, message: string, options?: FbpayErrorOptions) {
    super(code, message, ExitCode.network, options);
  }
}

/** Ctrl-C: exit 130. */
export class InterruptedError extends FbpayError {
  constructor(message = 'interrupted', options?: FbpayErrorOptions) {
    super('interrupted', message, ExitCode.interrupted, options);
  }
}

/** A bug in fbpay itself (anything that is not an FbpayError is wrapped in this). */
export class InternalError extends FbpayError {
  constructor(message: string, options?: FbpayErrorOptions) {
    super('internal', message, ExitCode.usage, {
      hint: 'this is a bug in fbpay; run again with --verbose and report the stack trace',
      ...options,
    });
  }
}

export function isFbpayError(e: unknown): e is FbpayError {
  return e instanceof FbpayError;
}
