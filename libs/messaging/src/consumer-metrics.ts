import { type MessagingMetrics } from '@hub/telemetry';

interface Counted {
  inc(value?: number): void;
}
interface Observed {
  observe(value: number): void;
}

/** The series of one type on one queue, made once: a delivery then builds no label objects. */
interface TypeSeries {
  readonly outcomes: Map<string, Counted>;
  readonly handling: Observed;
  readonly age: Observed;
}

/**
 * One consumer's view of {@link MessagingMetrics}: the children of its queue's series kept per
 * event type and outcome (a handful each), instead of a label object per delivery.
 */
export class ConsumerMetrics {
  private readonly types = new Map<string, TypeSeries>();

  constructor(
    private readonly metrics: MessagingMetrics,
    private readonly queue: string,
  ) {}

  /** `hub_messages_consumed_total{queue,type,outcome}` + 1. */
  consumed(type: string, outcome: string): void {
    const { outcomes } = this.of(type);
    let counter = outcomes.get(outcome);
    if (!counter) {
      counter = this.metrics.consumed.labels({ queue: this.queue, type, outcome });
      outcomes.set(outcome, counter);
    }
    counter.inc();
  }

  /** The handling time of one delivery, and the event's age when its handling ended (NaN: unknown). */
  handled(type: string, handlingSeconds: number, ageSeconds: number): void {
    const series = this.of(type);
    series.handling.observe(handlingSeconds);
    if (ageSeconds >= 0) series.age.observe(ageSeconds);
  }

  paused(dependency: string): void {
    this.metrics.consumerPauses.inc({ queue: this.queue, dependency });
  }

  private of(type: string): TypeSeries {
    let series = this.types.get(type);
    if (!series) {
      series = {
        outcomes: new Map(),
        handling: this.metrics.handlingSeconds.labels({ queue: this.queue, type }),
        age: this.metrics.eventAgeSeconds.labels({ queue: this.queue, type }),
      };
      this.types.set(type, series);
    }
    return series;
  }
}
