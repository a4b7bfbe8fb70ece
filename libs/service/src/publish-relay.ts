import { PeriodicTask, type PeriodicTaskOptions } from './periodic-task.js';

/** What a relay asks of its publisher: whether the broker is there. */
export interface RelayPublisher {
  readonly ready: boolean;
}

/** How far one relay pass got (see {@link publishInOrder}). */
export interface RelayProgress {
  readonly published: number;
  /** The publish failure that ended the pass early (the broker went away), if one did. */
  readonly failure?: unknown;
}

/**
 * Publishes `items` in order, each followed by `settle` (marking it published), until a publish
 * fails — the broker is away: what went out is settled, the rest waits for the next pass. A failed
 * `settle` (the database) rejects: the pass failed.
 */
export async function publishInOrder<T>(
  items: readonly T[],
  publish: (item: T) => Promise<void>,
  settle: (item: T) => Promise<void>,
): Promise<RelayProgress> {
  let published = 0;
  for (const item of items) {
    try {
      await publish(item);
    } catch (failure) {
      return { published, failure };
    }
    await settle(item);
    published++;
  }
  return { published };
}

/**
 * A relay: a {@link PeriodicTask} whose passes publish what a crash or an absent broker left
 * unconfirmed (with {@link publishInOrder}), skipped while the publisher is not ready. The event ids
 * are derived from the rows, so an event relayed while its late confirm was in flight is still one
 * event to consumers.
 */
export abstract class PublishRelay extends PeriodicTask {
  protected constructor(publisher: RelayPublisher, schedule: Omit<PeriodicTaskOptions, 'ready'>) {
    super({ ...schedule, ready: () => publisher.ready });
  }
}
