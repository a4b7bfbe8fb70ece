import { resourcePath, type ResourceWatcher, transition, type WatchedObject } from './watched-object.js';

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; message?: string } };
}

/** The Deployment of a pod: its ReplicaSet owner's name without the pod-template-hash suffix. */
export function deploymentOf(pod: WatchedObject): string | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (!owner || !hash || !owner.name.endsWith(`-${hash}`)) return undefined;
  return owner.name.slice(0, -(hash.length + 1));
}

/**
 * Pods: crash-looping while a container waits in CrashLoopBackOff with at least `restartThreshold`
 * restarts → `kubernetes.pod.crashlooping`; running again (or deleted) → `kubernetes.pod.recovered`.
 */
export function podWatcher(restartThreshold: number): ResourceWatcher {
  return {
    path: (namespace) => resourcePath('/api/v1', 'pods', namespace),
    decide(phase, pod, prior) {
      const statuses = (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
      const looping = statuses.find(
        (c) => c.state?.waiting?.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= restartThreshold,
      );
      const isBad = phase !== 'DELETED' && looping !== undefined;
      const wasBad = prior?.['crashlooping'] === true;
      const worst =
        looping ??
        statuses.reduce<ContainerStatus | undefined>(
          (a, c) => ((c.restartCount ?? 0) > (a?.restartCount ?? -1) ? c : a),
          undefined,
        );
      const deployment = deploymentOf(pod);
      const namespace = pod.metadata.namespace ?? '';
      const data = {
        namespace,
        pod: pod.metadata.name,
        uid: pod.metadata.uid,
        ...(worst ? { container: worst.name } : {}),
        restartCount: worst?.restartCount ?? 0,
        ...(worst?.lastState?.terminated?.reason ? { reason: worst.lastState.terminated.reason } : {}),
        ...(looping?.state?.waiting?.message ? { message: looping.state.waiting.message } : {}),
        ...(deployment ? { deployment } : {}),
        labels: pod.metadata.labels ?? {},
      };
      const subject = `${namespace}/${pod.metadata.name}`;
      const incidentkey = `kubernetes/pod/${subject}`;
      return {
        events: transition(
          wasBad,
          isBad,
          { type: 'kubernetes.pod.crashlooping', data, subject, incidentkey },
          { type: 'kubernetes.pod.recovered', data, subject, incidentkey },
          pod,
        ),
        state: phase === 'DELETED' ? undefined : { crashlooping: isBad },
      };
    },
  };
}
