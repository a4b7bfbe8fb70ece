import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { type Database, pruneEventLog } from '@hub/database';
import { PeriodicTask } from '@hub/service';
import { SensorOutbox } from '../outbox/sensor.outbox.js';
import { escalationTimeouts, planIncident } from '../matching/incident-plan.js';
import { SensorPlanError } from '../matching/matching.errors.js';
import { type SensorRegistry } from '../kinds/sensor.registry.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, SENSOR_REGISTRY, type SensorOptions } from '../sensor.options.js';
import { notHeld } from '../silences/silence.gate.js';
import { pgStores } from '../stores/pg-sensor-stores.js';
import { sweepCorrelations } from './correlation.repository.js';
import { IncidentService } from './incident.service.js';
import { sweepMarks } from './noise.repository.js';
import { type SensorTables } from './sensor-database.js';

/** How long a partial match outlives its window: a late (retried) delivery of the completing event still finds it. */
const CORRELATION_GRACE_MS = 60 * 60_000;

/**
 * The sensor's clock: every `sweepMs`, escalates incidents still open `verifyAfter` after a
 * successful fix or with no result `actionTimeout` after a remediation started, runs the escalation
 * steps that came due (an incident still open T after it escalated) — no event arrives to say so
 * (Alertmanager's repeats carry the first notification's id and are dropped as handled) —, deletes expired dedup/once marks,
 * abandoned partial matches of correlation conditions and events older than the event log's retention.
 * Each step runs in its own transaction under the incident key's lock and re-checks that it is
 * still due, so replicas sweeping at once run it once; its events go through the outbox like any.
 */
@Injectable()
export class EscalationSweeper extends PeriodicTask {
  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
    @Inject(SENSOR_REGISTRY) private readonly registry: SensorRegistry,
  ) {
    super({ name: 'escalation sweep', everyMs: options.sweepMs });
  }

  protected pass(): Promise<number> {
    return this.sweep();
  }

  /**
   * Absence rules whose deadline came due: each claimed by one transaction (SKIP LOCKED, deleted
   * in it), its incident opened from the stored first event exactly as a live trigger would.
   */
  private async fireDeadlines(db: ReturnType<Database['withTables']>, now: Date): Promise<number> {
    let fired = 0;
    for (let i = 0; i < 100; i++) {
      const events = await db
        .withTables<SensorTables>()
        .transaction()
        .execute(async (trx) => {
          const due = await trx
            .selectFrom('sensor_deadlines')
            .selectAll()
            .where('due_at', '<=', now)
            .orderBy('due_at')
            .limit(1)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst();
          if (!due) return undefined;
          await trx
            .deleteFrom('sensor_deadlines')
            .where('sensor', '=', due.sensor)
            .where('key', '=', due.key)
            .execute();
          const sensor = this.registry.get(due.sensor);
          const absent = sensor?.spec.condition?.absent;
          const dependency = sensor?.spec.dependencies.find((d) => d.name === absent?.after);
          if (!sensor || !dependency || !sensor.spec.incident) {
            this.logger.warn({
              msg: 'deadline of a sensor no longer loaded dropped',
              sensor: due.sensor,
              key: due.key,
            });
            return [];
          }
          try {
            const plan = planIncident(sensor, dependency, due.event, this.registry.options);
            const step = await this.incidents.onTriggered(pgStores(trx), plan, due.event);
            await this.outbox.stage(trx, `deadline:${due.sensor}:${due.key}:${due.due_at.toISOString()}`, step.events);
            return step.events;
          } catch (error) {
            if (!(error instanceof SensorPlanError)) throw error;
            this.logger.error({ msg: error.message, sensor: due.sensor, problems: error.problems });
            return [];
          }
        });
      if (events === undefined) break;
      if (events.length > 0) fired += 1;
      await this.outbox.publish(events);
    }
    return fired;
  }

  /**
   * Remediated or remediating incidents past their sensor's `verifyAfter` / `actionTimeout`, each
   * escalated in its own transaction by {@link IncidentService.onOverdue}, which re-checks under the
   * key's lock. Incidents of a sensor no longer loaded are left as they are.
   */
  private async escalateOverdue(db: ReturnType<Database['withTables']>, now: Date): Promise<number> {
    const sensors = this.registry.sensors.flatMap((sensor) =>
      sensor.spec.incident ? [{ name: sensor.metadata.name, ...escalationTimeouts(sensor.spec.incident) }] : [],
    );
    if (sensors.length === 0) return 0;
    const { rows } = await sql<{ id: string; key: string; sensor: string }>`
      SELECT i.id, i.key, i.sensor FROM incidents i
      JOIN unnest(${sensors.map((s) => s.name)}::text[], ${sensors.map((s) => s.verifyAfterMs)}::bigint[],
                  ${sensors.map((s) => s.actionTimeoutMs)}::bigint[]) AS s(name, verify_ms, timeout_ms)
        ON s.name = i.sensor
      WHERE i.resolved_at IS NULL AND ${notHeld(now)} AND (
        (i.status = 'remediated' AND i.remediated_at <= ${now}::timestamptz - s.verify_ms * interval '1 millisecond')
        OR (i.status = 'remediating' AND i.updated_at <= ${now}::timestamptz - s.timeout_ms * interval '1 millisecond'))
      ORDER BY i.updated_at LIMIT 100`.execute(db);
    const timeouts = new Map(sensors.map((s) => [s.name, s]));
    let ran = 0;
    for (const due of rows) {
      const sensor = timeouts.get(due.sensor);
      if (!sensor) continue;
      const events = await db.transaction().execute(async (trx) => {
        const staged = await this.incidents.onOverdue(pgStores(trx), {
          key: due.key,
          id: due.id,
          timeouts: sensor,
          now,
        });
        await this.outbox.stage(trx, `overdue:${due.id}`, staged);
        return staged;
      });
      if (events.length > 0) ran += 1;
      await this.outbox.publish(events);
    }
    return ran;
  }

  /** One pass at `now`; returns how many overdue escalations, escalation steps and absence deadlines ran. */
  async sweep(now = new Date()): Promise<number> {
    const db = this.db.withTables<SensorTables>();
    let ran = 0;
    ran += await this.escalateOverdue(db, now);
    const { rows } = await sql<{ id: string; key: string; next: number }>`
      SELECT id, key, (context->'chain'->>'next')::int AS next FROM incidents i
      WHERE resolved_at IS NULL AND ${notHeld(now)} AND (context->'chain'->>'dueAt')::timestamptz <= ${now}
      ORDER BY (context->'chain'->>'dueAt')::timestamptz LIMIT 100`.execute(db);
    for (const due of rows) {
      const source = `escalation:${due.id}:${due.next}`;
      const events = await db.transaction().execute(async (trx) => {
        const staged = await this.incidents.onEscalationDue(pgStores(trx), { key: due.key, id: due.id, now });
        await this.outbox.stage(trx, source, staged);
        return staged;
      });
      if (events.length > 0) ran += 1;
      await this.outbox.publish(events);
    }
    ran += await this.fireDeadlines(db, now);
    await sweepMarks(db, now);
    await sweepCorrelations(db, new Date(now.getTime() - CORRELATION_GRACE_MS));
    await pruneEventLog(db, new Date(now.getTime() - this.options.eventLogRetentionMs));
    return ran;
  }
}
