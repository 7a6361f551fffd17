import { Option, type Command } from 'commander';
import * as z from 'zod/mini';
import { UsageError } from '../core/errors.js';
import { redact } from '../core/mask.js';
import type { Ctx } from '../ui/context.js';
import { intOption } from './options.js';
import type { GraphClient } from '../providers/graph/client.js';

/**
 * The flags every Graph-calling command shares (payment, consume, purchases) and how they become a
 * GraphClient: base URL and version from settings, the app token (APP_ID|APP_SECRET) or the buyer's
 * user token, appsecret_proof, timeout and retries.
 */
export const graphOptionsShape = {
  graphUrl: z.optional(z.string()),
  graphVersion: z.optional(z.string()),
  accessToken: z.optional(z.string()),
  appId: z.optional(z.string()),
  secret: z.optional(z.string()),
  appSecret: z.optional(z.string()),
  appsecretProof: z.optional(z.boolean()),
  timeout: z.number(),
  retries: z.number(),
};

export type GraphOptions = z.infer<z.ZodMiniObject<typeof graphOptionsShape>>;

export type TokenKind = 'app' | 'user';

export function addGraphOptions(cmd: Command, kind: TokenKind): Command {
  cmd
    .option('--graph-url <url>', 'Graph API base URL (FB_GRAPH_URL; default https://graph.facebook.com; the emulator: http://127.0.0.1:PORT)')
    .option('--graph-version <version>', 'Graph API version (FB_GRAPH_VERSION; default v21.0; "none" for unversioned paths)')
    .option(
      '--access-token <token>',
      kind === 'user' ? "the buyer's USER access token (FB_ACCESS_TOKEN); an app token APP_ID|APP_SECRET is refused" : 'access token (default: the app token APP_ID|APP_SECRET from --app-id and --secret)',
    );
  if (kind === 'app') cmd.option('--app-id <id>', 'app id (FB_APP_ID)');
  cmd
    .option('--secret <secret>', kind === 'app' ? 'app secret (FB_APP_SECRET)' : 'app secret, only for --appsecret-proof (FB_APP_SECRET)')
    .addOption(new Option('--app-secret <secret>', 'same as --secret').hideHelp())
    .option('--appsecret-proof', 'send appsecret_proof = HMAC-SHA256(token, app secret)')
    .option('--timeout <ms>', 'per-request timeout in ms', intOption('--timeout', { min: 1, max: 600_000 }), 10_000)
    .option('--retries <n>', 'retries for 5xx and throttling (Graph codes 4, 17, 32, 613)', intOption('--retries', { min: 0, max: 10 }), 3);
  return cmd;
}

/** Refuses an app token where a user token is needed, before any request is made. */
export function assertUserToken(token: string, operation: string): void {
  if (token.includes('|')) {
    throw new UsageError('app_token_refused', `${operation} needs the buyer's USER access token, but an app token (APP_ID|…) was given; Graph would answer error 100`, {
      hint: 'get the user token in the game client: FB.getLoginStatus(r => r.authResponse.accessToken) (the user must be logged in), then pass it with --access-token or FB_ACCESS_TOKEN',
    });
  }
}

/**
 * The options a follow-up command fbpay prints must repeat so that pasting it talks to the same
 * Graph: `--graph-url` (and `--graph-version`) whenever they are not the production defaults.
 * Empty when the user ran against graph.facebook.com.
 */
export function followUpOptions(ctx: Ctx, o: Pick<GraphOptions, 'graphUrl' | 'graphVersion'>): string {
  const url = ctx.setting('graphUrl', o.graphUrl).value;
  const version = ctx.setting('graphVersion', o.graphVersion);
  const parts: string[] = [];
  if (url && url.replace(/\/+$/, '') !== 'https://graph.facebook.com') parts.push(`--graph-url ${shellWord(url)}`);
  if (version.value && version.source !== 'default') parts.push(`--graph-version ${shellWord(version.value)}`);
  return parts.join(' ');
}

