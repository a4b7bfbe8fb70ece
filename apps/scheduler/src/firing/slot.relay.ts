import { Inject, Injectable } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { PublishRelay } from '@hub/service';
import { SCHEDULER_CONFIG, type SchedulerConfig } from '../scheduler.config.js';
import { SchedulerMetrics } from './scheduler.metrics.js';
import { SlotRepository } from './slot.repository.js';

/**
 * Publishes slots that were claimed but never confirmed by the broker — the claiming replica
 * crashed between its commit and its publish, or lost the broker — once they are older than
 * SCHEDULER_RELAY_MS; and prunes old fired slots. The event id derives from schedule and slot, so
 * a slot relayed while its late confirm was in flight is still one event to consumers.
 */
@Injectable()
export class SlotRelay extends PublishRelay {
  constructor(
    @Inject(SlotRepository) private readonly slots: SlotRepository,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(SchedulerMetrics) private readonly metrics: SchedulerMetrics,
  ) {
    super(publisher, {
      name: 'slot relay',
      everyMs: config.SCHEDULER_RELAY_MS,
      done: 'relayed unpublished schedule slots',
    });
  }

  /** Publishes what is pending and prunes; returns how many slots went out. */
  protected async pass(): Promise<number> {
    const published = await this.slots.relay(this.config.SCHEDULER_RELAY_MS, 100, async (event) => {
      await this.publisher.publish(event);
      this.metrics.fired.inc({ schedule: String(event.subject), mode: 'relayed' });
    });
    await this.slots.prune(this.config.SCHEDULER_RETENTION_MS);
    return published;
  }
}
