import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
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
export class SlotRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlotRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(SlotRepository) private readonly slots: SlotRepository,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(SchedulerMetrics) private readonly metrics: SchedulerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relayOnce().catch(() => undefined), this.config.SCHEDULER_RELAY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass: publishes what is pending and prunes; returns how many slots went out. */
  relayOnce(): Promise<number> {
    this.running ??= this.relay().finally(() => (this.running = undefined));
    return this.running;
  }

  private async relay(): Promise<number> {
    if (!this.publisher.ready) return 0;
    const published = await this.slots.relay(this.config.SCHEDULER_RELAY_MS, 100, async (event) => {
      await this.publisher.publish(event);
      this.metrics.fired.inc({ schedule: String(event.subject), mode: 'relayed' });
    });
    if (published > 0) this.logger.log({ msg: 'relayed unpublished schedule slots', count: published });
    await this.slots.prune(this.config.SCHEDULER_RETENTION_MS);
    return published;
  }
}
