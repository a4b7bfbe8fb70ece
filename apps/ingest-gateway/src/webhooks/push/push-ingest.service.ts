import { Inject, Injectable, Logger } from '@nestjs/common';
import { isHubError } from '@hub/contracts';
import { ValidationError } from '../../errors/gateway.errors.js';
import { IngestService } from '../../ingest/ingest.service.js';
import { PushMetrics } from './push-metrics.js';
import { type PushDelivery, type PushReply, type PushRequest, type PushSource } from './push-source.js';
import { REPLAY_STORE, type ReplayStore } from './replay.store.js';

/** The answer to a push: what was published, and what was a replay of a delivery already published. */
export interface PushResult {
  readonly accepted: number;
  readonly ids: readonly string[];
  /** Delivery ids answered from the replay store (published before, not again). */
  readonly replayed?: readonly string[];
  readonly ignored?: readonly string[];
}

/**
 * Runs a push source over one request: verify the signature (401 otherwise, nothing else looked
 * at) → answer a handshake → map to deliveries → drop those seen within the replay window → publish
 * the rest with broker confirms (`IngestService`: type policy, chunks, 503 when the broker cannot
 * take them) → remember their delivery ids. A request whose deliveries were all published before is
 * answered 200 with the earlier event ids; one that published something 202.
 */
@Injectable()
export class PushIngestService {
  private readonly logger = new Logger(PushIngestService.name);
  private readonly metrics = new PushMetrics();

  constructor(
    private readonly ingest: IngestService,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
  ) {}

  async receive(source: PushSource, request: PushRequest): Promise<PushReply> {
    try {
      await source.verify(request);
    } catch (error) {
      this.metrics.count(source.name, 'rejected');
      throw error;
    }
    const handshake = await source.handshake?.(request);
    if (handshake) {
      this.metrics.count(source.name, 'handshake');
      return handshake;
    }
    const deliveries = mapped(source, request);
    const keyed = deliveries.flatMap((d) => (d.deliveryId === undefined ? [] : [d.deliveryId]));
    const seen = await this.replays.seen(source.name, keyed);
    const fresh = deliveries.filter((d) => d.deliveryId === undefined || !seen.has(d.deliveryId));
    const events = fresh.flatMap((d) => d.events);
    const published = events.length > 0 ? await this.ingest.ingest(events) : { accepted: 0, ids: [] };
    await this.replays.record(source.name, fresh.flatMap(recorded));
    const replayed = deliveries.flatMap((d) => (d.deliveryId !== undefined && seen.has(d.deliveryId) ? [d] : []));
    if (replayed.length > 0) {
      this.logger.log({ msg: 'replayed deliveries not published again', source: source.name, count: replayed.length });
    }
    const ignored = fresh.flatMap((d) => (d.ignored === undefined ? [] : [d.ignored]));
    this.metrics.count(source.name, 'published', fresh.length - ignored.length);
    this.metrics.count(source.name, 'ignored', ignored.length);
    this.metrics.count(source.name, 'replayed', replayed.length);
    const result: PushResult = {
      accepted: published.accepted,
      ids: [...published.ids, ...replayed.flatMap((d) => seen.get(d.deliveryId ?? '') ?? [])],
      ...(replayed.length > 0 ? { replayed: replayed.map((d) => d.deliveryId ?? '') } : {}),
      ...(ignored.length > 0 ? { ignored } : {}),
    };
    return { status: fresh.length === 0 && replayed.length > 0 ? 200 : 202, body: result };
  }
}

/** The source's deliveries; a body that breaks the mapping (a field the vendor's event type must have is missing) is a 422. */
function mapped(source: PushSource, request: PushRequest): readonly PushDelivery[] {
  try {
    return source.map(request);
  } catch (error) {
    if (isHubError(error)) throw error;
    const problem = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`The ${source.name} body does not have the shape of the event it says it is`, [
      { path: '(body)', problem },
    ]);
  }
}

function recorded(delivery: PushDelivery): { deliveryId: string; eventIds: string[] }[] {
  return delivery.deliveryId === undefined
    ? []
    : [{ deliveryId: delivery.deliveryId, eventIds: delivery.events.map((e) => e.id) }];
}