/** A value as one shell word (quoted only when it needs to be). */
function shellWord(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** Builds the client for a command. `kind` says which token the endpoint needs. */
export async function graphClientFor(ctx: Ctx, o: GraphOptions, kind: TokenKind, operation: string): Promise<GraphClient> {
  const baseUrl = ctx.setting('graphUrl', o.graphUrl).value ?? 'https://graph.facebook.com';
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new UsageError('bad_url', `invalid --graph-url "${baseUrl.slice(0, 200)}"`, { hint: 'e.g. https://graph.facebook.com or http://127.0.0.1:4000 (fbpay mock graph)' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('bad_url', `unsupported protocol ${u.protocol} in --graph-url`, { hint: 'use http:// or https://' });
  const version = ctx.setting('graphVersion', o.graphVersion).value;
  const secretFlag = o.secret ?? o.appSecret;
  let secret = ctx.setting('appSecret', secretFlag).value;
  let token: string;
  if (kind === 'user') {
    token = await ctx.requireSetting('accessToken', o.accessToken, "the buyer's user access token");
    assertUserToken(token, operation);
  } else if (o.accessToken) token = o.accessToken;
  else {
    const appId = ctx.setting('appId', o.appId).value;
    const envToken = ctx.setting('accessToken', undefined).value;
    if ((!appId || !secret) && envToken) token = envToken;
    else {
      const id = await ctx.requireSetting('appId', o.appId, 'app id');
      secret = await ctx.requireSetting('appSecret', secretFlag, 'app secret');
      token = `${id}|${secret}`;
    }
  }
  if (o.appsecretProof && !secret) secret = await ctx.requireSetting('appSecret', secretFlag, 'app secret (for --appsecret-proof)');
  const { GraphClient } = await import('../providers/graph/client.js');
  ctx.verbose(`graph: ${u.origin}${version && version !== 'none' ? '/' + version : ''}, ${token.includes('|') ? 'app' : 'user'} token${o.appsecretProof ? ' + appsecret_proof' : ''}`);
  return new GraphClient({
    baseUrl,
    version,
    accessToken: token,
    appSecret: secret,
    proof: Boolean(o.appsecretProof),
    timeoutMs: o.timeout,
    retries: o.retries,
    signal: ctx.signal,
    onRetry: ({ attempt, waitMs, reason }) => ctx.info(ctx.chalk.dim(`${reason}; retry ${attempt} in ${Math.round(waitMs)} ms`)),
    onExchange: ctx.opts.verbose
      ? (x) => {
          const secrets = [token, secret ?? ''];
          const u = new URL(x.url);
          if (u.searchParams.has('appsecret_proof')) u.searchParams.set('appsecret_proof', '***');
          const auth = x.method === 'GET' ? `  (Authorization: OAuth ${token.includes('|') ? 'APP_ID|***' : '***'})` : '';
          ctx.verbose(redact(`→ ${x.method} ${u.toString()}${x.form ? `  form: ${x.form}` : ''}${auth}`, secrets));
          ctx.verbose(redact(x.error ? `← ${x.error}` : `← HTTP ${x.status} (${Math.round(x.latencyMs ?? 0)} ms) ${x.body ?? ''}`, secrets));
        }
      : undefined,
  });
}

/** The app id for /{app-id}/… edges: --app-id / FB_APP_ID, else the id in an app token (APP_ID|…). */
export async function appIdFor(ctx: Ctx, o: GraphOptions): Promise<string> {
  const fromToken = (t: string | undefined) => (t && t.includes('|') ? t.split('|')[0] : undefined);
  const id = ctx.setting('appId', o.appId).value ?? fromToken(o.accessToken) ?? fromToken(ctx.setting('accessToken', undefined).value);
  if (id) return id;
  return ctx.requireSetting('appId', o.appId, 'app id');
}

/** The `fbpay payment get` line to print as a follow-up, with the options that keep it on the same Graph. */
export function getCommand(id: string, options: string): string {
  return `fbpay payment get ${shellWord(id)}${options ? ` ${options}` : ''}`;
}
