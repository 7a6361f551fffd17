import { UsageError } from './errors.js';
import { maskSecret } from './mask.js';

/**
 * Settings resolve flag > env > config file (profile, then top level) > default.
 * This module is pure: the caller supplies the flags, the environment and the parsed config file.
 */
export const SETTINGS = {
  appId: { env: 'FB_APP_ID', secret: false, flag: '--app-id' },
  appSecret: { env: 'FB_APP_SECRET', secret: true, flag: '--secret' },
  accessToken: { env: 'FB_ACCESS_TOKEN', secret: true, flag: '--access-token' },
  graphUrl: { env: 'FB_GRAPH_URL', secret: false, flag: '--graph-url', default: 'https://graph.facebook.com' },
  graphVersion: { env: 'FB_GRAPH_VERSION', secret: false, flag: '--graph-version', default: 'v21.0' },
  verifyToken: { env: 'FB_VERIFY_TOKEN', secret: true, flag: '--verify-token' },
  paypalWebhookId: { env: 'PAYPAL_WEBHOOK_ID', secret: false, flag: '--webhook-id' },
  paypalClientId: { env: 'PAYPAL_CLIENT_ID', secret: false, flag: '--client-id' },
  paypalClientSecret: { env: 'PAYPAL_CLIENT_SECRET', secret: true, flag: '--client-secret' },
  paypalCa: { env: 'PAYPAL_CA', secret: false, flag: '--ca' },
  midasAppkey: { env: 'MIDAS_APPKEY', secret: true, flag: '--appkey' },
} as const satisfies Record<string, { env: string; secret: boolean; flag: string; default?: string }>;

export type SettingName = keyof typeof SETTINGS;
export type SettingSource = 'flag' | 'env' | 'config' | 'profile' | 'default' | 'prompt' | 'unset';

export interface ResolvedSetting {
  name: SettingName;
  value: string | undefined;
  source: SettingSource;
  /** e.g. `FB_APP_SECRET`, `fbpay.config.json (profile staging)`. */
  origin?: string;
}

/** The parsed config file: top-level settings plus named profiles of the same shape. */
export interface ConfigFile {
  path: string;
  values: Partial<Record<SettingName, string>>;
  profiles: Record<string, Partial<Record<SettingName, string>>>;
  defaultProfile?: string;
}

export interface SettingsInput {
  env: Record<string, string | undefined>;
  config?: ConfigFile;
  profile?: string;
}

export function resolveSetting(name: SettingName, flagValue: string | undefined, input: SettingsInput): ResolvedSetting {
  const def = SETTINGS[name];
  if (flagValue !== undefined && flagValue !== '') return { name, value: flagValue, source: 'flag', origin: def.flag };
  const envValue = input.env[def.env];
  if (envValue !== undefined && envValue !== '') return { name, value: envValue, source: 'env', origin: def.env };
  const cfg = input.config;
  if (cfg) {
    const profileName = input.profile ?? cfg.defaultProfile;
    if (profileName !== undefined) {
      const profile = Object.hasOwn(cfg.profiles, profileName) ? cfg.profiles[profileName] : undefined;
      if (!profile) {
        throw new UsageError('unknown_profile', `profile "${profileName}" is not in ${cfg.path}`, {
          hint: `known profiles: ${Object.keys(cfg.profiles).join(', ') || '(none)'}`,
        });
      }
      const v = profile[name];
      if (v !== undefined) return { name, value: v, source: 'profile', origin: `${cfg.path} (profile ${profileName})` };
    }
    const v = cfg.values[name];
    if (v !== undefined) return { name, value: v, source: 'config', origin: cfg.path };
  }
  if ('default' in def) return { name, value: def.default, source: 'default' };
  if (input.profile !== undefined && !cfg) {
    throw new UsageError('unknown_profile', `--profile ${input.profile} given but no config file was found`, {
      hint: 'create fbpay.config.json or pass --config <file>',
    });
  }
  return { name, value: undefined, source: 'unset' };
}

/** Every setting, resolved, with secrets masked: what `fbpay config show` prints. */
export function describeSettings(input: SettingsInput, flags: Partial<Record<SettingName, string>> = {}) {
  return (Object.keys(SETTINGS) as SettingName[]).map((name) => {
    const r = resolveSetting(name, flags[name], input);
    const def = SETTINGS[name];
    return {
      name,
      env: def.env,
      value: r.value === undefined ? null : def.secret ? maskSecret(r.value) : r.value,
      secret: def.secret,
      source: r.source,
      ...(r.origin ? { origin: r.origin } : {}),
    };
  });
}

/** Validates the JSON of a config file. Keys are setting names or their env names. */
export function parseConfigFile(path: string, text: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError('bad_config', `${path} is not valid JSON: ${(e as Error).message}`, { hint: 'fix the file or pass another with --config' });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError('bad_config', `${path} must hold a JSON object`, { hint: '{"appId": "…", "profiles": {"staging": {…}}}' });
  }
  const obj = raw as Record<string, unknown>;
  const values = readSettingValues(path, obj, '');
  const profiles: ConfigFile['profiles'] = Object.create(null); // a profile may be named "__proto__"
  if (obj.profiles !== undefined) {
    if (!obj.profiles || typeof obj.profiles !== 'object' || Array.isArray(obj.profiles)) {
      throw new UsageError('bad_config', `${path}: "profiles" must be an object of named profiles`);
    }
    for (const [pname, pval] of Object.entries(obj.profiles as Record<string, unknown>)) {
      if (!pval || typeof pval !== 'object' || Array.isArray(pval)) {
        throw new UsageError('bad_config', `${path}: profile "${pname}" must be an object`);
      }
      profiles[pname] = readSettingValues(path, pval as Record<string, unknown>, `profiles.${pname}.`);
    }
  }
  const defaultProfile = typeof obj.defaultProfile === 'string' ? obj.defaultProfile : undefined;
  return { path, values, profiles, defaultProfile };
}

const BY_ENV = new Map<string, SettingName>(Object.entries(SETTINGS).map(([k, v]) => [v.env as string, k as SettingName]));

function readSettingValues(path: string, obj: Record<string, unknown>, prefix: string) {
  const out: Partial<Record<SettingName, string>> = {};
  for (const [key, val] of Object.entries(obj)) {
    if (key === 'profiles' || key === 'defaultProfile' || key === '$schema') continue;
    const name = (Object.hasOwn(SETTINGS, key) ? key : BY_ENV.get(key)) as SettingName | undefined;
    if (!name) {
      throw new UsageError('bad_config', `${path}: unknown setting "${prefix}${key}"`, {
        hint: `known settings: ${Object.keys(SETTINGS).join(', ')}`,
      });
    }
    if (typeof val !== 'string' && typeof val !== 'number') {
      throw new UsageError('bad_config', `${path}: "${prefix}${key}" must be a string`);
    }
    out[name] = String(val);
  }
  return out;
}
