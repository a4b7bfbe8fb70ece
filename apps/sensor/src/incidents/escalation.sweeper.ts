import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { sql } from 'kysely';
import { type Database, pruneEventLog } from '@hub/database';
import { SensorOutbox } from '../outbox/sensor.outbox.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, type SensorOptions } from '../sensor.options.js';
import { IncidentService } from './incident.service.js';
import { NoiseRepository } from './noise.repository.js';
import { type SensorTables } from './sensor-database.js';

/**
 * The sensor's clock: every `sweepMs`, runs the escalation steps that came due (an incident still
 * open T after it escalated — no event arrives to say so), deletes expired dedup/once marks and
 * events older than the event log's retention.
 * Each step runs in its own transaction under the incident key's lock and re-checks that it is
 * still due, so replicas sweeping at once run it once; its events go through the outbox like any.
 */
@Injectable()
export class EscalationSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EscalationSweeper.name);
  private readonly noise = new NoiseRepository();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(IncidentService) private readonly incidents: IncidentService,
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

  /** One pass; returns how many escalation steps ran. */
  async sweep(now = new Date()): Promise<number> {
    const db = this.db.withTables<SensorTables>();
    let ran = 0;
    try {
      const { rows } = await sql<{ id: string; key: string; next: number }>`
        SELECT id, key, (context->'chain'->>'next')::int AS next FROM incidents
        WHERE resolved_at IS NULL AND (context->'chain'->>'dueAt')::timestamptz <= ${now}
        ORDER BY (context->'chain'->>'dueAt')::timestamptz LIMIT 100`.execute(db);
      for (const due of rows) {
        const source = `escalation:${due.id}:${due.next}`;
        const events = await db.transaction().execute(async (trx) => {
          const staged = await this.incidents.onEscalationDue(trx, due.key, due.id, now);
          await this.outbox.stage(trx, source, staged);
          return staged;
        });
        if (events.length > 0) ran += 1;
        await this.outbox.publish(events);
      }
      await this.noise.sweepMarks(db, now);
      await pruneEventLog(db, new Date(now.getTime() - this.options.eventLogRetentionMs));
    } catch (error) {
      this.logger.warn({ msg: 'sweep failed; will try again', error: (error as Error).message });
    }
    return ran;
  }
}
