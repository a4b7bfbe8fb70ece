import { Inject, Injectable } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { publishInOrder, PublishRelay } from '@hub/service';
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
export class ResultRelay extends PublishRelay {
  constructor(
    @Inject(ActionRunsRepository) private readonly runs: ActionRunsRepository,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(EXECUTOR_CONFIG) private readonly config: RemediationExecutorConfig,
  ) {
    super(publisher, {
      name: 'result relay',
      everyMs: config.EXECUTOR_RESULT_RELAY_MS,
      done: 'republished action results',
    });
  }

  /** Publishes what is pending; returns how many results went out. */
  protected async pass(): Promise<number> {
    const pending = await this.runs.unpublished(this.config.EXECUTOR_RESULT_RELAY_MS, 100);
    const ids: string[] = [];
    const { failure } = await publishInOrder(
      pending,
      (run) => this.publisher.publish(resultEventOf(run, { incidentkey: run.incident_key ?? undefined })),
      (run) => {
        ids.push(run.action_id);
        return Promise.resolve();
      },
    );
    if (failure) {
      this.logger.warn({
        msg: 'result relay stopped: cannot publish',
        published: ids.length,
        error: failure instanceof Error ? failure.message : JSON.stringify(failure),
      });
    }
    // The pass's marks in one statement (a mark lost to a crash only means the result goes out again, same id).
    await this.runs.markPublished(ids);
    return ids.length;
  }
}
