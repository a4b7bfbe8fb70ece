import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** A PATCH the fake received for an object it knows, with the content type that chose the patch strategy. */
export interface KubernetesPatchRecord {
  group: string;
  version: string;
  namespace: string;
  plural: string;
  name: string;
  contentType: string;
  body: unknown;
  at: number;
}

type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

const OBJECT_PATH = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/;
const MERGE_PATCH = 'application/merge-patch+json';
const ESO_GROUP = 'external-secrets.io';
const ESO_VERSIONS = new Set(['v1', 'v1beta1']);

/**
 * A loopback Kubernetes API server for namespaced custom objects (ExternalSecrets): GET and
 * merge-patch (`application/merge-patch+json`, RFC 7386) of the objects it knows, answering
 * errors as `Status` objects (404 NotFound, 401 Unauthorized, 415 for patch types a custom
 * resource does not take). A patch that changes the `force-sync` annotation makes the fake
 * "reconcile" like the External Secrets operator: `status.refreshTime` moves and Ready turns True.
 */
export class FakeKubernetesApi extends FakeHttpServer {
  static readonly DEFAULT_TOKEN = 'kube-fake-token';
  readonly patches: KubernetesPatchRecord[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private readonly scripted: { reply: FakeReply; remaining: number }[] = [];
  private resourceVersion = 1000;

  constructor(readonly token: string = FakeKubernetesApi.DEFAULT_TOKEN) {
    super();
    this.route('GET', OBJECT_PATH, (request) => this.authorized(request) ?? this.read(request));
    this.route('PATCH', OBJECT_PATH, (request) => this.authorized(request) ?? this.patch(request));
  }

  /** A Kubernetes `Status` failure object. */
  static status(code: number, reason: string, message: string, details?: Record<string, unknown>): FakeReply {
    return {
      status: code,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code },
    };
  }

  addExternalSecret(namespace: string, name: string, spec: Record<string, unknown> = {}): this {
    this.objects.set(key(ESO_GROUP, 'externalsecrets', namespace, name), {
      apiVersion: `${ESO_GROUP}/v1beta1`,
      kind: 'ExternalSecret',
      metadata: {
        name,
        namespace,
        uid: crypto.randomUUID(),
        resourceVersion: String(this.resourceVersion++),
        generation: 1,
        creationTimestamp: new Date().toISOString(),
      },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        target: { name, creationPolicy: 'Owner' },
        data: [],
        ...spec,
      },
      status: {
        conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret' }],
      },
    });
    return this;
  }

  /** The current state of an ExternalSecret, or undefined. */
  externalSecret(namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(key(ESO_GROUP, 'externalsecrets', namespace, name));
  }

  /** Answers the next `times` patches with `reply` instead of patching (Infinity: every patch). */
  scriptPatches(reply: FakeReply, times = 1): this {
    this.scripted.push({ reply, remaining: times });
    return this;
  }

  private authorized(request: RecordedRequest): FakeReply | undefined {
    if (request.headers.authorization === `Bearer ${this.token}`) return undefined;
    return FakeKubernetesApi.status(401, 'Unauthorized', 'Unauthorized');
  }

  private locate(request: RecordedRequest) {
    const [, group = '', version = '', namespace = '', plural = '', name = ''] = OBJECT_PATH.exec(request.path) ?? [];
    const served = group === ESO_GROUP && ESO_VERSIONS.has(version);
    return {
      group,
      version,
      namespace,
      plural,
      name,
      served,
      object: this.objects.get(key(group, plural, namespace, name)),
    };
  }

  private read(request: RecordedRequest): FakeReply {
    const target = this.locate(request);
    if (!target.served)
      return FakeKubernetesApi.status(404, 'NotFound', 'the server could not find the requested resource');
    if (!target.object) return notFound(target);
    return { body: { ...target.object, apiVersion: `${target.group}/${target.version}` } };
  }

  private patch(request: RecordedRequest): FakeReply {
    const target = this.locate(request);
    if (!target.served)
      return FakeKubernetesApi.status(404, 'NotFound', 'the server could not find the requested resource');
    const script = this.scripted.find((s) => s.remaining > 0);
    if (script) {
      script.remaining--;
      return script.reply;
    }
    if (!target.object) return notFound(target);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (contentType !== MERGE_PATCH) {
      return FakeKubernetesApi.status(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, ${MERGE_PATCH}, application/apply-patch+yaml (this fake applies ${MERGE_PATCH} only)`,
      );
    }
    if (typeof request.json !== 'object' || request.json === null) {
      return FakeKubernetesApi.status(400, 'BadRequest', 'the request body is not a JSON object');
    }
    const { group, version, namespace, plural, name } = target;
    this.patches.push({ group, version, namespace, plural, name, contentType, body: request.json, at: Date.now() });
    const before = annotation(target.object, 'force-sync');
    const patched = mergePatch(target.object, request.json) as KubeObject;
    patched.metadata.resourceVersion = String(this.resourceVersion++);
    if (annotation(patched, 'force-sync') !== before) {
      patched.status = {
        refreshTime: new Date().toISOString(),
        syncedResourceVersion: `1-${String(patched.metadata.resourceVersion)}`,
        conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }],
      };
    }
    this.objects.set(key(group, plural, namespace, name), patched);
    return { body: { ...patched, apiVersion: `${group}/${version}` } };
  }
}

/** RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = mergePatch(result[name], value);
  }
  return result;
}

function key(group: string, plural: string, namespace: string, name: string): string {
  return `${group}/${plural}/${namespace}/${name}`;
}

function annotation(object: KubeObject, name: string): unknown {
  return (object.metadata.annotations as Record<string, unknown> | undefined)?.[name];
}

function notFound(target: { group: string; plural: string; name: string }): FakeReply {
  return FakeKubernetesApi.status(404, 'NotFound', `${target.plural}.${target.group} "${target.name}" not found`, {
    name: target.name,
    group: target.group,
    kind: target.plural,
  });
}
