import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { type Source, type SourceHealth } from '../sources/source.js';
import { EVENT_SOURCES_CONFIG, type EventSourcesConfig } from '../event-sources.config.js';
import { LeaseRepository } from './pg-lease.js';
import { SourceMetrics } from './source.metrics.js';
import { SourceRunner } from './source.runner.js';

/** Injection token of the built sources. */
export const SOURCES = Symbol('Sources');

/** One source's line on `/readyz`. */
export interface SourceStatus extends SourceHealth {
  readonly kind: string;
  /** This replica holds the source's lease (or it needs none). */
  readonly leader: boolean;
}

/** Runs every source side by side, each in its own {@link SourceRunner}: one that fails leaves the others alone. */
@Injectable()
export class SourceSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runners: SourceRunner[];
  private unregister?: () => void;
  private readonly logger = new Logger('SourceSupervisor');

  constructor(
    @Inject(SOURCES) sources: readonly Source[],
    @Inject(HubPublisher) publisher: HubPublisher,
    @Inject(LeaseRepository) leases: LeaseRepository,
    @Inject(SourceMetrics) private readonly metrics: SourceMetrics,
    @Inject(EVENT_SOURCES_CONFIG) config: EventSourcesConfig,
  ) {
    const options = {
      instance: config.EVENT_SOURCES_INSTANCE ?? `${hostname()}/${process.pid}`,
      leaseTtlMs: config.EVENT_SOURCES_LEASE_TTL_MS,
      retryMinMs: config.EVENT_SOURCES_RETRY_MIN_MS,
      retryMaxMs: config.EVENT_SOURCES_RETRY_MAX_MS,
    };
    this.runners = sources.map((s) => new SourceRunner(s, publisher, leases, metrics, options, this.logger));
  }

  onApplicationBootstrap(): void {
    this.unregister = this.metrics.register({ lags: () => this.lags() });
    for (const runner of this.runners) runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  status(): Record<string, SourceStatus> {
    return Object.fromEntries(
      this.runners.map((r) => [r.source.name, { kind: r.source.kind, leader: r.leader, ...r.health() }]),
    );
  }

  private async lags() {
    return Promise.all(
      this.runners.map(async (r) => {
        const health = r.health();
        const lag = health.connected ? await r.source.lag() : { unit: 'messages' as const, value: 0 };
        return { source: r.source.name, kind: r.source.kind, lag, connected: health.connected, leader: r.leader };
      }),
    );
  }
}
