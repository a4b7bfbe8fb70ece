import { Gauge, register } from 'prom-client';
import { processCounter } from '@hub/telemetry';
import { type SourceLag } from '../sources/source.js';

/** What the lag gauge asks at scrape time: every running supervisor's sources. */
export interface LagReporter {
  lags(): Promise<{ source: string; kind: string; lag: SourceLag; connected: boolean; leader: boolean }[]>;
}

const reporters = new Set<LagReporter>();

function processGauge(name: string, help: string, labelNames: string[], collect: (gauge: Gauge) => Promise<void>) {
  const existing = register.getSingleMetric(name) as Gauge | undefined;
  return (
    existing ??
    new Gauge({
      name,
      help,
      labelNames,
      registers: [register],
      async collect() {
        await collect(this);
      },
    })
  );
}

async function collectAll(gauge: Gauge, pick: (entry: Awaited<ReturnType<LagReporter['lags']>>[number]) => number) {
  gauge.reset();
  for (const reporter of reporters) {
    for (const entry of await reporter.lags().catch(() => [])) {
      const labels = {
        source: entry.source,
        kind: entry.kind,
        ...(gauge === lagGauge ? { unit: entry.lag.unit } : {}),
      };
      gauge.set(labels, pick(entry));
    }
  }
}

const lagGauge: Gauge = processGauge(
  'hub_source_lag',
  'How far each pull source is behind: watch age in seconds (Kubernetes), pending messages (JetStream), inflight (MQTT)',
  ['source', 'kind', 'unit'],
  (gauge) => collectAll(gauge, (e) => e.lag.value),
);

processGauge(
  'hub_source_connected',
  '1 when the source is connected and reading on this replica (a standby without the lease shows 0)',
  ['source', 'kind'],
  (gauge) => collectAll(gauge, (e) => (e.connected ? 1 : 0)),
);

processGauge('hub_source_leader', '1 when this replica holds the source lease', ['source', 'kind'], (gauge) =>
  collectAll(gauge, (e) => (e.leader ? 1 : 0)),
);

/** Per-source counters (one set per process). */
export class SourceMetrics {
  readonly messages = processCounter('hub_source_messages_total', 'Messages a pull source handled, by outcome', [
    'source',
    'kind',
    'outcome',
  ]);
  readonly restarts = processCounter(
    'hub_source_restarts_total',
    'Times a source failed to connect or lost its connection and was started again',
    ['source', 'kind'],
  );

  register(reporter: LagReporter): () => void {
    reporters.add(reporter);
    return () => reporters.delete(reporter);
  }
}
