import { type KubernetesSpec, type WatchedResource } from '../../config/source.schema.js';
import { deploymentWatcher } from './deployment.watcher.js';
import { eventWatcher } from './event.watcher.js';
import { nodeWatcher } from './node.watcher.js';
import { podWatcher } from './pod.watcher.js';
import { quotaWatcher } from './quota.watcher.js';
import { type ResourceWatcher } from './watched-object.js';
import { type WatchQuery } from './watch.stream.js';

/** One watch a Kubernetes source opens: its key (position), query, meaning and dedup bucket. */
export interface WatchPlan {
  key: string;
  query: WatchQuery;
  watcher: ResourceWatcher;
  objectWatch: string;
}

function resourceWatcher(resource: WatchedResource, restartThreshold: number): ResourceWatcher {
  switch (resource) {
    case 'pods':
      return podWatcher(restartThreshold);
    case 'nodes':
      return nodeWatcher();
    case 'resourcequotas':
      return quotaWatcher();
    case 'deployments':
      return deploymentWatcher();
  }
}

/** The watches of a source: one per Events API and one per resource watch (`pods`, `pods#2`, …). */
export function watchesOf(spec: KubernetesSpec): WatchPlan[] {
  const plans: WatchPlan[] = [];
  const events = spec.events;
  if (events) {
    for (const api of events.apis) {
      const watcher = eventWatcher(api, {
        reasons: events.reasons,
        windowMs: events.window,
        quotaFromFailedCreate: events.quotaFromFailedCreate,
      });
      plans.push({
        key: `events:${api}`,
        query: {
          path: watcher.path(events.namespace),
          labelSelector: events.labelSelector,
          fieldSelector: events.fieldSelector,
        },
        watcher,
        objectWatch: 'events',
      });
    }
  }
  const seen = new Map<string, number>();
  for (const w of spec.watches) {
    const n = (seen.get(w.resource) ?? 0) + 1;
    seen.set(w.resource, n);
    const key = n === 1 ? w.resource : `${w.resource}#${n}`;
    const watcher = resourceWatcher(w.resource, w.restartThreshold);
    plans.push({
      key,
      query: { path: watcher.path(w.namespace), labelSelector: w.labelSelector, fieldSelector: w.fieldSelector },
      watcher,
      objectWatch: key,
    });
  }
  return plans;
}
