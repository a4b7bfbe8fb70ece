import { collectDefaultMetrics, Counter, Histogram, register, type Registry } from 'prom-client';

let defaultsCollected = false;

/** The process-wide Prometheus registry with Node's default process metrics. */
export function metricsRegistry(): Registry {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register });
    defaultsCollected = true;
  }
  return register;
}

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = register.getSingleMetric(name);
  return (existing as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [register] });
}

/** What the bus does, as seen by this process (one set per process, shared by every channel). */
export class MessagingMetrics {
  readonly published = counter('hub_messages_published_total', 'Messages published to the bus, by outcome', [
    'exchange',
    'type',
    'outcome',
  ]);
  readonly consumed = counter('hub_messages_consumed_total', 'Messages consumed, by handling outcome', [
    'queue',
    'type',
    'outcome',
  ]);
  readonly deadLettered = counter('hub_messages_dead_lettered_total', 'Messages sent to a parking queue', [
    'queue',
    'reason',
  ]);
  readonly handlingSeconds =
    (register.getSingleMetric('hub_message_handling_seconds') as Histogram<'queue' | 'type'> | undefined) ??
    new Histogram({
      name: 'hub_message_handling_seconds',
      help: 'Time a handler took for one message',
      labelNames: ['queue', 'type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [register],
    });
}
