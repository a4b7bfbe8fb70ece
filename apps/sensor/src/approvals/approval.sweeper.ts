import { Inject, Injectable } from '@nestjs/common';
import { type Database } from '@hub/database';
import { PeriodicTask } from '@hub/service';
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
export class ApprovalSweeper extends PeriodicTask {
  private readonly approvals = new ApprovalService();

  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
  ) {
    super({ name: 'approval sweep', everyMs: options.sweepMs, done: 'timed out approvals' });
  }

  protected pass(): Promise<number> {
    return this.sweep();
  }

  /** One pass at `now`; returns how many approvals it timed out. */
  async sweep(now = this.options.clock?.() ?? new Date()): Promise<number> {
    const db = this.db.withTables<SensorTables>();
    let ran = 0;
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
    return ran;
  }
}
