import { randomInt } from 'node:crypto';
import { type CallRecorder } from '@hub/recorder';
import { type SlackApi, type SlackPostRequest, type SlackUpdateRequest } from './slack.channel.js';

/**
 * Slack when `SLACK_TOKEN` is not set (the embedded default): each Web API request is written to
 * `$HUB_DATA_DIR/outbox/slack.jsonl` exactly as it would be sent. Posts are answered as Slack would
 * (the channel as given, a fresh `ts`), so the outbox shows whole threads: the root, replies with
 * `thread_ts`, and `chat.update`s of the root.
 */
export class SlackOutboxClient implements SlackApi {
  readonly kind = 'slack-outbox';

  constructor(private readonly outbox: CallRecorder) {}

  get outboxPath(): string {
    return this.outbox.path;
  }

  async postMessage(request: SlackPostRequest): Promise<{ channel: string; ts: string }> {
    await this.outbox.write('chat.postMessage', request);
    return { channel: request.channel, ts: outboxTs() };
  }

  async update(request: SlackUpdateRequest): Promise<void> {
    await this.outbox.write('chat.update', request);
  }
}

/** A Slack-shaped ts (`seconds.micros`), unique enough across replicas writing the same outbox. */
function outboxTs(): string {
  const now = Date.now();
  return `${Math.floor(now / 1000)}.${String((now % 1000) * 1000 + randomInt(1000)).padStart(6, '0')}`;
}
