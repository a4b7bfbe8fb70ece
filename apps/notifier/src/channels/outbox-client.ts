import { type CallRecorder } from '@hub/recorder';

/** Where a JSON vendor channel's requests go: the vendor (`live`) or the outbox. */
export interface VendorSender<Request> {
  readonly mode: 'live' | 'outbox';
  readonly outboxPath?: string;
  /** Sends the request; resolves to the vendor's HTTP status (none for the outbox). */
  send(request: Request): Promise<number | undefined>;
}

/**
 * A channel's client when its vendor is not configured: each request goes to
 * `$HUB_DATA_DIR/outbox/<channel>.jsonl` instead (the subclass says what it writes).
 */
export abstract class OutboxClient {
  readonly mode = 'outbox';

  constructor(protected readonly outbox: CallRecorder) {}

  get outboxPath(): string {
    return this.outbox.path;
  }
}
