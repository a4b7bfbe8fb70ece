import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { processCounter } from '@hub/telemetry';

/** When a {@link PeriodicTask} runs and what it says about it. */
export interface PeriodicTaskOptions {
  /** The task in logs and in the `task` label of `hub_periodic_task_runs_total`. */
  readonly name: string;
  readonly everyMs: number;
  /** The first pass after start (default one interval). */
  readonly firstAfterMs?: number;
  /**
   * Each wait is `everyMs` ± this fraction at random (default 0.1), so replicas started together
   * do not query the database in lockstep.
   */
  readonly jitter?: number;
  /** A pass is skipped (counted `skipped`) while this says no, e.g. a relay's while its broker is down. */
  readonly ready?: () => boolean;
  /** Logged with the count when a pass did something (`republished action results`); silent when absent. */
  readonly done?: string;
}

const runs = processCounter('hub_periodic_task_runs_total', 'Passes of periodic tasks (relays, sweepers), by outcome', [
  'task',
  'outcome',
]);
const items = processCounter('hub_periodic_task_items_total', 'What passes of periodic tasks did (rows, events)', [
  'task',
]);

/**
 * A relay or sweeper: a pass every `everyMs` (with jitter) from application bootstrap to shutdown.
 * Passes never overlap — the next wait starts when a pass ends, and {@link runOnce} joins the pass
 * in flight —, a failed pass is logged and counted and the next one tries again, and shutdown waits
 * for the pass in flight. Subclasses implement {@link pass}, answering how much it did.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private started = false;

  protected constructor(private readonly schedule: PeriodicTaskOptions) {
    this.logger = new Logger(new.target.name);
  }

  /** One pass: how many things it did (events published, rows deleted). Throws when it failed. */
  protected abstract pass(): Promise<number>;

  /** Starts the passes (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.wait(this.schedule.firstAfterMs ?? this.schedule.everyMs);
  }

  /** Stops the passes and waits for the one in flight. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass now, or the pass in flight; rejects when it failed. */
  runOnce(): Promise<number> {
    this.running ??= this.measured().finally(() => (this.running = undefined));
    return this.running;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private async measured(): Promise<number> {
    const { name, done, ready } = this.schedule;
    if (ready && !ready()) {
      runs.inc({ task: name, outcome: 'skipped' });
      return 0;
    }
    try {
      const count = await this.pass();
      runs.inc({ task: name, outcome: 'ok' });
      if (count > 0) {
        items.inc({ task: name }, count);
        if (done) this.logger.log({ msg: done, count });
      }
      return count;
    } catch (error) {
      runs.inc({ task: name, outcome: 'failed' });
      this.logger.warn({ msg: `${name} failed; will try again`, error: (error as Error).message ?? String(error) });
      throw error;
    }
  }

  private wait(ms: number): void {
    if (!this.started) return;
    const jitter = this.schedule.jitter ?? 0.1;
    this.timer = setTimeout(
      () => {
        void this.runOnce()
          .catch(() => undefined)
          .finally(() => this.wait(this.schedule.everyMs));
      },
      Math.max(0, ms * (1 + jitter * (2 * Math.random() - 1))),
    );
    this.timer.unref();
  }
}
