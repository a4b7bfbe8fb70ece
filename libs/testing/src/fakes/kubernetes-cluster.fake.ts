import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeReply, type RecordedRequest } from './fake-http.server.js';
import { FakeKubernetesApi, type KubeObject } from './kubernetes.fake.js';
import { APPLY_PATCH, serverSideApply } from './kubernetes-apply.fake.js';

/** A create, read or delete the fake did (scripted failures are only in `requests`). */
export interface KubernetesWriteRecord {
  readonly verb: 'create' | 'delete' | 'apply';
  readonly plural: string;
  readonly namespace: string;
  readonly name: string;
  /** 201 created, 409 already there, 200/404 for deletes; applies: 201 made, 200 updated (none for dry runs). */
  readonly status: number;
  readonly at: number;
}

const CORE_NAMESPACE = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/;
const CORE_OBJECT = /^\/api\/v1\/namespaces\/([^/]+)\/(resourcequotas|limitranges|configmaps)(?:\/([^/]+))?$/;
const GROUP_OBJECT = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/;
/** The namespaced kinds of API groups this fake stores, by group/version/plural. */
const GROUP_KINDS: Record<string, string> = {
  'rbac.authorization.k8s.io/v1/rolebindings': 'RoleBinding',
  'argoproj.io/v1alpha1/applications': 'Application',
};
const CORE_KINDS: Record<string, string> = {
  resourcequotas: 'ResourceQuota',
  limitranges: 'LimitRange',
  configmaps: 'ConfigMap',
};

/** A server-side apply the fake answered (dry runs too), with its query. */
export interface KubernetesApplyRecord {
  readonly path: string;
  readonly fieldManager: string | null;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly status: number;
  readonly body: unknown;
}

/**
 * The Kubernetes API fake plus create/read/delete of what a provisioning plan makes: Namespaces,
 * ResourceQuotas and LimitRanges (core v1), RoleBindings (rbac.authorization.k8s.io/v1) and Argo
 * CD Applications (argoproj.io/v1alpha1), as the API server answers them: 201 with uid and
 * resourceVersion, 409 `AlreadyExists`, 404 `NotFound` (also for a create in a namespace that does
 * not exist), 403 for a create in a Terminating namespace. A test can fail a kind's creates
 * (`failCreates`) or hold the answers of creates and deletes (`holdCreates`, `holdDeletes`: the
 * change is made first, so a client that dies meanwhile loses only the answer).
 *
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`) of the same kinds and ConfigMaps:
 * `fieldManager` required (422), `dryRun=All` answers without storing, a new object is 201, an
 * update 200 with a new resourceVersion; the object's manager is recorded in `managedFields`, and
 * an apply by another manager that changes a field it owns is 409 `Conflict` unless `force=true`.
 */
export class FakeKubernetesCluster extends FakeKubernetesApi {
  readonly writes: KubernetesWriteRecord[] = [];
  readonly applies: KubernetesApplyRecord[] = [];
  private readonly stored = new Map<string, KubeObject>();
  private readonly failures = new Map<string, { reply: FakeReply; remaining: number }>();
  private readonly holds = new Map<string, number>();

