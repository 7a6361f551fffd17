import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { parseConfigFile, type ConfigFile } from '../core/settings.js';

export const DEFAULT_CONFIG_NAME = 'fbpay.config.json';

/** Loads `--config <file>` (which must exist) or `fbpay.config.json` in `cwd` (which may not). */
export function loadConfigFile(cwd: string, explicit?: string): ConfigFile | undefined {
  const path = resolve(cwd, explicit ?? DEFAULT_CONFIG_NAME);
  if (!existsSync(path)) {
    if (explicit) throw new UsageError('config_not_found', `config file ${explicit} does not exist`, { hint: 'check the path given to --config' });
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError('config_unreadable', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfigFile(explicit ?? DEFAULT_CONFIG_NAME, text);
}
