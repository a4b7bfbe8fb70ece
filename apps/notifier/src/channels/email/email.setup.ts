import { defineChannel } from '../channel.js';
import { emailEnv, smtpSettingsOf } from './email.config.js';
import { EmailChannel } from './email.channel.js';
import { EmailOutboxSender, SmtpEmailSender } from './smtp.client.js';

/** Email: SMTP with `SMTP_URL` or `SMTP_HOST` (nodemailer), else `$HUB_DATA_DIR/outbox/email.jsonl`. */
export const emailSetup = defineChannel({
  name: 'email',
  env: emailEnv,
  build(settings, context) {
    const smtp = smtpSettingsOf(settings);
    const sender = smtp
      ? new SmtpEmailSender(smtp)
      : new EmailOutboxSender(context.outbox('email'), settings.SMTP_FROM);
    const leaseMs = 2 * settings.SMTP_TIMEOUT_MS + 5_000;
    return new EmailChannel(sender, context.teams, context.db, context.receipts, context.templates, leaseMs);
  },
});
