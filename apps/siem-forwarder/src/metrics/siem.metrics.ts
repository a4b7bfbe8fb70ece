import { processCounter, processHistogram } from '@hub/telemetry';
import { Gauge, register } from 'prom-client';

/** What the sinks do: records taken and refused, failed attempts, batch sizes, records waiting. */
export class SiemMetrics {
  readonly delivered = processCounter('hub_siem_records_total', 'Records a sink took or refused', [
    'sink',
    'outcome',
  ] as const);
  readonly failedAttempts = processCounter(
    'hub_siem_failed_attempts_total',
    'Batch deliveries that failed and will be retried',
    ['sink'] as const,
  );
  readonly batchSize = processHistogram(
    'hub_siem_batch_size',
    'Records per delivered batch',
    ['sink'] as const,
    [1, 5, 10, 25, 50, 100, 250, 500],
  );
  readonly pending = pendingGauge();
}

function pendingGauge(): Gauge<'sink'> {
  const name = 'hub_siem_pending_records';
  return (
    (register.getSingleMetric(name) as Gauge<'sink'> | undefined) ??
    new Gauge({ name, help: 'Records waiting for a sink (unacked on the bus)', labelNames: ['sink'] })
  );
}
