/** Kubernetes objects as the API server sends them, for the watch fake. */

export function coreEvent(
  name: string,
  reason: string,
  count: number,
  lastTimestamp: string,
  message = `${reason} happened`,
) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'shop' },
    involvedObject: { kind: 'Pod', name: 'web-7d4b9c-x1', namespace: 'shop', apiVersion: 'v1' },
    reason,
    message,
    type: 'Warning',
    count,
    firstTimestamp: '2026-12-03T10:00:00Z',
    lastTimestamp,
    source: { component: 'kubelet' },
  };
}

export function pod(name: string, restartCount: number, waiting?: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'web', 'pod-template-hash': '7d4b9c', ...labels },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c' }],
    },
    status: {
      containerStatuses: [
        {
          name: 'app',
          restartCount,
          state: waiting
            ? { waiting: { reason: waiting, message: 'back-off 5m0s restarting failed container' } }
            : { running: {} },
          lastState: { terminated: { reason: 'Error', exitCode: 1 } },
        },
      ],
    },
  };
}

export function node(name: string, ready: 'True' | 'False' | 'Unknown') {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady' }],
    },
  };
}

export function quota(name: string, used: string, hard: string) {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'shop' },
    status: { hard: { 'requests.cpu': hard, pods: '10' }, used: { 'requests.cpu': used, pods: '3' } },
  };
}

export function deployment(name: string, stuck: boolean) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', generation: 4, labels: { team: 'payments' } },
    status: {
      conditions: [
        stuck
          ? {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-7d4b9c" has timed out progressing.',
            }
          : { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

export const clusterSource = (name: string, window = '1m') => `apiVersion: hub/v1
kind: Source
metadata: { name: ${name} }
spec:
  kubernetes:
    events:
      reasons: [BackOff, FailedCreate]
      window: ${window}
    watches:
      - { resource: pods, labelSelector: 'app=web' }
      - { resource: nodes }
      - { resource: resourcequotas, namespace: shop }
      - { resource: deployments }
`;
