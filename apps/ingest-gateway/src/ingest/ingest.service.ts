import { Injectable, Logger } from '@nestjs/common';
import { type HubEvent } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { EventTypePolicy } from '../auth/event-type.policy.js';
import { IngestMetrics } from '../metrics/ingest-metrics.js';

/**
 * Publishes of one request that await a confirm at once. Well below the publisher's window of
 * pending confirms (`maxUnconfirmed`, 1,000), which all requests share: a large Alertmanager
 * group goes out chunk by chunk instead of overflowing it, and leaves room for other requests.
 */
export const PUBLISH_CHUNK_SIZE = 100;

/** What the gateway answers once the broker confirmed every event of a request (202). */
export interface IngestResult {
  readonly accepted: number;
  readonly ids: readonly string[];
}

/**
 * Checks that the source of each event may send its type (403 otherwise, nothing published),
 * then publishes the events of one request, at most {@link PUBLISH_CHUNK_SIZE} awaiting a confirm
 * at a time, and resolves only when the broker confirmed all of them. If a publish fails, the
 * events after its chunk are not published and the request fails with that error (the filter
 * answers 503 + Retry-After for retryable ones): nothing is reported accepted without a confirm.
 * Events that were confirmed stay on the bus; the client's retry publishes them again, which
 * consumers absorb because they are idempotent on the event id (webhook mappers derive it from
 * the content).
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly metrics = new IngestMetrics();

  constructor(
    private readonly publisher: HubPublisher,
    private readonly types: EventTypePolicy,
  ) {}

  async ingest(events: readonly HubEvent[]): Promise<IngestResult> {
    this.types.authorize(events);
    for (let start = 0; start < events.length; start += PUBLISH_CHUNK_SIZE) {
      const chunk = events.slice(start, start + PUBLISH_CHUNK_SIZE);
      const outcomes = await Promise.allSettled(chunk.map((event) => this.publisher.publish(event)));
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
      if (failures.length > 0) {
        const confirmed = start + chunk.length - failures.length;
        this.logger.warn(
          `${failures.length} events not confirmed by the broker; ${confirmed} of ${events.length} confirmed, ` +
            `${events.length - start - chunk.length} not published`,
        );
        throw failures[0]?.reason;
      }
    }
    this.metrics.accepted(events);
    const ids = events.map((event) => event.id);
    this.logger.log({ msg: 'events accepted', count: ids.length, ids, types: [...new Set(events.map((e) => e.type))] });
    return { accepted: ids.length, ids };
  }
}
