import { resourcePath, type ResourceWatcher, transition } from './watched-object.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * Deployments: Progressing False with ProgressDeadlineExceeded → `kubernetes.deployment.rollout.stuck`;
 * progressing again (or deleted) → `kubernetes.deployment.rollout.recovered`.
 */
export function deploymentWatcher(): ResourceWatcher {
  return {
    path: (namespace) => resourcePath('/apis/apps/v1', 'deployments', namespace),
    decide(phase, deployment, prior) {
      const conditions = (deployment.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
      const progressing = conditions.find((c) => c.type === 'Progressing');
      const isBad =
        phase !== 'DELETED' && progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
      const namespace = deployment.metadata.namespace ?? '';
      const generation = (deployment.metadata as { generation?: number }).generation;
      const data = {
        namespace,
        deployment: deployment.metadata.name,
        uid: deployment.metadata.uid,
        ...(progressing?.reason ? { reason: progressing.reason } : {}),
        ...(progressing?.message ? { message: progressing.message } : {}),
        ...(generation !== undefined ? { generation } : {}),
        labels: deployment.metadata.labels ?? {},
      };
      const subject = `${namespace}/${deployment.metadata.name}`;
      const incidentkey = `kubernetes/deployment/${subject}`;
      return {
        events: transition(
          prior?.['stuck'] === true,
          isBad,
          { type: 'kubernetes.deployment.rollout.stuck', data, subject, incidentkey },
          { type: 'kubernetes.deployment.rollout.recovered', data, subject, incidentkey },
          deployment,
        ),
        state: phase === 'DELETED' ? undefined : { stuck: isBad },
      };
    },
  };
}
