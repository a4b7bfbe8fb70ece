import { Gauge, register } from 'prom-client';
import { processCounter } from '@hub/telemetry';

/** Open incidents of one state: how many, and how long the oldest of them has been in that state. */
export interface OpenIncidents {
  count: number;
  oldestSeconds: number;
}

/** Reads open incidents by state; each running sensor app registers one (counts are summed). */
export type OpenIncidentCounter = () => Promise<Record<string, OpenIncidents>>;

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
          for (const [state, open] of Object.entries(await openIncidents(count))) this.inc({ state }, open.count);
        }
      },
    });
  readonly oldestOpenIncident =
    (register.getSingleMetric('hub_sensor_oldest_open_incident_seconds') as Gauge<'state'> | undefined) ??
    new Gauge({
      name: 'hub_sensor_oldest_open_incident_seconds',
      help: 'How long the oldest open incident of each state has been in it (an incident stuck in remediating)',
      labelNames: ['state'],
      async collect() {
        const oldest = new Map<string, number>();
        for (const count of openIncidentCounters) {
          for (const [state, open] of Object.entries(await openIncidents(count))) {
            oldest.set(state, Math.max(oldest.get(state) ?? 0, open.oldestSeconds));
          }
        }
        this.reset();
        for (const [state, seconds] of oldest) this.set({ state }, seconds);
      },
    });

  /** Adds a source of open-incident figures; returns the function that removes it again. */
  countOpenIncidentsWith(count: OpenIncidentCounter): () => void {
    openIncidentCounters.add(count);
    return () => openIncidentCounters.delete(count);
  }
}

/** Reads in flight, shared: the two gauges of one scrape (collected concurrently) read the database once. */
const reading = new Map<OpenIncidentCounter, Promise<Record<string, OpenIncidents>>>();

/**
 * The open incidents `count` reads, once per scrape however many gauges ask (the read is
 * O(open incidents): 200 ms of PostgreSQL with 10,000 open in the bench). A failed read (the
 * database away) shows as no open incidents rather than failing the scrape.
 */
function openIncidents(count: OpenIncidentCounter): Promise<Record<string, OpenIncidents>> {
  let read = reading.get(count);
  if (!read) {
    read = count()
      .catch(() => ({}))
      .finally(() => reading.delete(count));
    reading.set(count, read);
  }
  return read;
}
