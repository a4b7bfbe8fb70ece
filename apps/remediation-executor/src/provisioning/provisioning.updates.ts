import {
  createEvent,
  HubIssuer,
  type IncidentState,
  nameBasedUuid,
  type NotificationRequested,
  type ProvisioningStatus,
  type ProvisioningUpdated,
} from '@hub/contracts';
import { type ProvisioningRequestRow, type ProvisioningStepRow } from '@hub/database';
import { type HubPublisher } from '@hub/messaging';
import { type ProvisioningRepository } from './provisioning.repository.js';
import { refName } from './provisioning.request.js';

const SOURCE = '/hub/remediation-executor/provisioning';
const UPDATE_ID_NAMESPACE = '8e0c5a7b2d4f4c19b36a1f0e9d8c7b6a';

/** How a request's status shows on the notifier's thread (its states are the incident ones). */
const STATE_OF: Record<ProvisioningStatus, IncidentState> = {
  accepted: 'firing',
  running: 'remediating',
  succeeded: 'resolved',
  rejected: 'remediation-failed',
  failed: 'remediation-failed',
  'rolled-back': 'remediation-failed',
};

const MARK: Record<string, string> = {
  pending: '◻️',
  running: '⏳',
  succeeded: '✅',
  failed: '❌',
  compensated: '↩️',
  skipped: '⏭️',
};

/** What changed: the request's status (and reasons), and the step that moved, if one did. */
export interface Change {
  readonly status: ProvisioningStatus;
  readonly step?: ProvisioningStepRow;
  readonly reasons?: readonly string[];
}

/**
 * Tells the world how a request goes, at every decision and step: a `provisioning.updated`
 * (the SIEM forwarder's audit trail) and a `notification.requested` on the request's one thread
 * (`incidentKey` `provisioning/<id>`, the owner team's channels, the root edited to the newest
 * state by `sequence`). Both have ids derived from the request and sequence, so a publish made
 * again after a crash is taken once.
 */
export class ProvisioningUpdates {
  constructor(
    private readonly publisher: HubPublisher,
    private readonly repository: ProvisioningRepository,
  ) {}

  async publish(row: ProvisioningRequestRow, change: Change): Promise<void> {
    const sequence = await this.repository.nextSequence(row.id);
    const steps = await this.repository.steps(row.id);
    const reasons = [...(change.reasons ?? [])];
    const step = change.step;
    const update: ProvisioningUpdated = {
      requestId: row.id,
      sequence,
      status: change.status,
      appName: row.app_name,
      ownerTeam: row.owner_team,
      ...(step
        ? {
            step: {
              name: step.name,
              status: step.status as NonNullable<ProvisioningUpdated['step']>['status'],
              attempts: step.attempts,
              ...(step.error ? { error: step.error } : {}),
            },
          }
        : {}),
      reasons,
    };
    const common = { source: SOURCE, hubsource: HubIssuer.executor, correlationid: row.id, subject: row.app_name };
    const incidentKey = `provisioning/${row.id}`;
    await this.publisher.publish(
      createEvent({
        ...common,
        id: nameBasedUuid(UPDATE_ID_NAMESPACE, `${row.id}/${sequence}/audit`),
        type: 'provisioning.updated',
        incidentkey: incidentKey,
        data: update,
      }),
    );
    const notification: NotificationRequested = {
      incidentKey,
      incidentId: row.id,
      sequence,
      state: STATE_OF[change.status],
      title: `Provisioning ${row.app_name} for ${row.owner_team}: ${change.status}`,
      text: [
        ...(step ? [`Step ${step.name}: ${step.status}${step.error ? ` (${step.error})` : ''}`] : []),
        ...steps.map((s) => `${MARK[s.status] ?? '•'} ${s.name} — ${s.status}`),
        ...reasons.map((reason) => `• ${reason}`),
      ].join('\n'),
      severity: change.status === 'succeeded' || change.status === 'running' ? 'info' : 'warning',
      fields: { request: row.id, app: row.app_name, team: row.owner_team, repository: row.repository_url },
      links: [],
      route: 'default',
      kind: 'incident',
      team: refName(row.owner_team),
      mention: false,
    };
    await this.publisher.publish(
      createEvent({
        ...common,
        id: nameBasedUuid(UPDATE_ID_NAMESPACE, `${row.id}/${sequence}/notification`),
        type: 'notification.requested',
        incidentkey: incidentKey,
        data: notification,
      }),
    );
  }
}
