import { type OutboxWriter } from '@hub/outbox';

/**
 * A channel's client when its vendor is not configured: each request goes to
 * `$HUB_DATA_DIR/outbox/<channel>.jsonl` instead (the subclass says what it writes).
 */
export abstract class OutboxClient {
  readonly mode = 'outbox';

  constructor(protected readonly outbox: OutboxWriter) {}

  get outboxPath(): string {
    return this.outbox.path;
  }
}
