import { type WebClient } from '@slack/web-api';

/** Messages of a channel searched for a lost post: retries come within minutes, so the newest suffice. */
const LOOK_BACK = 200;
/** Uncertain keys remembered at most (the oldest are forgotten first). */
const MAX_UNCERTAIN = 10_000;

/** The `event_type` of the metadata every hub post carries; its payload holds the post key. */
export const POST_METADATA_TYPE = 'hub_post';

/**
 * Finds a post the hub may have made already: after `chat.postMessage` was sent but its answer was
 * lost (a timeout, a dropped connection, a 5xx), Slack may or may not have posted. Every hub post
 * carries its key in message metadata; this lists the channel's newest {@link LOOK_BACK} messages
 * (or the thread) and looks for it, so the caller returns the existing message instead of posting
 * it twice.
 */
export class SlackPostReconciler {
  /** Keys whose post may have happened (in this process: a redelivery here looks first). */
  private readonly uncertain = new Set<string>();

  constructor(private readonly client: WebClient) {}

  /** Remembers that `key`'s post was sent without an answer. */
  markUncertain(key: string): void {
    this.uncertain.add(key);
    for (const old of this.uncertain) {
      if (this.uncertain.size <= MAX_UNCERTAIN) break;
      this.uncertain.delete(old);
    }
  }

  isUncertain(key: string): boolean {
    return this.uncertain.has(key);
  }

  /** The message of an earlier try of `key`, if Slack has it; undefined when it was never posted. */
  async find(key: string, channel: string, threadTs?: string): Promise<{ channel: string; ts: string } | undefined> {
    const listed = threadTs
      ? await this.client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: LOOK_BACK })
      : await this.client.conversations.history({ channel, include_all_metadata: true, limit: LOOK_BACK });
    const found = listed.messages?.find(
      (m) =>
        m.metadata?.event_type === POST_METADATA_TYPE &&
        (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
    );
    const answeredChannel = (listed as { channel?: string }).channel ?? channel;
    if (found?.ts) {
      this.uncertain.delete(key);
      return { channel: answeredChannel, ts: found.ts };
    }
    return undefined;
  }

  /** The post of `key` is known now (posted, or found): no more look-ups. */
  settle(key: string): void {
    this.uncertain.delete(key);
  }
}
