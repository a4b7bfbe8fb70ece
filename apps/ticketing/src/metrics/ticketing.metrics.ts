import { type Counter } from 'prom-client';
import { metricsRegistry, processCounter } from '@hub/telemetry';

const NAME = 'hub_tickets_total';

/**
 * `hub_tickets_total{operation,outcome}`: what each `ticket.requested` did (created, commented,
 * reopened, resolved, suppressed, ignored, unchanged, duplicate) or why it did not (retry, rejected).
 */
export class TicketingMetrics {
  readonly tickets: Counter<'operation' | 'outcome'>;

  constructor() {
    metricsRegistry();
    this.tickets = processCounter(NAME, 'Ticket requests handled, by operation (open, resolve) and outcome', [
      'operation',
      'outcome',
    ]);
  }

  record(operation: string, outcome: string): void {
    this.tickets.inc({ operation, outcome });
  }
}
