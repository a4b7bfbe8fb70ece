import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { type RemediationExecutorConfig } from '../remediation-executor.config.js';
import { type ActionRunsRepository } from './action-runs.repository.js';

/** At most this many action ids per statement (a burst is written in several). */
const MAX_BATCH = 500;

/** How long confirmed results wait for their mark: 250 ms, or a quarter of the relay's delay if that is shorter. */
export function publishedMarkMs(config: Pick<RemediationExecutorConfig, 'EXECUTOR_RESULT_RELAY_MS'>): number {
  return Math.max(1, Math.min(250, Math.floor(config.EXECUTOR_RESULT_RELAY_MS / 4)));
}

/**
 * `action_runs.result_published_at`, written in batches: the action ids whose result the broker
 * confirmed are collected for `flushMs` and marked in one statement, instead of one statement per
 * action. A mark lost to a crash or a database error before its flush only costs a republish: the
 * result relay publishes the run's result again under the same event id (one event to the sensor).
 * `flushMs` is kept well below EXECUTOR_RESULT_RELAY_MS so the relay does not race a pending mark.
 */
export class PublishedMarks implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PublishedMarks.name);
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly runs: ActionRunsRepository,
    private readonly flushMs: number,
  ) {}

  /** Notes that the result of `actionId` was confirmed; written within `flushMs`. */
  add(actionId: string): void {
    this.pending.add(actionId);
    if (this.pending.size >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is pending now (one statement per MAX_BATCH ids); never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending = new Set();
    if (ids.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      for (let start = 0; start < ids.length; start += MAX_BATCH) {
        const batch = ids.slice(start, start + MAX_BATCH);
        await this.runs.markPublished(batch).catch((error: unknown) =>
          // The relay republishes these results (same event ids), and marks them then.
          this.logger.warn({ msg: 'could not mark results published', actions: batch.length, error: String(error) }),
        );
      }
    });
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
