import { Inject, Injectable } from '@nestjs/common';
import { PeriodicTask } from '@hub/service';
import { SENSOR_OPTIONS, type SensorOptions } from '../sensor.options.js';
import { SensorOutbox } from './sensor.outbox.js';

/**
 * Every `outboxRelayMs`, publishes outbox rows older than that interval: events of state changes
 * whose delivery was parked after its retries (the broker was down for long) would otherwise
 * never go out. Rows younger than the interval belong to handlers still at work.
 */
@Injectable()
export class OutboxRelay extends PeriodicTask {
  constructor(
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
  ) {
    super({ name: 'outbox relay', everyMs: options.outboxRelayMs, done: 'relayed events left in the outbox' });
  }

  protected pass(): Promise<number> {
    return this.outbox.relayStale(this.options.outboxRelayMs);
  }
}
