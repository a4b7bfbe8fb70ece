import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { EXECUTOR_CONFIG, type RemediationExecutorConfig } from '../remediation-executor.config.js';
import { resultEventOf } from './action-result.js';
import { ActionRunsRepository } from './action-runs.repository.js';

/**
 * Republishes the results of finished runs that the broker never confirmed (the run finished, then
 * publishing failed for longer than the request's retry tiers, and the request was parked). The
 * result's event id is derived from the action id, so a result published twice — by two replicas,
 * or by the relay racing a late confirm — is one event to the sensor.
 */
@Injectable()
export class ResultRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ResultRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(ActionRunsRepository) private readonly runs: ActionRunsRepository,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(EXECUTOR_CONFIG) private readonly config: RemediationExecutorConfig,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.EXECUTOR_RESULT_RELAY_MS;
    this.timer = setInterval(() => void this.relayOnce().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass: publishes what is pending; returns how many results went out. */
  relayOnce(): Promise<number> {
    this.running ??= this.relay().finally(() => (this.running = undefined));
    return this.running;
  }

  private async relay(): Promise<number> {
    if (!this.publisher.ready) return 0;
    const pending = await this.runs.unpublished(this.config.EXECUTOR_RESULT_RELAY_MS, 100);
    let published = 0;
    for (const run of pending) {
      try {
        await this.publisher.publish(resultEventOf(run, { incidentkey: run.incident_key ?? undefined }));
        await this.runs.markPublished(run.action_id);
        published++;
      } catch (error) {
        this.logger.warn({
          msg: 'result relay stopped: cannot publish',
          actionId: run.action_id,
          error: String(error),
        });
        break;
      }
    }
    if (published > 0) this.logger.log({ msg: 'republished action results', count: published });
    return published;
  }
}
