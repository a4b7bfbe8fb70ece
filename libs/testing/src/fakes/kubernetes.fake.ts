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
  /** `status` for a patch of the status subresource. */
  subresource?: string;
}

/** What a fake ResourceQuota reports. */
export interface FakeResourceQuota {
  hard: Record<string, string>;
  used: Record<string, string>;
}

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

const OBJECT_PATH = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/;
const MERGE_PATCH = 'application/merge-patch+json';
const ESO_GROUP = 'external-secrets.io';
const ESO_VERSIONS = new Set(['v1', 'v1beta1']);
const CERT_MANAGER_GROUP = 'cert-manager.io';
const STATUS_PATH = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)\/status$/;
const CERTIFICATE_LIST = /^\/apis\/cert-manager\.io\/v1\/(?:namespaces\/([^/]+)\/)?certificates$/;
const NAMESPACE_LIST = /^\/api\/v1\/namespaces$/;
const NAMESPACE_PATH = /^\/api\/v1\/namespaces\/([^/]+)$/;
const QUOTA_LIST = /^\/api\/v1\/namespaces\/([^/]+)\/resourcequotas$/;

/**
 * A loopback Kubernetes API server for namespaced custom objects (ExternalSecrets): GET and
 * merge-patch (`application/merge-patch+json`, RFC 7386) of the objects it knows, answering
 * errors as `Status` objects (404 NotFound, 401 Unauthorized, 415 for patch types a custom
 * resource does not take). A patch that changes the `force-sync` annotation makes the fake
 * "reconcile" like the External Secrets operator: `status.refreshTime` moves and Ready turns True.
 *
 * Also (S7): cert-manager Certificates (list cluster-wide or per namespace, merge-patch of the
 * `status` subresource with the optimistic `resourceVersion` check → 409 Conflict), Namespaces
 * (list with a `labelSelector`, delete → phase Terminating) and ResourceQuotas (list per namespace).
 */
export class FakeKubernetesApi extends FakeHttpServer {
  static readonly DEFAULT_TOKEN = 'kube-fake-token';
  readonly patches: KubernetesPatchRecord[] = [];
  /** Names of the namespaces deleted, in order. */
  readonly deletedNamespaces: string[] = [];
  private readonly objects = new Map<string, KubeObject>();
  protected readonly namespaces = new Map<string, KubeObject>();
  protected readonly quotas = new Map<string, KubeObject[]>();
  private readonly scripted: { reply: FakeReply; remaining: number }[] = [];
  private resourceVersion = 1000;

  constructor(readonly token: string = FakeKubernetesApi.DEFAULT_TOKEN) {
    super();
    this.route('GET', OBJECT_PATH, (request) => this.authorized(request) ?? this.read(request));
    this.route('PATCH', OBJECT_PATH, (request) => this.authorized(request) ?? this.patch(request));
    this.route('GET', CERTIFICATE_LIST, (request) => this.authorized(request) ?? this.listCertificates(request));
    this.route('PATCH', STATUS_PATH, (request) => this.authorized(request) ?? this.patchStatus(request));
    this.route('GET', NAMESPACE_LIST, (request) => this.authorized(request) ?? this.listNamespaces(request));
    this.route('DELETE', NAMESPACE_PATH, (request) => this.authorized(request) ?? this.deleteNamespace(request));
    this.route('GET', QUOTA_LIST, (request) => this.authorized(request) ?? this.listQuotas(request));
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

  /**
   * A cert-manager Certificate whose current certificate expires at `notAfter` (Ready True), or
   * one not issued yet (`notAfter` undefined: Ready False). `issuing` adds an Issuing True condition.
   */
  addCertificate(
    namespace: string,
    name: string,
    options: { notAfter?: Date; issuing?: boolean; dnsNames?: string[] } = {},
  ): this {
    const ready = options.notAfter
      ? { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'DoesNotExist',
          message: 'Issuing certificate as Secret does not exist',
        };
    const conditions: Record<string, unknown>[] = [{ ...ready, observedGeneration: 1 }];
    if (options.issuing)
      conditions.push({ type: 'Issuing', status: 'True', reason: 'Renewing', observedGeneration: 1 });
    this.objects.set(key(CERT_MANAGER_GROUP, 'certificates', namespace, name), {
      apiVersion: `${CERT_MANAGER_GROUP}/v1`,
      kind: 'Certificate',
      metadata: this.metadata(name, namespace),
      spec: {
        secretName: `${name}-tls`,
        dnsNames: options.dnsNames ?? [`${name}.example.com`],
        issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      },
      status: {
        conditions,
        ...(options.notAfter
          ? {
              notAfter: options.notAfter.toISOString(),
              notBefore: new Date(options.notAfter.getTime() - 90 * 86_400_000).toISOString(),
              renewalTime: new Date(options.notAfter.getTime() - 30 * 86_400_000).toISOString(),
            }
          : {}),
      },
    });
    return this;
  }

  certificate(namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(key(CERT_MANAGER_GROUP, 'certificates', namespace, name));
  }

  /** A namespace with labels, created at `createdAt` (default now). */
  addNamespace(name: string, labels: Record<string, string> = {}, createdAt = new Date()): this {
    this.namespaces.set(name, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { ...this.metadata(name), creationTimestamp: createdAt.toISOString(), labels },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    return this;
  }

  namespace(name: string): KubeObject | undefined {
    return this.namespaces.get(name);
  }

  addResourceQuota(namespace: string, name: string, quota: FakeResourceQuota): this {
    const list = this.quotas.get(namespace) ?? [];
    list.push({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: this.metadata(name, namespace),
      spec: { hard: quota.hard },
      status: { hard: quota.hard, used: quota.used },
    });
    this.quotas.set(namespace, list);
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

  protected metadata(name: string, namespace?: string): Record<string, unknown> {
    return {
      name,
      ...(namespace ? { namespace } : {}),
      uid: crypto.randomUUID(),
      resourceVersion: String(this.resourceVersion++),
      generation: 1,
      creationTimestamp: new Date().toISOString(),
    };
  }

  private listCertificates(request: RecordedRequest): FakeReply {
    const [, namespace] = CERTIFICATE_LIST.exec(request.path) ?? [];
    const prefix = `${CERT_MANAGER_GROUP}/certificates/${namespace ? `${namespace}/` : ''}`;
    const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, object]) => object);
    return { body: list(`${CERT_MANAGER_GROUP}/v1`, 'CertificateList', items, this.resourceVersion) };
  }

