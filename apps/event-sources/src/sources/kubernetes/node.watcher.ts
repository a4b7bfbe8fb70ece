import { resourcePath, type ResourceWatcher, transition } from './watched-object.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Nodes: Ready not True → `kubernetes.node.notready`; Ready again (or deleted) → `kubernetes.node.recovered`. */
export function nodeWatcher(): ResourceWatcher {
  return {
    path: () => resourcePath('/api/v1', 'nodes', undefined),
    decide(phase, node, prior) {
      const conditions = (node.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      const isBad = phase !== 'DELETED' && ready !== undefined && ready.status !== 'True';
      const data = {
        node: node.metadata.name,
        uid: node.metadata.uid,
        status: ready?.status ?? 'Unknown',
        ...(ready?.reason ? { reason: ready.reason } : {}),
        ...(ready?.message ? { message: ready.message } : {}),
        ...(ready?.lastTransitionTime ? { since: ready.lastTransitionTime } : {}),
      };
      const subject = node.metadata.name;
      const incidentkey = `kubernetes/node/${subject}`;
      return {
        events: transition(
          prior?.['notready'] === true,
          isBad,
          { type: 'kubernetes.node.notready', data, subject, incidentkey },
          { type: 'kubernetes.node.recovered', data, subject, incidentkey },
          node,
        ),
        state: phase === 'DELETED' ? undefined : { notready: isBad },
      };
    },
  };
}
