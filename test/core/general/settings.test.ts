import { describe, expect, it } from 'vitest';
import { describeSettings, parseConfigFile, resolveSetting, SETTINGS, type ConfigFile } from '../../../src/core/settings.js';
import { usageError } from '../../helpers/usage-error.js';


const cfg = (over: Partial<ConfigFile> = {}): ConfigFile => ({ path: 'fbpay.config.json', values: {}, profiles: Object.create(null), ...over });

describe('resolveSetting: flag > env > profile > config > default', () => {
  it('a flag wins and names the flag as its origin', () => {
    const r = resolveSetting('appId', '1', { env: { FB_APP_ID: '2' }, config: cfg({ values: { appId: '3' } }) });
    expect(r).toEqual({ name: 'appId', value: '1', source: 'flag', origin: '--app-id' });
  });

  it('an empty flag or env value is as good as none', () => {
    expect(resolveSetting('appId', '', { env: { FB_APP_ID: '2' } })).toEqual({ name: 'appId', value: '2', source: 'env', origin: 'FB_APP_ID' });
    expect(resolveSetting('appId', '', { env: { FB_APP_ID: '' }, config: cfg({ values: { appId: '3' } }) })).toEqual({
      name: 'appId',
      value: '3',
      source: 'config',
      origin: 'fbpay.config.json',
    });
    expect(resolveSetting('appId', undefined, { env: {} })).toEqual({ name: 'appId', value: undefined, source: 'unset' });
  });

  it('a profile value names the file and the profile; the default profile applies without --profile', () => {
    const c = cfg({ values: { appId: 'top' }, profiles: { staging: { appId: 'st' }, prod: {} }, defaultProfile: 'staging' });
    expect(resolveSetting('appId', undefined, { env: {}, config: c })).toEqual({ name: 'appId', value: 'st', source: 'profile', origin: 'fbpay.config.json (profile staging)' });
    // --profile overrides the default profile; a setting the profile lacks falls back to the top level.
    expect(resolveSetting('appId', undefined, { env: {}, config: c, profile: 'prod' })).toEqual({ name: 'appId', value: 'top', source: 'config', origin: 'fbpay.config.json' });
  });

  it('a default applies only when nothing else gives a value', () => {
    expect(resolveSetting('graphVersion', undefined, { env: {} })).toEqual({ name: 'graphVersion', value: 'v21.0', source: 'default' });
    expect(resolveSetting('graphVersion', undefined, { env: {}, config: cfg() })).toEqual({ name: 'graphVersion', value: 'v21.0', source: 'default' });
  });

  it('an unknown profile is a usage error naming the file and the known profiles', () => {
    const c = cfg({ profiles: { staging: {}, prod: {} } });
    const e = usageError(() => resolveSetting('appId', undefined, { env: {}, config: c, profile: 'qa' }));
    expect(e.code).toBe('unknown_profile');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('profile "qa" is not in fbpay.config.json');
    expect(e.hint).toBe('known profiles: staging, prod');
    const none = usageError(() => resolveSetting('appId', undefined, { env: {}, config: cfg(), profile: 'qa' }));
    expect(none.hint).toBe('known profiles: (none)');
    // Inherited names are not profiles.
    expect(usageError(() => resolveSetting('appId', undefined, { env: {}, config: cfg({ profiles: {} }), profile: 'toString' })).code).toBe('unknown_profile');
  });

  it('a flag or env value wins before the profile is looked up', () => {
    const c = cfg({ profiles: {} });
    expect(resolveSetting('appId', 'x', { env: {}, config: c, profile: 'qa' }).value).toBe('x');
  });

  it('--profile without a config file is a usage error, unless the setting has a value or a default', () => {
    const e = usageError(() => resolveSetting('appId', undefined, { env: {}, profile: 'staging' }));
    expect(e.code).toBe('unknown_profile');
    expect(e.message).toBe('--profile staging given but no config file was found');
    expect(e.hint).toBe('create fbpay.config.json or pass --config <file>');
    expect(resolveSetting('graphUrl', undefined, { env: {}, profile: 'staging' }).source).toBe('default');
    // With a config file, a setting the profile and the file lack is simply unset.
    expect(resolveSetting('appId', undefined, { env: {}, config: cfg({ profiles: { staging: {} } }), profile: 'staging' })).toEqual({ name: 'appId', value: undefined, source: 'unset' });
  });
});

