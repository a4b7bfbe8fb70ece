import { type Database } from '@hub/database';
import { OutboxWriter } from '@hub/outbox';
import { type NotifierConfig } from '../../notifier.config.js';
import { type ReceiptStore } from '../../receipts/receipt.store.js';
import { type RoutingTable } from '../../routing/routing.config.js';
import { smtpSettingsOf } from './email.config.js';
import { EmailChannel } from './email.channel.js';
import { EmailOutboxSender, SmtpEmailSender } from './smtp.client.js';

export { emailEnvShape, smtpProblems } from './email.config.js';
export { EmailChannel } from './email.channel.js';

/** The email channel of the configuration: SMTP when `SMTP_URL` / `SMTP_HOST` is set, else the outbox. */
export function emailChannel(
  config: NotifierConfig,
  db: Database,
  routing: RoutingTable,
  receipts: ReceiptStore,
): EmailChannel {
  const smtp = smtpSettingsOf(config);
  const sender = smtp
    ? new SmtpEmailSender(smtp)
    : new EmailOutboxSender(new OutboxWriter(config.HUB_DATA_DIR, 'email'), config.SMTP_FROM);
  const leaseMs = 2 * config.SMTP_TIMEOUT_MS + 5_000;
  return new EmailChannel(sender, routing.teams, db, receipts, routing.templates, leaseMs);
}
