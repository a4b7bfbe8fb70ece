import { resourcePath, type DecidedEvent, type ResourceWatcher, type WatchedObject } from './watched-object.js';

export type EventsApi = 'v1' | 'events.k8s.io/v1';

export interface EventWatchOptions {
  /** Reasons to publish as `kubernetes.event` (empty: all). */
  reasons: readonly string[];
  windowMs: number;
  quotaFromFailedCreate: boolean;
}

interface EventFields {
  reason: string;
  type: string;
  involved: { kind: string; name: string; namespace?: string; uid?: string; apiVersion?: string };
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  message?: string;
  reportingController?: string;
}

type Involved = EventFields['involved'];

/** The fields of a core v1 or events.k8s.io/v1 Event the watch reads. */
interface RawEvent {
  reason?: string;
  type?: string;
  message?: string;
  note?: string;
  count?: number;
  deprecatedCount?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: Involved;
  regarding?: Involved;
  reportingComponent?: string;
  reportingController?: string;
  source?: { component?: string };
}

/** Both Event APIs in one shape (events.k8s.io/v1 keeps the old fields as `deprecated*`). */
function fieldsOf(api: EventsApi, e: RawEvent): EventFields {
  const series = e.series;
  const common = { reason: e.reason ?? '', type: e.type ?? '' };
  if (api === 'v1') {
    return {
      ...common,
      involved: e.involvedObject ?? { kind: '', name: '' },
      count: series?.count ?? e.count ?? 1,
      firstSeen: e.firstTimestamp ?? e.eventTime,
      lastSeen: series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime,
      message: e.message,
      reportingController: e.reportingComponent || e.source?.component || undefined,
    };
  }
  return {
    ...common,
    involved: e.regarding ?? { kind: '', name: '' },
    count: series?.count ?? e.deprecatedCount ?? 1,
    firstSeen: e.deprecatedFirstTimestamp ?? e.eventTime,
    lastSeen: series?.lastObservedTime ?? e.deprecatedLastTimestamp ?? e.eventTime,
    message: e.note,
    reportingController: e.reportingController,
  };
}

/**
 * Kubernetes Events → `kubernetes.event`, at most one per Event per window: the count of a
 * repeated Event goes up with every repeat, and each window of `windowMs` (counted from the epoch,
 * on the Event's last-seen time, so replicas agree) publishes the first update it sees. A
 * FailedCreate that says "exceeded quota" is also a `kubernetes.quota.exceeded` (once per window).
 */
export function eventWatcher(api: EventsApi, options: EventWatchOptions): ResourceWatcher {
  const prefix = api === 'v1' ? '/api/v1' : '/apis/events.k8s.io/v1';
  return {
    path: (namespace) => resourcePath(prefix, 'events', namespace),
    decide(phase, object, prior, now) {
      if (phase === 'DELETED') return { events: [], state: undefined };
      const f = fieldsOf(api, object as RawEvent);
      const seen = Date.parse(f.lastSeen ?? '') || Date.parse(object.metadata.creationTimestamp ?? '') || now.getTime();
      const window = Math.floor(seen / options.windowMs);
      if (prior?.['window'] === window) return { events: [], state: prior };
      const events: DecidedEvent[] = [];
      const namespace = object.metadata.namespace ?? f.involved.namespace ?? '';
      const at = `${object.metadata.uid}/window-${window}`;
      if (options.reasons.length === 0 || options.reasons.includes(f.reason)) {
        events.push({
          type: 'kubernetes.event',
          key: `kubernetes.event/${at}`,
          subject: `${namespace}/${f.involved.kind}/${f.involved.name}`,
          data: {
            api,
            namespace,
            name: object.metadata.name,
            uid: object.metadata.uid,
            reason: f.reason,
            type: f.type,
            involvedObject: f.involved,
            count: f.count,
            ...optional(f),
          },
        });
      }
      if (options.quotaFromFailedCreate && isQuotaFailure(f)) events.push(quotaEvent(namespace, f, at, object));
      return { events, state: { window } };
    },
  };
}

function isQuotaFailure(f: EventFields): boolean {
  return f.reason === 'FailedCreate' && /exceeded quota/i.test(f.message ?? '');
}

function quotaEvent(namespace: string, f: EventFields, at: string, object: WatchedObject): DecidedEvent {
  const quota = /exceeded quota: ([a-z0-9.-]+)/i.exec(f.message ?? '')?.[1];
  return {
    type: 'kubernetes.quota.exceeded',
    key: `kubernetes.quota.exceeded/${at}`,
    subject: `${namespace}/${quota ?? object.metadata.name}`,
    incidentkey: `kubernetes/quota/${namespace}/${quota ?? 'unknown'}`,
    data: { namespace, ...(quota ? { quota } : {}), resources: [], detectedBy: 'failed-create', message: f.message },
  };
}

function optional(f: EventFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['firstSeen', 'lastSeen', 'message', 'reportingController'] as const) {
    const value = f[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}
