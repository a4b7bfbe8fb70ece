import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { parseRetryAfter } from '../http-status.js';
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

/** The parts of a Kubernetes object the actions read. */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string> };
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
  /** The API server this client talks to. */
  readonly server: string;

  constructor(
    config: KubeConfig,
    private readonly requestTimeoutMs: number,
  ) {
    this.api = config.makeApiClient(CustomObjectsApi);
    this.server = config.getCurrentCluster()?.server ?? '';
  }

  /** Applies an RFC 7386 merge patch (`application/merge-patch+json`); answers the patched object. */
  async mergePatch(ref: CustomObjectRef, patch: object, signal: AbortSignal): Promise<KubernetesObject> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]);
    const middleware = {
      pre: (context: RequestContext) => {
        context.setHeaderParam('Content-Type', PatchStrategy.MergePatch);
        context.setSignal(timeout);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    try {
      return (await this.api.patchNamespacedCustomObject(
        { ...ref, body: patch },
        { middleware: [middleware], middlewareMergeStrategy: 'append' },
      )) as KubernetesObject;
    } catch (error) {
      throw toKubernetesError(error, ref);
    }
  }
}

function toKubernetesError(error: unknown, ref: CustomObjectRef): Error {
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
