import { Injectable, Logger } from '@nestjs/common';
import { type HubEvent } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { EventTypePolicy } from '../auth/event-type.policy.js';
import { IngestMetrics } from '../metrics/ingest-metrics.js';

/** What the gateway answers once the broker confirmed every event of a request (202). */
export interface IngestResult {
  readonly accepted: number;
  readonly ids: readonly string[];
}

/**
 * Publishes the events of one request (after checking that their source may send their types) and resolves only when the broker confirmed all of them.
 * If any publish fails, the request fails with that error (the filter answers 503 + Retry-After
 * for retryable ones): nothing is reported accepted without a confirm. Events of the same request
 * that were confirmed stay on the bus; the client's retry may publish them again, which consumers
 * absorb because they are idempotent on the event id.
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
    const outcomes = await Promise.allSettled(events.map((event) => this.publisher.publish(event)));
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    if (failures.length > 0) {
      this.logger.warn(`${failures.length} of ${events.length} events not confirmed by the broker`);
      throw failures[0]?.reason;
    }
    this.metrics.accepted(events);
    const ids = events.map((event) => event.id);
    this.logger.log({ msg: 'events accepted', count: ids.length, ids, types: [...new Set(events.map((e) => e.type))] });
    return { accepted: ids.length, ids };
  }
}
