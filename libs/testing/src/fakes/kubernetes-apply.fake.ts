import { type FakeReply, type RecordedRequest } from './fake-http.server.js';
import { FakeKubernetesApi, type KubeObject } from './kubernetes.fake.js';

export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Where an apply reads and writes the fake cluster's objects. */
export interface ApplyStore {
  namespaceExists(name: string): boolean;
  read(plural: string, namespace: string | undefined, name: string): KubeObject | undefined;
  write(plural: string, namespace: string | undefined, name: string, object: KubeObject, made: boolean): void;
  /** Fresh metadata: uid, a new resourceVersion, creationTimestamp. */
  metadata(name: string, namespace?: string): Record<string, unknown>;
}

/** The kind an apply path stands for. */
export interface ApplyTarget {
  apiVersion: string;
  plural: string;
  kind: string;
  namespace?: string;
}

/**
 * A server-side apply as the API server answers it, simplified to one manager per object:
 * `fieldManager` required (422 Invalid), the body must be the URL's object (400), its namespace
 * must exist (404), another manager's object with a changed `spec`, `data` or label is 409
 * Conflict without `force=true`, `dryRun=All` answers the object without storing it; 201 made,
 * 200 updated (new resourceVersion, same uid).
 */
export function serverSideApply(request: RecordedRequest, target: ApplyTarget, store: ApplyStore): FakeReply {
  const manager = request.query.get('fieldManager');
  const name = request.path.split('/').at(-1) ?? '';
  if (!manager) {
    return FakeKubernetesApi.status(422, 'Invalid', 'fieldManager: Required value: is required for apply patch');
  }
  let body: KubeObject;
  try {
    body = JSON.parse(request.body) as KubeObject;
  } catch {
    return FakeKubernetesApi.status(400, 'BadRequest', 'error decoding YAML: the body is not YAML');
  }
  if (body.apiVersion !== target.apiVersion || body.kind !== target.kind || body.metadata?.name !== name) {
    return FakeKubernetesApi.status(400, 'BadRequest', `the object does not match the URL (${target.kind} ${name})`);
  }
  const { namespace, plural } = target;
  if (namespace && !store.namespaceExists(namespace)) {
    return FakeKubernetesApi.status(404, 'NotFound', `namespaces "${namespace}" not found`);
  }
  const existing = store.read(plural, namespace, name);
  const owner =
    (existing?.metadata.managedFields as { manager: string }[] | undefined)?.[0]?.manager ?? 'before-first-apply';
  const changes = existing && ['spec', 'data', 'metadata.labels'].some((field) => differs(existing, body, field));
  if (existing && owner !== manager && changes && request.query.get('force') !== 'true') {
    return FakeKubernetesApi.status(409, 'Conflict', `Apply failed with 1 conflict: conflict with "${owner}"`);
  }
  const object = {
    ...existing,
    ...body,
    metadata: {
      ...existing?.metadata,
      ...body.metadata,
      ...store.metadata(name, namespace),
      ...(existing ? { uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp } : {}),
      managedFields: [{ manager, operation: 'Apply', apiVersion: target.apiVersion }],
    },
  } as KubeObject;
  const status = existing ? 200 : 201;
  if (request.query.get('dryRun') !== 'All') store.write(plural, namespace, name, object, !existing);
  return { status, body: object };
}

function differs(a: KubeObject, b: KubeObject, path: string): boolean {
  const at = (object: KubeObject) =>
    path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], object);
  return at(b) !== undefined && JSON.stringify(at(a)) !== JSON.stringify(at(b));
}
