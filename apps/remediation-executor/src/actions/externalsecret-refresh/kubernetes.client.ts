import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { parseRetryAfter, VendorRetryPolicy } from '@hub/contracts';
import { KubernetesNotFoundError, KubernetesRequestError, KubernetesUnreachableError } from './kubernetes.errors.js';

/** Where the API server is: a URL (+ bearer token, CA file), or a kubeconfig file's current context. */
export interface KubernetesConnection {
  apiUrl?: string;
  token?: string;
  caFile?: string;
  kubeconfigPath?: string;
}

/** A namespaced custom object. */
export interface CustomObjectRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** A kind of custom resource (cluster-wide or in one namespace). */
export interface CustomResourceType {
  group: string;
  version: string;
  plural: string;
}

/** The parts of a Kubernetes object the actions read. */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string | Date;
    deletionTimestamp?: string | Date;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** A Kubernetes `Status` failure body. */
interface KubernetesStatus {
  kind?: string;
  message?: string;
  reason?: string;
}

/** Builds the client configuration: KUBE_API_URL wins over KUBECONFIG; undefined when neither is set. */
export function kubeConfigOf(connection: KubernetesConnection): KubeConfig | undefined {
  const config = new KubeConfig();
  if (connection.apiUrl) {
    const plainHttp = connection.apiUrl.startsWith('http:');
    config.loadFromOptions({
      // client-node refuses plain http unless told TLS is skipped (there is none to verify).
      clusters: [{ name: 'hub', server: connection.apiUrl, skipTLSVerify: plainHttp, caFile: connection.caFile }],
      users: [{ name: 'hub', ...(connection.token ? { token: connection.token } : {}) }],
      contexts: [{ name: 'hub', cluster: 'hub', user: 'hub' }],
      currentContext: 'hub',
    });
    return config;
  }
  if (connection.kubeconfigPath) {
    config.loadFromFile(connection.kubeconfigPath);
    return config;
  }
  return undefined;
}

/**
 * The Kubernetes API through `@kubernetes/client-node` (its CustomObjectsApi), for custom
 * resources such as ExternalSecrets. Every failure leaves as a typed `Kubernetes*Error`.
 */
export class KubernetesClient {
  private readonly api: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly circuit = new VendorRetryPolicy({ vendor: 'kubernetes' });
  /** The API server this client talks to. */
  readonly server: string;

  constructor(
    config: KubeConfig,
    private readonly requestTimeoutMs: number,
  ) {
    this.api = config.makeApiClient(CustomObjectsApi);
    this.core = config.makeApiClient(CoreV1Api);
    this.server = config.getCurrentCluster()?.server ?? '';
  }

  /** Applies an RFC 7386 merge patch (`application/merge-patch+json`); answers the patched object. */
  async mergePatch(ref: CustomObjectRef, patch: object, signal: AbortSignal): Promise<KubernetesObject> {
    return this.call<KubernetesObject>(ref, () =>
      this.api.patchNamespacedCustomObject({ ...ref, body: patch }, this.options(signal, PatchStrategy.MergePatch)),
    );
  }

  /**
   * Merge-patches the object's `status` subresource (what `kubectl … --subresource=status` and
   * cert-manager's `cmctl renew` write). A `metadata.resourceVersion` in the patch makes the API
   * server refuse it with 409 when the object changed since it was read.
   */
  async mergePatchStatus(ref: CustomObjectRef, patch: object, signal: AbortSignal): Promise<KubernetesObject> {
    return this.call<KubernetesObject>(ref, () =>
      this.api.patchNamespacedCustomObjectStatus(
        { ...ref, body: patch },
        this.options(signal, PatchStrategy.MergePatch),
      ),
    );
  }

  /** Custom objects of a type, in one namespace or (namespace undefined) in all. */
  async listCustomObjects(
    type: CustomResourceType,
    namespace: string | undefined,
    signal: AbortSignal,
  ): Promise<KubernetesObject[]> {
    const list = await this.call<{ items?: KubernetesObject[] }>(
      { ...type, namespace: namespace ?? '*', name: '*' },
      () =>
        namespace
          ? this.api.listNamespacedCustomObject({ ...type, namespace }, this.options(signal))
          : this.api.listClusterCustomObject(type, this.options(signal)),
    );
    return list.items ?? [];
  }

