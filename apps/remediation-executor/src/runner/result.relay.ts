import { Inject, Injectable } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { PeriodicTask } from '@hub/service';
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
export class ResultRelay extends PeriodicTask {
  constructor(
    @Inject(ActionRunsRepository) private readonly runs: ActionRunsRepository,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(EXECUTOR_CONFIG) private readonly config: RemediationExecutorConfig,
  ) {
    super({
      name: 'result relay',
      everyMs: config.EXECUTOR_RESULT_RELAY_MS,
      ready: () => publisher.ready,
      done: 'republished action results',
    });
  }

  /** Publishes what is pending; returns how many results went out. */
  protected async pass(): Promise<number> {
    const pending = await this.runs.unpublished(this.config.EXECUTOR_RESULT_RELAY_MS, 100);
    const published: string[] = [];
    for (const run of pending) {
      try {
        await this.publisher.publish(resultEventOf(run, { incidentkey: run.incident_key ?? undefined }));
        published.push(run.action_id);
      } catch (error) {
        this.logger.warn({
          msg: 'result relay stopped: cannot publish',
          actionId: run.action_id,
          error: String(error),
        });
        break;
      }
    }
    await this.runs.markPublished(published);
    return published.length;
  }
}
