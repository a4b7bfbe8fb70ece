import { sql } from 'kysely';
import { processedMarkers, type RetentionRule } from '@hub/database';
import { type SensorRegistry } from '../kinds/sensor.registry.js';
import { type SensorConfig } from '../sensor.config.js';

const DAY_MS = 86_400_000;

/**
 * What the sensor's retention sweeper deletes (docs/operations.md, Retention): its processed
 * markers, resolved incidents (their history goes with them), and aggregate-window rows older than
 * twice the longest window of the loaded sensors (at least a day). Expired dedup marks, correlation
 * matches and the event log are swept by the escalation sweeper already.
 */
export function sensorRetentionRules(
  config: SensorConfig,
  registry: SensorRegistry,
  consumer: string,
): RetentionRule[] {
  return [
    processedMarkers(consumer, config.HUB_PROCESSED_RETENTION),
    {
      table: 'incidents',
      rows: 'resolved incidents (and their history)',
      setting: 'SENSOR_INCIDENT_RETENTION',
      keepMs: config.SENSOR_INCIDENT_RETENTION,
      olderThan: (before) => sql`resolved_at IS NOT NULL AND resolved_at < ${before}`,
    },
    {
      table: 'sensor_window_events',
      rows: 'aggregate-window events',
      setting: 'twice the longest aggregate window',
      // A getter: hot reload may bring a sensor with a longer window.
      get keepMs() {
        const longest = Math.max(0, ...registry.sensors.map((s) => s.spec.aggregate?.within ?? 0));
        return Math.max(DAY_MS, 2 * longest);
      },
      olderThan: (before) => sql`at < ${before}`,
    },
  ];
}
