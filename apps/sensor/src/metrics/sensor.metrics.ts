import { Gauge, register } from 'prom-client';
import { processCounter } from '@hub/telemetry';

/** Counts open incidents by state; each running sensor app registers one (they are summed). */
export type OpenIncidentCounter = () => Promise<Record<string, number>>;

const openIncidentCounters = new Set<OpenIncidentCounter>();

/**
 * The sensor's Prometheus metrics: matches and triggers per sensor, template failures, state
 * transitions, and a gauge of open incidents by state read from the database at scrape time (the
 * database is the truth shared by every replica, so each replica reports the same numbers).
 */
export class SensorMetrics {
  readonly matches = processCounter('hub_sensor_matches_total', 'Events that matched a sensor', ['sensor', 'outcome']);
  readonly triggers = processCounter('hub_sensor_triggers_total', 'Actions requested by a sensor trigger', [
    'sensor',
    'trigger',
    'kind',
  ]);
  readonly transitions = processCounter('hub_sensor_incident_transitions_total', 'Incident state changes', [
    'sensor',
    'state',
  ]);
  readonly openIncidents =
    (register.getSingleMetric('hub_sensor_open_incidents') as Gauge<'state'> | undefined) ??
    new Gauge({
      name: 'hub_sensor_open_incidents',
      help: 'Incidents not yet resolved, by state',
      labelNames: ['state'],
      async collect() {
        this.reset();
        for (const count of openIncidentCounters) {
          for (const [state, n] of Object.entries(await count().catch(() => ({})))) this.inc({ state }, n);
        }
      },
    });

  /** Adds a source of open-incident counts; returns the function that removes it again. */
  countOpenIncidentsWith(count: OpenIncidentCounter): () => void {
    openIncidentCounters.add(count);
    return () => openIncidentCounters.delete(count);
  }
}
