import { type HubEvent } from './envelope.js';

/** What identifies an event (CloudEvents: `source` + `id`); any envelope, or just the pair. */
export type EventRef = Pick<HubEvent, 'source' | 'id'>;

/**
 * The key every dedup, idempotency marker and outbox link of the hub uses for an event: its
 * `source` and `id` together, as one stable string. CloudEvents only makes `id` unique within a
 * source, so two senders that number events alike (two Alertmanagers, `/backstage` and `/github`)
 * must not be taken for one. JSON of the pair, so no `source` or `id` can forge another's key.
 */
export function eventIdentity(event: EventRef): string {
  return JSON.stringify([event.source, event.id]);
}
