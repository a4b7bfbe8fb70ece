import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SENSOR_OPTIONS, type SensorOptions } from '../sensor.options.js';
import { SensorOutbox } from './sensor.outbox.js';

/**
 * Every `outboxRelayMs`, publishes outbox rows older than that interval: events of state changes
 * whose delivery was parked after its retries (the broker was down for long) would otherwise
 * never go out. Rows younger than the interval belong to handlers still at work.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.relay().finally(() => (this.running = undefined));
    }, this.options.outboxRelayMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async relay(): Promise<void> {
    try {
      const count = await this.outbox.relayStale(this.options.outboxRelayMs);
      if (count > 0) this.logger.warn({ msg: 'relayed events left in the outbox', count });
    } catch (error) {
      this.logger.warn({ msg: 'outbox relay failed; will try again', error: (error as Error).message });
    }
  }
}