  constructor(token?: string) {
    super(token);
    this.route('POST', CORE_NAMESPACE, (r) => this.guard(r) ?? this.createNamespace(r));
    this.route('GET', CORE_NAMESPACE, (r) =>
      CORE_NAMESPACE.exec(r.path)?.[1] ? (this.guard(r) ?? this.readNamespace(r)) : undefined,
    );
    this.route('DELETE', CORE_NAMESPACE, (r) => {
      this.record(
        'delete',
        'namespaces',
        '',
        CORE_NAMESPACE.exec(r.path)?.[1] ?? '',
        this.namespace(CORE_NAMESPACE.exec(r.path)?.[1] ?? '') ? 200 : 404,
      );
      return undefined; // the base fake deletes (Terminating)
    });
    this.route('PATCH', CORE_NAMESPACE, (r) =>
      this.apply(r, { apiVersion: 'v1', plural: 'namespaces', kind: 'Namespace' }),
    );
    this.route('PATCH', CORE_OBJECT, (r) => {
      const [, namespace = '', plural = ''] = CORE_OBJECT.exec(r.path) ?? [];
      return this.apply(r, { apiVersion: 'v1', plural, kind: CORE_KINDS[plural]!, namespace });
    });
    this.route('PATCH', GROUP_OBJECT, (r) => {
      const [, group = '', version = '', namespace = '', plural = ''] = GROUP_OBJECT.exec(r.path) ?? [];
      const kind = GROUP_KINDS[`${group}/${version}/${plural}`];
      return kind ? this.apply(r, { apiVersion: `${group}/${version}`, plural, kind, namespace }) : undefined;
    });
    for (const method of ['POST', 'GET', 'DELETE']) {
      this.route(method, CORE_OBJECT, (r) => {
        const [, namespace = '', plural = '', name] = CORE_OBJECT.exec(r.path) ?? [];
        return (
          this.guard(r) ?? this.object(r, { apiVersion: 'v1', plural, kind: CORE_KINDS[plural]!, namespace, name })
        );
      });
      this.route(method, GROUP_OBJECT, (r) => {
        const [, group = '', version = '', namespace = '', plural = '', name] = GROUP_OBJECT.exec(r.path) ?? [];
        const kind = GROUP_KINDS[`${group}/${version}/${plural}`];
        if (!kind) return undefined;
        return this.guard(r) ?? this.object(r, { apiVersion: `${group}/${version}`, plural, kind, namespace, name });
      });
    }
  }

  /** Answers the next `times` creates of `plural` (`rolebindings`, `namespaces`, …) with `reply`. */
  failCreates(plural: string, reply: FakeReply, times = Infinity): this {
    this.failures.set(plural, { reply, remaining: times });
    return this;
  }

  /** Stores creates of `plural` at once but answers them only after `ms` (0: answer at once again). */
  holdCreates(plural: string, ms: number): this {
    this.holds.set(plural, ms);
    return this;
  }

  /** Deletes `plural` at once but answers only after `ms` (0: answer at once again). */
  holdDeletes(plural: string, ms: number): this {
    this.holds.set(`delete:${plural}`, ms);
    return this;
  }

  /** A stored object of a kind this class adds (not Namespaces: see `namespace()`). */
  storedObject(plural: string, namespace: string, name: string): KubeObject | undefined {
    return this.stored.get(`${plural}/${namespace}/${name}`);
  }

  /** The creates that made an object (201), per plural. */
  created(plural: string): KubernetesWriteRecord[] {
    return this.writes.filter((w) => w.verb === 'create' && w.plural === plural && w.status === 201);
  }

  /** The objects of a kind that exist now (Namespaces: those not Terminating). */
  existing(plural: string): string[] {
    if (plural === 'namespaces') {
      return this.created('namespaces')
        .map((w) => w.name)
        .filter((name) => this.namespace(name) && this.namespace(name)!.metadata.deletionTimestamp === undefined);
    }
    return [...this.stored.keys()].filter((k) => k.startsWith(`${plural}/`)).map((k) => k.slice(plural.length + 1));
  }