  private patchStatus(request: RecordedRequest): FakeReply {
    const [, group = '', version = '', namespace = '', plural = '', name = ''] = STATUS_PATH.exec(request.path) ?? [];
    const object = this.objects.get(key(group, plural, namespace, name));
    if (!object) return notFound({ group, plural, name });
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (contentType !== MERGE_PATCH || typeof request.json !== 'object' || request.json === null) {
      return FakeKubernetesApi.status(415, 'UnsupportedMediaType', `this fake applies ${MERGE_PATCH} only`);
    }
    const patch = request.json as { metadata?: { resourceVersion?: string }; status?: unknown };
    const expected = patch.metadata?.resourceVersion;
    if (expected !== undefined && expected !== object.metadata.resourceVersion) {
      return FakeKubernetesApi.status(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${plural}.${group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    this.patches.push({
      group,
      version,
      namespace,
      plural,
      name,
      contentType,
      body: request.json,
      at: Date.now(),
      subresource: 'status',
    });
    // The status subresource ignores everything but `status`.
    const patched = { ...object, status: mergePatch(object.status, patch.status ?? {}) } as KubeObject;
    patched.metadata = { ...object.metadata, resourceVersion: String(this.resourceVersion++) };
    this.objects.set(key(group, plural, namespace, name), patched);
    return { body: patched };
  }

  private listNamespaces(request: RecordedRequest): FakeReply {
    const selector = parseSelector(request.query.get('labelSelector') ?? '');
    if (!selector)
      return FakeKubernetesApi.status(400, 'BadRequest', 'unable to parse requirement: invalid label selector');
    const items = [...this.namespaces.values()].filter((ns) =>
      selector((ns.metadata.labels as Record<string, string> | undefined) ?? {}),
    );
    return { body: list('v1', 'NamespaceList', items, this.resourceVersion) };
  }

  private deleteNamespace(request: RecordedRequest): FakeReply {
    const [, name = ''] = NAMESPACE_PATH.exec(request.path) ?? [];
    const namespace = this.namespaces.get(name);
    if (!namespace)
      return FakeKubernetesApi.status(404, 'NotFound', `namespaces "${name}" not found`, { name, kind: 'namespaces' });
    if (namespace.metadata.deletionTimestamp === undefined) this.deletedNamespaces.push(name);
    namespace.metadata.deletionTimestamp ??= new Date().toISOString();
    namespace.status = { phase: 'Terminating' };
    return { body: namespace };
  }

  private listQuotas(request: RecordedRequest): FakeReply {
    const [, namespace = ''] = QUOTA_LIST.exec(request.path) ?? [];
    return { body: list('v1', 'ResourceQuotaList', this.quotas.get(namespace) ?? [], this.resourceVersion) };
  }

  private authorized(request: RecordedRequest): FakeReply | undefined {
    if (request.headers.authorization === `Bearer ${this.token}`) return undefined;
    return FakeKubernetesApi.status(401, 'Unauthorized', 'Unauthorized');
  }

  private locate(request: RecordedRequest) {
    const [, group = '', version = '', namespace = '', plural = '', name = ''] = OBJECT_PATH.exec(request.path) ?? [];
    const served =
      (group === ESO_GROUP && ESO_VERSIONS.has(version)) || (group === CERT_MANAGER_GROUP && version === 'v1');
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

function list(apiVersion: string, kind: string, items: KubeObject[], resourceVersion: number) {
  return { apiVersion, kind, metadata: { resourceVersion: String(resourceVersion) }, items };
}

/**
 * An equality-based label selector (`a=b,c!=d,e,!f`) as a predicate, or undefined when it does
 * not parse (the API server answers 400 then).
 */
function parseSelector(text: string): ((labels: Record<string, string>) => boolean) | undefined {
  const tests: ((labels: Record<string, string>) => boolean)[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(!?)([A-Za-z0-9./_-]+)(?:\s*(==|=|!=)\s*([A-Za-z0-9._-]*))?$/.exec(part);
    if (!match) return undefined;
    const [, not, name = '', op, value] = match;
    if (not && op) return undefined;
    if (not) tests.push((labels) => !Object.hasOwn(labels, name));
    else if (!op) tests.push((labels) => Object.hasOwn(labels, name));
    else if (op === '!=') tests.push((labels) => labels[name] !== value);
    else tests.push((labels) => labels[name] === value);
  }
  return (labels) => tests.every((test) => test(labels));
}
