import { type RawBuilder } from 'kysely';
import { type Database } from '@hub/database';
import { type ReceiptFacts, type ReceiptRow, type ReceiptStore } from '../../receipts/receipt.store.js';
import {
  type SlackContent,
  slackDigestMessage,
  slackPlainMessage,
  slackReplyMessage,
  slackRootMessage,
} from './slack.blocks.js';
import { type Templates } from '../../templates/templates.js';
import {
  type IncidentThreads,
  type IncidentView,
  type ThreadRow,
  type ThreadStore,
} from '../../threads/thread.store.js';
import { ChannelHeldError, ChannelRejectedError, ChannelUnavailableError } from '../channel.errors.js';
import { type Channel, type DeliveryOutcome } from '../channel.js';
import { claimEvents, releaseClaims, youngestClaim } from '../event-claims.js';
import { type Destination, type Notification } from '../../notification.js';

/** `chat.postMessage` arguments the notifier sends (a root, or a reply when `thread_ts` is set). */
export interface SlackPostRequest extends SlackContent {
  channel: string;
  thread_ts?: string;
  /** Also shows a thread reply in the channel (escalations, so on-call sees it without opening the thread). */
  reply_broadcast?: boolean;
  /** Lets `@handle` mentions in the text notify (`<!subteam^…>` works without it). */
  link_names?: boolean;
  unfurl_links: false;
  unfurl_media: false;
  /**
   * What this post is (`<event id>:root:<channel>`): the same key on a retry lets the client find a
   * post whose answer was lost instead of posting it twice. Not sent as an argument.
   */
  postKey?: string;
  /** An earlier try of this post may have reached Slack: look for it by `postKey` before posting. */
  reconcile?: boolean;
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
  /** The outbox file, when requests go there. */
  readonly outboxPath?: string;
  postMessage(request: SlackPostRequest): Promise<{ channel: string; ts: string }>;
  update(request: SlackUpdateRequest): Promise<void>;
}

/**
 * How long a thread reply waits for its predecessor's: while the event is younger than `holdMs` and
 * this is at most delivery `holdAttempts` (so the retry tiers keep one for real failures).
 */
/** Default of {@link ReplyOrder.claimLeaseMs}. */
const DEFAULT_CLAIM_LEASE_MS = 30_000;

export interface ReplyOrder {
  readonly holdMs: number;
  readonly holdAttempts: number;
  /** The retry delay asked for while held (the first retry tier at least this long). */
  readonly retryAfterMs: number;
  /**
   * How long an unfinished claim of a message may still be an earlier try in flight (default 30 s:
   * beyond Slack's timeout); after it, the post looks for that try's message before posting.
   */
  readonly claimLeaseMs?: number;
}

