import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Observable,
  RbacAuthorizationV1Api,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { type KubernetesObject, toKubernetesError } from '../../actions/externalsecret-refresh/kubernetes.client.js';

/** The kinds of object the provisioning plan creates, each by its API. */
export type ProvisionedKind = 'Namespace' | 'ResourceQuota' | 'LimitRange' | 'RoleBinding' | 'Application';

/** Which object: its kind, name and (for namespaced kinds) namespace. */
export interface ObjectRef {
  readonly kind: ProvisionedKind;
  readonly name: string;
  readonly namespace?: string;
}

const ARGO = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' } as const;

const API_OF: Record<ProvisionedKind, { group: string; version: string; plural: string }> = {
  Namespace: { group: '', version: 'v1', plural: 'namespaces' },
  ResourceQuota: { group: '', version: 'v1', plural: 'resourcequotas' },
  LimitRange: { group: '', version: 'v1', plural: 'limitranges' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings' },
  Application: ARGO,
};

/**
 * Create, read and delete of the objects a provisioning plan makes, through `@kubernetes/client-node`'s
 * typed APIs (core, RBAC, custom objects for Argo CD's `argoproj.io/v1alpha1` Application). Every
 * failure leaves as a typed `Kubernetes*Error` (the executor's existing mapping), so a 409 says
 * "already exists" and 5xx/429 are retried.
 */
export class KubernetesObjectsClient {
  private readonly core: CoreV1Api;
  private readonly rbac: RbacAuthorizationV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(
    config: KubeConfig,
    private readonly requestTimeoutMs: number,
  ) {
    this.core = config.makeApiClient(CoreV1Api);
    this.rbac = config.makeApiClient(RbacAuthorizationV1Api);
    this.custom = config.makeApiClient(CustomObjectsApi);
  }

  async create(ref: ObjectRef, manifest: KubernetesObject, signal: AbortSignal): Promise<KubernetesObject> {
    const options = this.options(signal);
    // client-node serialises its model types (Date objects where the wire has strings, `_default`
    // where the wire has `default`); the manifests are wire JSON, so they are shaped as its models.
    const body = toModel(ref.kind, manifest) as never;
    const namespace = ref.namespace ?? '';
    return this.call(ref, (): Promise<unknown> => {
      switch (ref.kind) {
        case 'Namespace':
          return this.core.createNamespace({ body }, options);
        case 'ResourceQuota':
          return this.core.createNamespacedResourceQuota({ namespace, body }, options);
        case 'LimitRange':
          return this.core.createNamespacedLimitRange({ namespace, body }, options);
        case 'RoleBinding':
          return this.rbac.createNamespacedRoleBinding({ namespace, body }, options);
        case 'Application':
          return this.custom.createNamespacedCustomObject({ ...ARGO, namespace, body }, options);
      }
    });
  }

  async read(ref: ObjectRef, signal: AbortSignal): Promise<KubernetesObject> {
    const options = this.options(signal);
    const { name } = ref;
    const namespace = ref.namespace ?? '';
    const object = await this.call(ref, (): Promise<unknown> => {
      switch (ref.kind) {
        case 'Namespace':
          return this.core.readNamespace({ name }, options);
        case 'ResourceQuota':
          return this.core.readNamespacedResourceQuota({ name, namespace }, options);
        case 'LimitRange':
          return this.core.readNamespacedLimitRange({ name, namespace }, options);
        case 'RoleBinding':
          return this.rbac.readNamespacedRoleBinding({ name, namespace }, options);
        case 'Application':
          return this.custom.getNamespacedCustomObject({ ...ARGO, namespace, name }, options);
      }
    });
    return fromModel(ref.kind, object);
  }

  async delete(ref: ObjectRef, signal: AbortSignal): Promise<void> {
    const options = this.options(signal);
    const { name } = ref;
    const namespace = ref.namespace ?? '';
    const body = { propagationPolicy: 'Background' };
    await this.call(ref, (): Promise<unknown> => {
      switch (ref.kind) {
        case 'Namespace':
          return this.core.deleteNamespace({ name, body }, options);
        case 'ResourceQuota':
          return this.core.deleteNamespacedResourceQuota({ name, namespace, body }, options);
        case 'LimitRange':
          return this.core.deleteNamespacedLimitRange({ name, namespace, body }, options);
        case 'RoleBinding':
          return this.rbac.deleteNamespacedRoleBinding({ name, namespace, body }, options);
        case 'Application':
          return this.custom.deleteNamespacedCustomObject({ ...ARGO, namespace, name, body }, options);
      }
    });
  }

  private options(signal: AbortSignal) {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]);
    const middleware = {
      pre: (context: RequestContext) => {
        context.setSignal(timeout);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    return { middleware: [middleware], middlewareMergeStrategy: 'append' as const };
  }

  private async call(ref: ObjectRef, request: () => Promise<unknown>): Promise<KubernetesObject> {
    try {
      return (await request()) as KubernetesObject;
    } catch (error) {
      throw toKubernetesError(error, { ...API_OF[ref.kind], namespace: ref.namespace ?? '', name: ref.name });
    }
  }
}

type LimitItem = Record<string, unknown>;

/** client-node's V1LimitRangeItem calls the wire's `default` `_default` (a reserved word); the rest match. */
function toModel(kind: ProvisionedKind, object: KubernetesObject): KubernetesObject {
  if (kind !== 'LimitRange') return object;
  const limits = (object.spec?.limits as LimitItem[] | undefined) ?? [];
  const renamed = limits.map(({ default: defaults, ...item }) => ({ ...item, _default: defaults }));
  return { ...object, spec: { ...object.spec, limits: renamed } };
}

function fromModel(kind: ProvisionedKind, object: KubernetesObject): KubernetesObject {
  if (kind !== 'LimitRange') return object;
  const limits = (object.spec?.limits as LimitItem[] | undefined) ?? [];
  const renamed = limits.map(({ _default: defaults, ...item }) => ({ ...item, default: defaults }));
  return { ...object, spec: { ...object.spec, limits: renamed } };
}
