import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { webhookSignCommand } from './sign.js';
import { webhookVerifyCommand } from './verify.js';
import { webhookReplayCommand } from './replay.js';
import { webhookChallengeCommand } from './challenge.js';
import { webhookListenCommand } from './listen.js';
import { webhookCheckCommand } from './check.js';
import { webhookSubscribeCommand } from './subscribe.js';
import { webhookSubscriptionsCommand } from './subscriptions.js';
import { webhookUnsubscribeCommand } from './unsubscribe.js';

export default function webhookCommand(ctx: Ctx): Command {
  return new Command('webhook')
    .description('sign, verify, replay, listen and check webhooks (facebook, paypal, midas)')
    .addCommand(webhookSignCommand(ctx))
    .addCommand(webhookVerifyCommand(ctx))
    .addCommand(webhookReplayCommand(ctx))
    .addCommand(webhookChallengeCommand(ctx))
    .addCommand(webhookListenCommand(ctx))
    .addCommand(webhookCheckCommand(ctx))
    .addCommand(webhookSubscribeCommand(ctx))
    .addCommand(webhookSubscriptionsCommand(ctx))
    .addCommand(webhookUnsubscribeCommand(ctx));
}
