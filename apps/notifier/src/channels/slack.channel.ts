import { type NotificationThread } from '@hub/database';
import { type Notification } from '../notifications/notification.js';
import { type SlackContent, slackReplyMessage, slackRootMessage } from '../render/slack.blocks.js';
import { type ResolvedRoute, type Route } from '../routing/routing.config.js';
import { type ThreadStore } from '../threads/thread.store.js';
import { ChannelRejectedError } from './channel.errors.js';
import { type Channel, type DeliveryOutcome } from './channel.js';

/** `chat.postMessage` arguments the notifier sends (a root, or a reply when `thread_ts` is set). */
export interface SlackPostRequest extends SlackContent {
  channel: string;
  thread_ts?: string;
  unfurl_links: false;
  unfurl_media: false;
}

/** `chat.update` arguments: `channel` is the id Slack answered the root's post with. */
export interface SlackUpdateRequest extends SlackContent {
  channel: string;
  ts: string;
}

/** The two Web API methods the Slack channel needs: the real client, or the outbox. */
export interface SlackApi {
  /** Namespaces stored threads, so threads of the outbox and of a real workspace never mix. */
  readonly kind: 'slack' | 'slack-outbox';
  postMessage(request: SlackPostRequest): Promise<{ channel: string; ts: string }>;
  update(request: SlackUpdateRequest): Promise<void>;
}

/**
 * One Slack thread per incident and channel. Under the incident's lock: the first update seen
 * posts the root; every update posts a reply in the thread (once per event id); and every root of
 * the incident is edited to this update's state when its sequence is newer than what the root
 * shows — a late, older update is still a reply but never rolls a root back.
 *
 * Redelivery sends nothing twice: the root is recorded right after its post, each reply is marked
 * done (step + event id) right after its post, and root edits are guarded by `last_sequence`. The
 * at-least-once edge: a crash between a successful Slack call and its record repeats that one call
 * when the event comes back (a duplicate reply, or a second root if it was the root's post).
 */
export class SlackChannel implements Channel {
  readonly name = 'slack';

  constructor(
    private readonly api: SlackApi,
    private readonly threads: ThreadStore,
  ) {}

  get mode(): 'live' | 'outbox' {
    return this.api.kind === 'slack' ? 'live' : 'outbox';
  }

  accepts(route: Route): boolean {
    return route.slack !== undefined;
  }

  deliver(n: Notification, { route }: ResolvedRoute): Promise<DeliveryOutcome> {
    const target = route.slack?.channel;
    if (!target) return Promise.reject(new ChannelRejectedError('slack', 'the route has no Slack channel'));
    const key = `${this.api.kind}:${target}`;
    // A thread belongs to one incident, not to its key: the same alert firing again after it was
    // resolved opens a new incident (sequence from 1), which gets a new root.
    return this.threads.withIncident(`${n.incidentKey}/${n.incidentId}`, async (incident) => {
      let sent = false;
      const threads = await incident.list();
      let thread = threads.find((t) => t.channel === key);
      if (!thread) {
        const root = await this.api.postMessage({ channel: target, ...slackRootMessage(n), ...noUnfurl });
        thread = await incident.create(key, root.channel, root.ts, n.sequence);
        threads.push(thread);
        sent = true;
      }
      const replyStep = `notifier:slack-reply:${key}`;
      if (!(await incident.isDone(replyStep, n.eventId))) {
        await this.api.postMessage({
          channel: thread.conversation,
          thread_ts: thread.thread_ts,
          ...slackReplyMessage(n),
          ...noUnfurl,
        });
        await incident.markDone(replyStep, n.eventId);
        sent = true;
      }
      for (const stale of threads.filter((t) => this.isOwn(t) && n.sequence > t.last_sequence)) {
        await this.api.update({ channel: stale.conversation, ts: stale.thread_ts, ...slackRootMessage(n) });
        await incident.advance(stale.channel, n.sequence);
        sent = true;
      }
      return sent ? 'delivered' : 'duplicate';
    });
  }

  private isOwn(thread: NotificationThread): boolean {
    return thread.channel.startsWith(`${this.api.kind}:`);
  }
}

const noUnfurl = { unfurl_links: false, unfurl_media: false } as const;
