import { type Team } from '@hub/config';
import { type NotificationRequested } from '@hub/contracts';

// The two shapes every part of the notifier shares: a leaf module (no channel, router or store imported).

/**
 * One `notification.requested` as the channels see it: the event's data plus the event id (the
 * idempotency key of every delivery), the event time, and the trace id of the handler's span.
 */
export interface Notification extends NotificationRequested {
  readonly eventId: string;
  readonly time: string;
  readonly traceId?: string;
  /** Which delivery of the event this is (1 = the first); a thread reply is held only while it is early. */
  readonly attempt?: number;
  /**
   * True while a newer update of this incident, for the same destinations, waits in this process
   * behind this delivery (`isNewerUpdateOf`), as of the call: an edit of the incident's roots may
   * be left to it. Absent: nothing is known to wait.
   */
  readonly newerWaiting?: () => boolean;
  /** Grafana Explore link to the trace, when `GRAFANA_URL` is set. */
  readonly traceUrl?: string;
}

/**
 * Where one notification goes, resolved from its `team` or `route`: the Slack channel, the Teams
 * webhook (by the name of its variable: `TEAMS_WEBHOOK_URL` or a team's `msteams.webhookUrlEnv`),
 * and whom to mention on escalation.
 */
export interface Destination {
  /** The route name, or `team:<name>` when the notification's team chose the channels. */
  readonly name: string;
  /** The team whose channels these are (teams.yaml). */
  readonly team?: string;
  readonly slack?: { readonly channel: string };
  /** The variable naming the Teams webhook; absent = not on Teams. */
  readonly teams?: string;
  /**
   * The paging channels of this destination (teams.yaml `paging`, or the route's `paging`); absent =
   * each paging channel's default (PagerDuty pages a team when its routing key is set).
   */
  readonly paging?: readonly string[];
  /** The team's on-call mentions (teams.yaml `oncall`). */
  readonly oncall?: Team['oncall'];
  /** The team or route the notification named that does not exist (a fallback was used). */
  readonly unknown?: string;
}