/**
 * Incidents: one Slack thread per incident and channel. Under the incident's lock: the first update
 * seen posts the root; every update posts a reply in the thread (once per event id); and every root
 * of the incident is edited to this update's state when its sequence is newer than what the root
 * shows — a late, older update is still a reply but never rolls a root back — unless a newer update
 * of the incident already waits behind this one in this process, which edits them next (the roots
 * are left stale for it, `Notification.newerWaiting`). An update with
 * `mention` names the team's on-call in its reply, and escalations are broadcast to the channel.
 *
 * Replies follow `sequence`: a reply whose predecessor has no reply in any of the incident's threads
 * yet (`reply_sequence`, under the lock, so across replicas and restarts) is held — the root is still
 * posted and edited at once, then the delivery goes to a retry tier and tries again — for a bounded
 * time ({@link ReplyOrder}); after that it is posted anyway (a predecessor that never comes, or one
 * routed elsewhere). A late, older update is replied at once. Replies arriving 1, 3, 2, 4 read 1, 2, 3, 4.
 *
 * Messages (`kind: message`): one plain post per event, no thread, no state.
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
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly templates: Templates,
    private readonly order: ReplyOrder,
    /** Decision buttons on the root (`SLACK_INTERACTIVE`). */
    private readonly interactive = false,
  ) {}

  get mode(): 'live' | 'outbox' {
    return this.api.kind === 'slack' ? 'live' : 'outbox';
  }

  accepts(destination: Destination): boolean {
    return destination.slack !== undefined;
  }

  targetOf(destination: Destination): string | undefined {
    return destination.slack?.channel;
  }

  deliver(n: Notification, destination: Destination): Promise<DeliveryOutcome> {
    const target = destination.slack?.channel;
    if (!target) return Promise.reject(new ChannelRejectedError('slack', 'the destination has no Slack channel'));
    return n.kind === 'message' ? this.deliverDigest([n], destination) : this.deliverIncident(n, destination, target);
  }

  /**
   * One post for every message not sent before (one message, or the digest of a burst), with no
   * transaction open while Slack is called: a short transaction claims the messages (a marker of
   * `claim:<step>`), the post runs on no connection, and a second short transaction records the
   * receipts and marks them sent. A claim without the sent marker is an earlier try that may have
   * posted (it crashed or lost Slack's answer): while it is younger than `claimLeaseMs` it may still
   * be in flight, so this delivery retries later; older, the post looks for it by its key first.
   */
  async deliverDigest(items: readonly Notification[], destination: Destination): Promise<DeliveryOutcome> {
    const target = destination.slack?.channel;
    if (!target) throw new ChannelRejectedError('slack', 'the destination has no Slack channel');
    const step = `notifier:slack-message:${this.api.kind}:${target}`;
    const { unsent, earlier } = await claimEvents(
      this.db,
      step,
      items.map((n) => n.eventId),
    );
    const open = new Set(unsent);
    const pending = items.filter((n) => open.has(n.eventId));
    const first = pending[0];
    if (!first) return 'duplicate';
    const claimLeaseMs = this.order.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
    // Only the claims of an earlier try count here (one racing this claim posts, and its key finds it).
    const youngest = youngestClaim(earlier);
    if (youngest > 0 && Date.now() - youngest < claimLeaseMs) {
      throw new ChannelHeldError('slack', `an earlier try of ${first.eventId} may still be posting`, claimLeaseMs);
    }
    const look = this.templates.lookOf(first);
    const content = pending.length === 1 ? slackPlainMessage(first, look) : slackDigestMessage(pending, look);
    const postKey = `${unsent.join(',')}:message:${target}`;
    let posted;
    try {
      posted = await this.api.postMessage({
        channel: target,
        ...content,
        ...noUnfurl,
        postKey,
        ...(youngest > 0 ? { reconcile: true } : {}),
      });
    } catch (error) {
      // Known not to have posted (refused, rate-limited): free the claim so the retry posts at once.
      if (!(error instanceof ChannelUnavailableError)) await releaseClaims(this.db, step, unsent);
      throw error;
    }
    const operation = pending.length === 1 ? 'message' : 'digest';
    const detail = pending.length === 1 ? {} : { digestOf: unsent };
    const rows = pending.map((n) => this.receipts.rowOf(n, destination, this.facts(operation, target, posted, detail)));
    await this.receipts.record(this.db, rows, { mark: { step, eventIds: unsent } });
    return 'delivered';
  }

  private deliverIncident(n: Notification, destination: Destination, target: string): Promise<DeliveryOutcome> {
    const key = `${this.api.kind}:${target}`;
    const replyStep = `notifier:slack-reply:${key}`;
    const replyTry = `notifier:slack-reply-try:${key}`;
    // A thread belongs to one incident, not to its key: the same alert firing again after it was
    // resolved opens a new incident (sequence from 1), which gets a new root.
    return this.threads.withIncident(`${n.incidentKey}/${n.incidentId}`, async (incident) => {
      // The tries are marked (committed at once) before the posts: a try that dies between a post and
      // its record leaves the mark, and the next one looks for that message by its key first.
      const view = await incident.open({
        channel: key,
        eventId: n.eventId,
        incidentId: n.incidentId,
        rootTry: `notifier:slack-root-try:${key}`,
        replyDone: replyStep,
        replyTry,
      });
      const done = new IncidentCalls(view.threads);
      try {
        await this.callsOf(n, destination, target, key, view, done);
      } finally {
        // Every call made is recorded in one statement after the last one, or as soon as one fails;
        // the same statement frees the incident's lock.
        const writes = done.writes(incident, n, key, replyStep);
        if (!done.replyTried && view.replyFirstTry) writes.push(incident.unmark(replyTry, n.eventId));
        if (done.receipts.length > 0 || writes.length > 0) {
          await incident.finish((release) =>
            this.receipts.record(incident.conn, done.receipts, { along: writes, release }),
          );
        }
      }
      if (done.held) {
        throw new ChannelHeldError(
          'slack',
          `slack reply ${n.sequence} of ${n.incidentKey} waits for the reply of ${n.sequence - 1}`,
          this.order.retryAfterMs,
        );
      }
      return done.receipts.length > 0 ? 'delivered' : 'duplicate';
    });
  }

  /** The root (if the channel has none), the reply (unless recorded or held) and the edits of stale roots. */
  private async callsOf(
    n: Notification,
    destination: Destination,
    target: string,
    key: string,
    view: IncidentView,
    done: IncidentCalls,
  ): Promise<void> {
    const look = this.templates.lookOf(n);
    const { threads } = done;
    let thread = threads.find((t) => t.channel === key);
    if (!thread) {
      const root = await this.api.postMessage({
        channel: target,
        ...slackRootMessage(n, look, { decisions: this.interactive }),
        ...noUnfurl,
        postKey: `${n.incidentKey}/${n.incidentId}:root:${key}`,
        reconcile: !view.rootFirstTry,
      });
      thread = {
        channel: key,
        conversation: root.channel,
        thread_ts: root.ts,
        last_sequence: n.sequence,
        reply_sequence: 0,
      };
      done.created = thread;
      threads.push(thread);
      done.receipts.push(this.receipts.rowOf(n, destination, this.facts('root', target, root)));
    }
    done.held = !view.replied && this.isEarly(n, threads);
    if (!view.replied && !done.held) {
      const mention = n.mention ? destination.oncall?.slack : undefined;
      const escalation = n.mention || n.state === 'escalated';
      done.replyTried = true;
      const reply = await this.api.postMessage({
        channel: thread.conversation,
        thread_ts: thread.thread_ts,
        ...slackReplyMessage(n, look, mention),
        ...(escalation ? { reply_broadcast: true } : {}),
        ...(mention?.startsWith('@') ? { link_names: true } : {}),
        ...noUnfurl,
        postKey: `${n.eventId}:reply:${key}`,
        reconcile: !view.replyFirstTry,
      });
      done.replied = true;
      const detail = { threadTs: thread.thread_ts, ...(mention ? { mention } : {}), broadcast: escalation };
      done.receipts.push(this.receipts.rowOf(n, destination, this.facts('reply', target, reply, detail)));
    }
    const staleRoots = threads.filter((t) => t !== done.created && this.isOwn(t) && n.sequence > t.last_sequence);
    // A newer update of the incident waiting behind this one (here, now) edits these roots again at
    // once: leave the edits to it. Not recorded, so `last_sequence` stays and they are still stale
    // for it. If it fails instead, the roots lag until a try of it succeeds; if it is parked, until
    // it is replayed or the incident's next update; if the service stops or dies first, it is
    // delivered again and edits then. docs/notifications.md, "Root edits left to a newer update".
    if (staleRoots.length === 0 || n.newerWaiting?.()) return;
    for (const stale of staleRoots) {
      await this.api.update({
        channel: stale.conversation,
        ts: stale.thread_ts,
        ...slackRootMessage(n, look, { decisions: this.interactive }),
      });
      done.edited.add(stale);
      const shown = { channel: stale.conversation, ts: stale.thread_ts };
      const staleTarget = stale.channel.slice(key.length - target.length);
      done.receipts.push(this.receipts.rowOf(n, destination, this.facts('update', staleTarget, shown)));
    }
  }

  private facts(
    operation: ReceiptFacts['operation'],
    target: string,
    posted: { channel: string; ts: string },
    detail: Record<string, unknown> = {},
  ): ReceiptFacts {
    return {
      channel: 'slack',
      mode: this.mode,
      operation,
      target,
      conversation: posted.channel,
      messageTs: posted.ts,
      detail: this.api.outboxPath ? { ...detail, outbox: this.api.outboxPath } : detail,
    };
  }

  /** The update's predecessor has no reply in the incident's threads yet, and it may still wait. */
  private isEarly(n: Notification, threads: readonly ThreadRow[]): boolean {
    if (n.sequence <= 1) return false;
    const own = threads.filter((t) => this.isOwn(t));
    if (own.some((t) => t.reply_sequence === null)) return false; // a thread made before replies were ordered
    const newest = Math.max(0, ...own.map((t) => t.reply_sequence ?? 0));
    if (newest >= n.sequence - 1) return false;
    return (n.attempt ?? 1) <= this.order.holdAttempts && Date.now() - Date.parse(n.time) < this.order.holdMs;
  }

  private isOwn(thread: ThreadRow): boolean {
    return thread.channel.startsWith(`${this.api.kind}:`);
  }
}

const noUnfurl = { unfurl_links: false, unfurl_media: false } as const;

/** What one delivery of an incident update did in Slack, to be recorded in one statement. */
class IncidentCalls {
  created?: ThreadRow;
  replied = false;
  replyTried = false;
  held = false;
  readonly edited = new Set<ThreadRow>();
  readonly receipts: ReceiptRow[] = [];

  constructor(readonly threads: ThreadRow[]) {}

  /** The thread writes: the new root (with its reply), and each stored root moved forward. */
  writes(incident: IncidentThreads, n: Notification, key: string, replyStep: string): RawBuilder<unknown>[] {
    const writes: RawBuilder<unknown>[] = [];
    if (this.created) {
      writes.push(incident.create({ ...this.created, reply_sequence: this.replied ? n.sequence : 0 }));
    }
    for (const t of this.threads) {
      if (t === this.created) continue;
      const moved = { edited: this.edited.has(t), replied: this.replied && t.channel === key };
      if (moved.edited || moved.replied) writes.push(incident.moveTo(t.channel, n.sequence, moved));
    }
    if (this.replied) writes.push(incident.markDone(replyStep, n.eventId));
    return writes;
  }
}