  /** Namespaces matching a label selector (`preview=true`, `team`). */
  async listNamespaces(labelSelector: string, signal: AbortSignal): Promise<KubernetesObject[]> {
    const list = await this.call(namespacesRef('*'), () =>
      this.core.listNamespace({ labelSelector }, this.options(signal)),
    );
    return list.items as KubernetesObject[];
  }

  /** Deletes a namespace (and, through the namespace controller, everything in it). */
  async deleteNamespace(name: string, signal: AbortSignal): Promise<void> {
    await this.call(namespacesRef(name), () =>
      this.core.deleteNamespace({ name, body: { propagationPolicy: 'Background' } }, this.options(signal)),
    );
  }

  /** The ResourceQuotas of a namespace, with `status.hard` and `status.used`. */
  async listResourceQuotas(namespace: string, signal: AbortSignal): Promise<KubernetesObject[]> {
    const list = await this.call({ group: '', version: 'v1', plural: 'resourcequotas', namespace, name: '*' }, () =>
      this.core.listNamespacedResourceQuota({ namespace }, this.options(signal)),
    );
    return list.items as KubernetesObject[];
  }

  /** The pods of a namespace matching a label selector (`app=web`), with their container statuses. */
  async listPods(namespace: string, labelSelector: string, signal: AbortSignal): Promise<KubernetesObject[]> {
    const list = await this.call({ group: '', version: 'v1', plural: 'pods', namespace, name: '*' }, () =>
      this.core.listNamespacedPod({ namespace, labelSelector }, this.options(signal)),
    );
    return list.items as KubernetesObject[];
  }

  /** The core v1 Events of a namespace matching a field selector (`involvedObject.name=web-1`). */
  async listEvents(namespace: string, fieldSelector: string, signal: AbortSignal): Promise<KubernetesObject[]> {
    const list = await this.call({ group: '', version: 'v1', plural: 'events', namespace, name: '*' }, () =>
      this.core.listNamespacedEvent({ namespace, fieldSelector }, this.options(signal)),
    );
    return list.items;
  }

  /** The last `tailLines` lines (at most `limitBytes`) of a pod's container log. */
  async podLog(
    pod: { namespace: string; name: string; container: string },
    bounds: { tailLines: number; limitBytes: number },
    signal: AbortSignal,
  ): Promise<string> {
    const { namespace, name, container } = pod;
    return this.call({ group: '', version: 'v1', plural: 'pods', namespace, name }, () =>
      this.core.readNamespacedPodLog({ namespace, name, container, ...bounds }, this.options(signal)),
    );
  }

  /** Request options: the action's abort signal with the request timeout, and a patch content type. */
  private options(signal: AbortSignal, contentType?: string) {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]);
    const middleware = {
      pre: (context: RequestContext) => {
        if (contentType) context.setHeaderParam('Content-Type', contentType);
        context.setSignal(timeout);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    return { middleware: [middleware], middlewareMergeStrategy: 'append' as const };
  }

  /** One request under the API server's circuit (retries are the runner's attempts). */
  private call<T>(ref: CustomObjectRef, request: () => Promise<T>): Promise<T> {
    return this.circuit.execute(async () => {
      try {
        return await request();
      } catch (error) {
        throw toKubernetesError(error, ref);
      }
    });
  }
}

function namespacesRef(name: string): CustomObjectRef {
  return { group: '', version: 'v1', plural: 'namespaces', namespace: '', name };
}

/** A client-node failure as a typed `Kubernetes*Error` (404 NotFound, status with Retry-After, unreachable). */
export function toKubernetesError(error: unknown, ref: CustomObjectRef): Error {
  const context = { ...ref };
  if (!(error instanceof ApiException)) {
    const message = error instanceof Error ? error.message : String(error);
    return new KubernetesUnreachableError(`the Kubernetes API did not answer: ${message}`, context, { cause: error });
  }
  const status = parseStatus(error.body);
  const message = status?.message ?? `HTTP ${error.code}`;
  const details = { ...context, status: error.code, reason: status?.reason, message };
  if (error.code === 404) {
    return new KubernetesNotFoundError(`Kubernetes: ${message}`, details, { cause: error });
  }
  return new KubernetesRequestError(
    `the Kubernetes API answered ${error.code} (${status?.reason ?? 'no reason'}): ${message}`,
    error.code,
    parseRetryAfter(error.headers['retry-after']),
    details,
  );
}

function parseStatus(body: unknown): KubernetesStatus | undefined {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as KubernetesStatus;
  } catch {
    return undefined;
  }
}
