import { createHash } from 'node:crypto';
import { createEvent, type Deployment, type HubEvent } from '@hub/contracts';
import { type ArgoCdNotification } from './argocd.schema.js';

/**
 * An Argo CD notification as `deployment.completed` (phase Succeeded and the app not Degraded) or
 * `deployment.failed` (Failed, Error, or Succeeded but Degraded). The id is derived from the app,
 * revision, outcome and finish time, so a webhook Argo CD retries is the same event (consumers drop
 * it by id) while the next deployment is a new one. The environment is the app's `environment`
 * label, else its destination namespace.
 */
export function mapArgoCdNotification(n: ArgoCdNotification, hubsource: string): HubEvent<Deployment> {
  const failed = n.phase !== 'Succeeded' || n.health === 'Degraded';
  const type = failed ? 'deployment.failed' : 'deployment.completed';
  const data: Deployment = withoutEmpty({
    app: n.app,
    environment: present(n.environment) ?? present(n.namespace) ?? 'default',
    version: present(n.revision),
    team: present(n.team),
    url: present(n.url),
    reason: failed ? (present(n.message) ?? `phase ${n.phase}, health ${n.health ?? 'unknown'}`) : undefined,
  });
  const identity = [n.app, n.revision ?? '', type, n.finishedAt ?? ''].join('\n');
  return createEvent({
    id: `argocd-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`,
    type,
    source: '/argocd/notifications',
    subject: n.app,
    data,
    hubsource,
  });
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
