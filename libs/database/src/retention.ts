import { type RawBuilder, sql } from 'kysely';
import { PeriodicTask } from '@hub/service';
import { type Database } from './database.js';

/**
 * One table's (or one kind of row's) retention: rows matching `olderThan(before)` go once they
 * are older than `keepMs`. The setting names the variable that decides it, for logs and docs.
 */
export interface RetentionRule {
  readonly table: string;
  /** What the rule deletes, for logs: `resolved incidents`, `processed markers of sensor`. */
  readonly rows: string;
  readonly setting: string;
  readonly keepMs: number;
  /** The rows that may go: those older than `before` (and done, where the table holds live rows too). */
  olderThan(before: Date): RawBuilder<unknown>;
}

export interface RetentionOptions {
  /** How often `start` sweeps (HUB_RETENTION_SWEEP). */
  readonly intervalMs: number;
  /** Rows one DELETE takes: short statements, so a long backlog never holds locks for long. */
  readonly batch?: number;
  /** Most batches per rule and sweep; the rest waits for the next sweep. */
  readonly maxBatches?: number;
  /** Where deletions and failures are reported (a Nest `Logger` fits). */
  readonly logger?: { log(message: unknown): void; warn(message: unknown): void };
}

/** What one sweep deleted, per rule (`<table>: <rows>`). */
export type SweepResult = Record<string, number>;

/**
 * Each service's retention sweeper: a {@link PeriodicTask} that every `intervalMs` (and once at
 * start-up, a few seconds in) deletes the rows its rules allow, in batches. Replicas may sweep at
 * once: a DELETE of rows another replica already took deletes nothing. Registered as a Nest provider
 * it starts and stops with the app; with no rules it never starts.
 */
export class RetentionSweeper extends PeriodicTask {
  private readonly batch: number;
  private readonly maxBatches: number;

  constructor(
    private readonly db: Database,
    readonly rules: readonly RetentionRule[],
    private readonly options: RetentionOptions,
  ) {
    super({
      name: 'retention sweep',
      everyMs: options.intervalMs,
      firstAfterMs: Math.min(5_000, options.intervalMs),
    });
    this.batch = options.batch ?? 5_000;
    this.maxBatches = options.maxBatches ?? 100;
  }

  override start(): void {
    if (this.rules.length > 0) super.start();
  }

  /** One pass of the schedule: how many rows every rule deleted together. */
  protected async pass(): Promise<number> {
    return Object.values(await this.sweep()).reduce((sum, deleted) => sum + deleted, 0);
  }

  /** Deletes what every rule allows as of `now`; a failing rule is logged and the others still run. */
  async sweep(now = new Date()): Promise<SweepResult> {
    const result: SweepResult = {};
    for (const rule of this.rules) {
      const name = `${rule.table}: ${rule.rows}`;
      try {
        result[name] = await this.prune(rule, new Date(now.getTime() - rule.keepMs));
        if (result[name] > 0)
          this.options.logger?.log({ msg: 'retention: deleted old rows', rule: name, deleted: result[name] });
      } catch (error) {
        result[name] = 0;
        this.options.logger?.warn({
          msg: 'retention: sweep failed; will try again',
          rule: name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return result;
  }

  private async prune(rule: RetentionRule, before: Date): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.maxBatches; i++) {
      const deleted = await sql`
        DELETE FROM ${sql.table(rule.table)} WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM ${sql.table(rule.table)} WHERE ${rule.olderThan(before)} LIMIT ${this.batch}))`.execute(
        this.db,
      );
      const count = Number(deleted.numAffectedRows ?? 0);
      total += count;
      if (count < this.batch) break;
    }
    return total;
  }
}

/** Processed-event markers (`hub_processed_events`) of the consumers whose name starts with `prefix`. */
export function processedMarkers(prefix: string, keepMs: number): RetentionRule {
  return {
    table: 'hub_processed_events',
    rows: `processed markers of ${prefix}*`,
    setting: 'HUB_PROCESSED_RETENTION',
    keepMs,
    olderThan: (before) => sql`consumer LIKE ${`${prefix.replace(/[\\%_]/g, '\\$&')}%`} AND processed_at < ${before}`,
  };
}
