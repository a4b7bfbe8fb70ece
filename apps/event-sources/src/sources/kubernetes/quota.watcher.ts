import { parseQuantity } from './quantity.js';
import { resourcePath, type ResourceWatcher, transition } from './watched-object.js';

/** The resources of a quota that are used up: used ≥ hard (a hard limit of 0 only once something uses it). */
export function exhausted(hard: Record<string, string>, used: Record<string, string>) {
  return Object.entries(hard).flatMap(([resource, limit]) => {
    const h = parseQuantity(limit);
    const u = parseQuantity(used[resource] ?? '0');
    if (h === undefined || u === undefined) return [];
    return (h > 0 ? u >= h : u > 0) ? [{ resource, used: used[resource] ?? '0', hard: limit }] : [];
  });
}

/** ResourceQuotas: some resource used up → `kubernetes.quota.exceeded`; room again (or deleted) → `kubernetes.quota.recovered`. */
export function quotaWatcher(): ResourceWatcher {
  return {
    path: (namespace) => resourcePath('/api/v1', 'resourcequotas', namespace),
    decide(phase, quota, prior) {
      const status = (quota.status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
      const resources = exhausted(status.hard ?? {}, status.used ?? {});
      const isBad = phase !== 'DELETED' && resources.length > 0;
      const namespace = quota.metadata.namespace ?? '';
      const data = {
        namespace,
        quota: quota.metadata.name,
        resources,
        detectedBy: 'usage',
        labels: quota.metadata.labels ?? {},
      };
      const subject = `${namespace}/${quota.metadata.name}`;
      const incidentkey = `kubernetes/quota/${subject}`;
      return {
        events: transition(
          prior?.['exceeded'] === true,
          isBad,
          { type: 'kubernetes.quota.exceeded', data, subject, incidentkey },
          { type: 'kubernetes.quota.recovered', data, subject, incidentkey },
          quota,
        ),
        state: phase === 'DELETED' ? undefined : { exceeded: isBad },
      };
    },
  };
}
