import { InterruptedError } from '../core/errors.js';
import type { Ctx } from './context.js';

/** Asks for a value on the terminal (masked for secrets). Only called when ctx.interactive. */
export async function promptText(ctx: Ctx, message: string, opts: { mask?: boolean } = {}): Promise<string> {
  const prompts = await import('@inquirer/prompts');
  const context = { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream, signal: ctx.signal };
  try {
    return opts.mask
      ? await prompts.password({ message, mask: '•' }, context)
      : await prompts.input({ message }, context);
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError') throw new InterruptedError();
    throw e;
  }
}

/** Yes/no confirmation for destructive actions. Only called when ctx.interactive. */
export async function confirm(ctx: Ctx, message: string): Promise<boolean> {
  const prompts = await import('@inquirer/prompts');
  try {
    return await prompts.confirm({ message, default: false }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream, signal: ctx.signal });
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError') throw new InterruptedError();
    throw e;
  }
}