  private guard(request: RecordedRequest): FakeReply | undefined {
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return FakeKubernetesApi.status(401, 'Unauthorized', 'Unauthorized');
    }
    if (request.method !== 'POST' && request.method !== 'PATCH') return undefined;
    const plural = this.pluralOf(request.path);
    const failure = this.failures.get(plural);
    if (failure && failure.remaining > 0) {
      failure.remaining--;
      return failure.reply;
    }
    return undefined;
  }

  private pluralOf(path: string): string {
    if (CORE_NAMESPACE.test(path)) return 'namespaces';
    return (CORE_OBJECT.exec(path)?.[2] ?? GROUP_OBJECT.exec(path)?.[4]) || '';
  }

  private async createNamespace(request: RecordedRequest): Promise<FakeReply> {
    const body = request.json as KubeObject | undefined;
    const name = nameOf(body);
    const existing = this.namespace(name);
    if (existing) {
      this.record('create', 'namespaces', '', name, 409);
      return alreadyExists('namespaces', name);
    }
    const object = {
      ...body,
      metadata: { ...body?.metadata, ...this.metadata(name) },
      status: { phase: 'Active' },
    } as KubeObject;
    this.namespaces.set(name, object);
    this.record('create', 'namespaces', '', name, 201);
    await this.held('namespaces');
    return { status: 201, body: object };
  }

  private readNamespace(request: RecordedRequest): FakeReply {
    const name = CORE_NAMESPACE.exec(request.path)?.[1] ?? '';
    const object = this.namespace(name);
    return object ? { body: object } : notFound('namespaces', name);
  }

  private async object(
    request: RecordedRequest,
    target: { apiVersion: string; plural: string; kind: string; namespace: string; name?: string },
  ): Promise<FakeReply> {
    const { plural, namespace } = target;
    if (request.method === 'POST') {
      const body = request.json as KubeObject | undefined;
      const name = nameOf(body);
      const ns = this.namespace(namespace);
      if (!ns) return notFound('namespaces', namespace);
      if (ns.metadata.deletionTimestamp !== undefined) {
        return FakeKubernetesApi.status(
          403,
          'Forbidden',
          `${plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        );
      }
      const key = `${plural}/${namespace}/${name}`;
      if (this.stored.has(key)) {
        this.record('create', plural, namespace, name, 409);
        return alreadyExists(plural, name);
      }
      const object = {
        ...body,
        apiVersion: target.apiVersion,
        kind: target.kind,
        metadata: { ...body?.metadata, ...this.metadata(name, namespace) },
      } as KubeObject;
      this.stored.set(key, object);
      if (plural === 'resourcequotas') {
        const hard = (object.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
        this.quotas.set(namespace, [...(this.quotas.get(namespace) ?? []), { ...object, status: { hard, used: {} } }]);
      }
      this.record('create', plural, namespace, name, 201);
      await this.held(plural);
      return { status: 201, body: object };
    }
    const name = target.name ?? '';
    const key = `${plural}/${namespace}/${name}`;
    const object = this.stored.get(key);
    if (request.method === 'GET') return object ? { body: object } : notFound(plural, name);
    this.record('delete', plural, namespace, name, object ? 200 : 404);
    if (!object) return notFound(plural, name);
    this.stored.delete(key);
    if (plural === 'resourcequotas') {
      this.quotas.set(
        namespace,
        (this.quotas.get(namespace) ?? []).filter((q) => q.metadata.name !== name),
      );
    }
    await this.held(`delete:${plural}`);
    return { body: { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: plural } } };
  }

  /** A server-side apply of `target` (falls through for other patch types). */
  private apply(
    request: RecordedRequest,
    target: { apiVersion: string; plural: string; kind: string; namespace?: string },
  ): FakeReply | undefined {
    if (request.headers['content-type'] !== APPLY_PATCH) return undefined;
    const store = {
      namespaceExists: (name: string) => this.namespace(name) !== undefined,
      read: (plural: string, namespace: string | undefined, name: string) =>
        namespace ? this.stored.get(`${plural}/${namespace}/${name}`) : this.namespace(name),
      write: (plural: string, namespace: string | undefined, name: string, object: KubeObject, made: boolean) => {
        if (namespace) this.stored.set(`${plural}/${namespace}/${name}`, object);
        else this.namespaces.set(name, { ...object, status: { phase: 'Active' } });
        this.record('apply', plural, namespace ?? '', name, made ? 201 : 200);
      },
      metadata: (name: string, namespace?: string) => this.metadata(name, namespace),
    };
    const reply = this.guard(request) ?? serverSideApply(request, target, store);
    this.applies.push({
      path: request.path,
      fieldManager: request.query.get('fieldManager'),
      force: request.query.get('force') === 'true',
      dryRun: request.query.get('dryRun') === 'All',
      status: reply.status ?? 200,
      body: reply.body,
    });
    return reply;
  }

  private async held(plural: string): Promise<void> {
    const ms = this.holds.get(plural) ?? 0;
    if (ms > 0) await sleep(ms);
  }

  private record(
    verb: KubernetesWriteRecord['verb'],
    plural: string,
    namespace: string,
    name: string,
    status: number,
  ): void {
    this.writes.push({ verb, plural, namespace, name, status, at: Date.now() });
  }
}

function alreadyExists(plural: string, name: string): FakeReply {
  return FakeKubernetesApi.status(409, 'AlreadyExists', `${plural} "${name}" already exists`, { name, kind: plural });
}

function notFound(plural: string, name: string): FakeReply {
  return FakeKubernetesApi.status(404, 'NotFound', `${plural} "${name}" not found`, { name, kind: plural });
}

function nameOf(body: KubeObject | undefined): string {
  const name = body?.metadata?.name;
  return typeof name === 'string' ? name : '';
}