describe('describeSettings: what config show prints', () => {
  it('lists every setting with its env name; secrets masked, unset values null, origin only when known', () => {
    const rows = describeSettings({ env: { FB_APP_SECRET: 'd25da68caa30b617e2b4e3990cb91e4e', FB_APP_ID: '1234567890123456' } }, { accessToken: 'short' });
    expect(rows.map((r) => r.name)).toEqual(Object.keys(SETTINGS));
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by.appSecret).toEqual({ name: 'appSecret', env: 'FB_APP_SECRET', value: 'd25d…4e (32 chars)', secret: true, source: 'env', origin: 'FB_APP_SECRET' });
    // Not a secret: shown whole, even when long.
    expect(by.appId).toEqual({ name: 'appId', env: 'FB_APP_ID', value: '1234567890123456', secret: false, source: 'env', origin: 'FB_APP_ID' });
    expect(by.accessToken).toEqual({ name: 'accessToken', env: 'FB_ACCESS_TOKEN', value: '•••• (5 chars)', secret: true, source: 'flag', origin: '--access-token' });
    expect(by.verifyToken).toEqual({ name: 'verifyToken', env: 'FB_VERIFY_TOKEN', value: null, secret: true, source: 'unset' });
    expect(Object.keys(by.graphUrl)).not.toContain('origin');
    expect(by.graphUrl.value).toBe('https://graph.facebook.com');
  });

  it('without flags, every value comes from the environment or defaults', () => {
    const rows = describeSettings({ env: {} });
    expect(rows.filter((r) => r.source !== 'unset').map((r) => r.name)).toEqual(['graphUrl', 'graphVersion']);
  });
});

describe('parseConfigFile', () => {
  it('reads settings by name or env name, numbers as text, profiles and the default profile', () => {
    const c = parseConfigFile(
      'f.json',
      JSON.stringify({ $schema: 'x', appId: 123, FB_APP_SECRET: 's', profiles: { staging: { FB_APP_ID: '9', graphVersion: 'v20.0' } }, defaultProfile: 'staging' }),
    );
    expect(c.path).toBe('f.json');
    expect(c.values).toEqual({ appId: '123', appSecret: 's' });
    expect(c.profiles.staging).toEqual({ appId: '9', graphVersion: 'v20.0' });
    expect(c.defaultProfile).toBe('staging');
    expect(parseConfigFile('f.json', '{"defaultProfile": 3}').defaultProfile).toBeUndefined();
    expect(Object.keys(parseConfigFile('f.json', '{}').profiles)).toEqual([]);
  });

  it('a profile named __proto__ is an ordinary profile', () => {
    const c = parseConfigFile('f.json', '{"profiles": {"__proto__": {"appId": "7"}}}');
    expect(resolveSetting('appId', undefined, { env: {}, config: c, profile: '__proto__' }).value).toBe('7');
  });

  it('not JSON: the reason and a hint', () => {
    const e = usageError(() => parseConfigFile('f.json', '{nope'));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(/^f\.json is not valid JSON: \S/);
    expect(e.hint).toBe('fix the file or pass another with --config');
  });

  it('not an object: refused with an example', () => {
    for (const text of ['null', '[]', '"x"', '0', 'true']) {
      const e = usageError(() => parseConfigFile('f.json', text));
      expect(e.code).toBe('bad_config');
      expect(e.message).toBe('f.json must hold a JSON object');
      expect(e.hint).toBe('{"appId": "…", "profiles": {"staging": {…}}}');
    }
  });

  it('profiles must be an object of objects', () => {
    for (const p of ['null', '[]', '"x"', '1', 'false']) {
      expect(usageError(() => parseConfigFile('f.json', `{"profiles": ${p}}`)).code).toBe('bad_config');
      expect(usageError(() => parseConfigFile('f.json', `{"profiles": {"a": ${p}}}`)).code).toBe('bad_config');
      expect(usageError(() => parseConfigFile('f.json', `{"profiles": ${p}}`)).message).toBe('f.json: "profiles" must be an object of named profiles');
      expect(usageError(() => parseConfigFile('f.json', `{"profiles": {"a": ${p}}}`)).message).toBe('f.json: profile "a" must be an object');
    }
  });

  it('an unknown setting is named with its profile and the known names', () => {
    const top = usageError(() => parseConfigFile('f.json', '{"appid": "1"}'));
    expect(top.code).toBe('bad_config');
    expect(top.message).toBe('f.json: unknown setting "appid"');
    expect(top.hint).toBe(`known settings: ${Object.keys(SETTINGS).join(', ')}`);
    expect(usageError(() => parseConfigFile('f.json', '{"profiles": {"st": {"nope": "1"}}}')).message).toBe('f.json: unknown setting "profiles.st.nope"');
    // Inherited property names are not settings.
    expect(usageError(() => parseConfigFile('f.json', '{"toString": "1"}')).message).toBe('f.json: unknown setting "toString"');
  });

  it('a value must be a string (or a number)', () => {
    for (const v of ['true', 'null', '{}', '[]']) {
      expect(usageError(() => parseConfigFile('f.json', `{"appId": ${v}}`)).code).toBe('bad_config');
      expect(usageError(() => parseConfigFile('f.json', `{"appId": ${v}}`)).message).toBe('f.json: "appId" must be a string');
    }
    expect(usageError(() => parseConfigFile('f.json', '{"profiles": {"st": {"appId": true}}}')).message).toBe('f.json: "profiles.st.appId" must be a string');
  });
});
