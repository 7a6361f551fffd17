import { Command } from 'commander';
import type { Ctx } from '../../ui/context.js';
import { paypalExpectedCommand } from './expected.js';
import { paypalKeygenCommand } from './keygen.js';
import { paypalSignCommand } from './sign.js';
import { paypalVerifyOnlineCommand } from './verify-online.js';
import { paypalVerifyCommand } from './verify.js';

export default function paypalCommand(ctx: Ctx): Command {
  return new Command('paypal')
    .description('PayPal webhook signatures: keygen, sign, expected, verify, verify-online')
    .addCommand(paypalKeygenCommand(ctx))
    .addCommand(paypalSignCommand(ctx))
    .addCommand(paypalExpectedCommand(ctx))
    .addCommand(paypalVerifyCommand(ctx))
    .addCommand(paypalVerifyOnlineCommand(ctx))
    .addHelpText(
      'after',
      `
Examples:
  $ fbpay paypal verify --body body.json --headers headers.txt --webhook-id 4JH86294D6297924G
  $ fbpay paypal expected --body body.json --headers headers.txt --webhook-id WEBHOOK_ID
  $ fbpay paypal keygen --out ./paypal-test && fbpay paypal sign --body body.json --key paypal-test/key.pem --webhook-id WH1`,
    );
}
