import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { parseConfigFile, SETTINGS, type ConfigFile, type SettingName } from '../core/settings.js';

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

/** True when the file holds a secret setting (top level or in a profile). */
export function configHasSecrets(cfg: ConfigFile): boolean {
  const secret = (vals: Partial<Record<SettingName, string>>) => Object.keys(vals).some((k) => SETTINGS[k as SettingName]?.secret);
  return secret(cfg.values) || Object.values(cfg.profiles).some(secret);
}

/**
 * True when git would track `path`: it is inside a work tree and not ignored. Used to warn that a
 * config file with secrets is about to be committed. False when git is absent or it is not a repo.
 */
export function gitWouldTrack(cwd: string, path: string): boolean {
  // node:child_process loaded on first use: every command imports this module at start-up.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const abs = resolve(cwd, path);
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dirname(abs), encoding: 'utf8' });
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') return false;
  const ignored = spawnSync('git', ['check-ignore', '-q', abs], { cwd: dirname(abs) });
  return ignored.status === 1;
}
