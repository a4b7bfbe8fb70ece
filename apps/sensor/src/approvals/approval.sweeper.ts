import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Database } from '@hub/database';
import { type SensorTables } from '../incidents/sensor-database.js';
import { SensorOutbox } from '../outbox/sensor.outbox.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, type SensorOptions } from '../sensor.options.js';
import { ApprovalService } from './approval.service.js';

/**
 * Every `sweepMs`, times out approvals past `timeout_at` (their `onTimeout` decides: deny or
 * proceed), each in its own transaction through {@link ApprovalService.decide}, so a replica
 * sweeping at once, or a person clicking at the same moment, finds it decided and changes nothing.
 */
@Injectable()
export class ApprovalSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApprovalSweeper.name);
  private readonly approvals = new ApprovalService();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, this.options.sweepMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many approvals it timed out. */
  async sweep(now = this.options.clock?.() ?? new Date()): Promise<number> {
    const db = this.db.withTables<SensorTables>();
    let ran = 0;
    try {
      const due = await db
        .selectFrom('approvals')
        .select('id')
        .where('state', '=', 'waiting')
        .where('timeout_at', '<=', now)
        .orderBy('timeout_at')
        .limit(100)
        .execute();
      for (const { id } of due) {
        const events = await db.transaction().execute(async (trx) => {
          const decided = await this.approvals.decide(trx, id, 'timed-out', 'timeout', now);
          await this.outbox.stage(trx, `approval-timeout:${id}`, decided.events);
          return decided.events;
        });
        if (events.length > 0) ran += 1;
        await this.outbox.publish(events);
      }
    } catch (error) {
      this.logger.warn({ msg: 'approval sweep failed; will try again', error: (error as Error).message });
    }
    return ran;
  }
}
