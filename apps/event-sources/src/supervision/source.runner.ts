import { type LoggerService } from '@nestjs/common';
import { type HubEvent, HubIssuer } from '@hub/contracts';
import { type HubPublisher } from '@hub/messaging';
import { type Source, type SourceContext, type SourceHealth } from '../sources/source.js';
import { HeldLease, type LeaseRepository } from './pg-lease.js';
import { type SourceMetrics } from './source.metrics.js';

export interface RunnerOptions {
  instance: string;
  leaseTtlMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

/**
 * Runs one source for as long as the service runs: takes its lease first when the source is
 * exclusive (a standby keeps trying), starts it, and when the start fails or the source breaks
 * later, stops it and starts it again after a backoff (doubling up to the maximum), remembering why
 * for `/readyz`. A lost lease stops the source at once. Other sources never notice.
 */
export class SourceRunner {
  private stopping = false;
  private lease?: HeldLease;
  private reason?: string = 'not started yet';
  private wake?: () => void;
  private failure?: Error;
  private renewTimer?: NodeJS.Timeout;
  private loop?: Promise<void>;

  constructor(
    readonly source: Source,
    private readonly publisher: HubPublisher,
    private readonly leases: LeaseRepository,
    private readonly metrics: SourceMetrics,
    private readonly options: RunnerOptions,
    private readonly logger: LoggerService,
  ) {}

  /** Whether this replica holds the lease (always true for a source that needs none). */
  get leader(): boolean {
    return !this.source.exclusive || (this.lease?.held ?? false);
  }

  health(): SourceHealth {
    if (this.reason !== undefined) return { connected: false, reason: this.reason };
    return this.source.health();
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    clearInterval(this.renewTimer);
    if (this.lease) await this.leases.release(this.source.name, this.lease.holder).catch(() => undefined);
  }

  private async run(): Promise<void> {
    let delay = this.options.retryMinMs;
    while (!this.stopping) {
      if (this.source.exclusive && !(await this.takeLease())) {
        await this.sleep(Math.max(200, Math.floor(this.options.leaseTtlMs / 3)));
        continue;
      }
      this.failure = undefined;
      try {
        await this.source.start(this.context());
        this.reason = undefined;
        this.logger.log?.(`source ${this.source.name} (${this.source.kind}) started`);
        delay = this.options.retryMinMs;
        while (!this.stopping && !this.failure && this.leader) await this.sleep(1_000);
      } catch (error) {
        this.failure = error as Error;
      }
      await this.source.stop().catch(() => undefined);
      if (this.stopping) break;
      if (!this.leader) {
        this.reason = 'lease lost: stopped publishing';
        this.logger.warn(`source ${this.source.name}: lease lost, stopped`);
        this.dropLease();
        continue;
      }
      const why = this.failure?.message ?? 'stopped';
      this.reason = `${why} (retrying in ${delay} ms)`;
      this.metrics.restarts.inc({ source: this.source.name, kind: this.source.kind });
      this.logger.warn(`source ${this.source.name} (${this.source.kind}): ${this.reason}`);
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.options.retryMaxMs);
    }
  }

  private context(): SourceContext {
    const labels = { source: this.source.name, kind: this.source.kind };
    return {
      publish: (event: HubEvent) => this.publisher.publish({ ...event, hubsource: HubIssuer.eventSources }),
      failed: (error) => {
        this.failure ??= error;
        this.wake?.();
      },
      count: (outcome) => this.metrics.messages.inc({ ...labels, outcome }),
      refused: (message, reason) => {
        this.logger.warn(`source ${this.source.name}: refused ${message}: ${reason}`);
      },
      ...(this.lease ? { lease: this.lease } : {}),
    };
  }

  private async takeLease(): Promise<boolean> {
    const { instance, leaseTtlMs } = this.options;
    try {
      const token = await this.leases.acquire(this.source.name, instance, leaseTtlMs);
      if (token === undefined) {
        this.reason = 'standby: another replica holds the lease';
        return false;
      }
      this.lease = new HeldLease(instance, token, leaseTtlMs);
      this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(leaseTtlMs / 3)));
      return true;
    } catch (error) {
      this.reason = `cannot take the lease: ${(error as Error).message}`;
      return false;
    }
  }

  private async renew(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const startedAt = Date.now();
    try {
      const token = await this.leases.acquire(this.source.name, lease.holder, this.options.leaseTtlMs);
      if (token === lease.token) lease.renewed(startedAt);
      else lease.lost();
    } catch {
      // The database does not answer: the lease runs out locally (HeldLease.held) before it can expire.
    }
    if (!lease.held) this.wake?.();
  }

  private dropLease(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    this.lease = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
