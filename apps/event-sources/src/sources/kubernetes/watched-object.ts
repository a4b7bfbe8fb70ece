/** The part of any Kubernetes object the watch reads. */
export interface ObjectMeta {
  uid: string;
  name: string;
  namespace?: string;
  resourceVersion: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string }[];
  creationTimestamp?: string;
}

export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `ADDED`, `MODIFIED`, `DELETED` of a watch (BOOKMARK and ERROR are handled by the stream). */
export type WatchPhase = 'ADDED' | 'MODIFIED' | 'DELETED';

/** An event a decision asks for; `key` names it for its deterministic id (the same on every replica). */
export interface DecidedEvent {
  type: string;
  data: Record<string, unknown>;
  subject: string;
  key: string;
  incidentkey?: string;
}

/** What one watched change means: events to publish and the object's state for the next change. */
export interface Decision {
  events: DecidedEvent[];
  /** Undefined: forget the object (deleted). */
  state: Record<string, unknown> | undefined;
}

/**
 * One kind of watched resource: where to watch it and what a change means, given the state the
 * previous change left (crash-looping or not, the Event's last window, …). Pure, so replicas and
 * relists decide the same.
 */
export interface ResourceWatcher {
  /** The watch path (namespaced when `namespace` is given and the kind is namespaced). */
  path(namespace: string | undefined): string;
  decide(phase: WatchPhase, object: WatchedObject, prior: Record<string, unknown> | undefined, now: Date): Decision;
}

/** `/api/v1` or `/apis/<group>/<version>` + optional namespace + resource. */
export function resourcePath(apiPrefix: string, resource: string, namespace: string | undefined): string {
  return namespace === undefined ? `${apiPrefix}/${resource}` : `${apiPrefix}/namespaces/${namespace}/${resource}`;
}

/** A transition between "bad" and "good": the bad event, its recovered pair, or nothing. */
export function transition(
  wasBad: boolean,
  isBad: boolean,
  bad: Omit<DecidedEvent, 'key'>,
  good: Omit<DecidedEvent, 'key'>,
  object: WatchedObject,
): DecidedEvent[] {
  const at = `${object.metadata.uid}/${object.metadata.resourceVersion}`;
  if (!wasBad && isBad) return [{ ...bad, key: `${bad.type}/${at}` }];
  if (wasBad && !isBad) return [{ ...good, key: `${good.type}/${at}` }];
  return [];
}
