import { sql } from 'kysely';
import { type IncidentRepository } from '../incidents/incident.repository.js';
import { type SensorTransaction } from '../incidents/sensor-database.js';
import { type SilenceStore } from '../stores/sensor-stores.js';
import { Silence, type SilenceTarget } from './silence.js';

/**
 * Asks the silences in force whether an event may start anything. A silenced event is still in the
 * event log (the engine records every event) and is counted on the silence (`suppressed`,
 * `last_suppressed_at`) and in `hub_sensor_matches_total{outcome="silenced"}`; it opens, remediates
 * and pages nothing. Nothing is kept for later: when the silence ends, the next event is handled as
 * if the silence had never been (expiry re-arms, it does not replay).
 */
export class SilenceGate implements SilenceStore {
  constructor(
    private readonly trx: SensorTransaction,
    /** Under the key's lock the silences come with the key's incident, in one statement. */
    private readonly incidents?: IncidentRepository,
  ) {}

  /** Whether a silence covers `target` at `now`; the first that does counts the suppression. */
  async silencing(target: SilenceTarget, now: Date): Promise<boolean> {
    const rows = (await this.incidents?.silencesFor(target.key, now)) ?? (await this.inForce(now));
    const silence = rows.map((row) => new Silence(row)).find((s) => s.activeAt(now) && s.covers(target));
    if (!silence) return false;
    await this.trx
      .updateTable('silences')
      .set({ suppressed: sql`suppressed + 1`, last_suppressed_at: now })
      .where('id', '=', silence.id)
      .execute();
    return true;
  }

  private inForce(now: Date) {
    return this.trx
      .selectFrom('silences as s')
      .leftJoin('incidents as i', 'i.id', 's.incident_id')
      .selectAll('s')
      .where('s.expired_at', 'is', null)
      .where('s.starts_at', '<=', now)
      .where((eb) => eb.or([eb('s.ends_at', 'is', null), eb('s.ends_at', '>', now)]))
      .where((eb) => eb.or([eb('s.until_resolved', '=', false), eb('i.resolved_at', 'is', null)]))
      .orderBy('s.created_at')
      .execute();
  }
}

/**
 * SQL for the sweeper: the open incident `i` is neither silenced by its key (a Slack "silence")
 * nor waiting for an approval, so its timeouts and escalation steps may page.
 */
export function notHeld(now: Date) {
  return sql<boolean>`NOT EXISTS (
      SELECT 1 FROM silences s WHERE s.incident_key = i.key AND s.expired_at IS NULL AND s.recurrence IS NULL
        AND s.starts_at <= ${now} AND (s.ends_at IS NULL OR s.ends_at > ${now}))
    AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.incident_id = i.id AND a.state = 'waiting')`;
}
