import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesClient, KubernetesConnection } from '../actions/externalsecret-refresh/kubernetes.client.js';
import type { KubernetesApplyClient } from '../actions/kubernetes-apply/kubernetes-apply.client.js';
import type { KubernetesObjectsClient } from '../provisioning/kubernetes/kubernetes-objects.client.js';

/** The Kubernetes API clients of the actions and the provisioning steps, built once per process. */
export interface KubernetesClients {
  readonly kubeConfig: KubeConfig;
  /** Custom objects, core reads and patches (ExternalSecrets, rollout restarts, diagnostics, reports). */
  readonly api: KubernetesClient;
  /** Server-side apply (`kubernetes.apply`). */
  readonly apply: KubernetesApplyClient;
  /** Create, read, delete of typed objects (preview environments, provisioning plans). */
  readonly objects: KubernetesObjectsClient;
}

/**
 * The clients for KUBE_API_URL (or KUBECONFIG); undefined, and `@kubernetes/client-node` never
 * loaded, when neither is set. The library is large: loaded under the telemetry's loader hook it
 * costs the process ~130 MB of RSS (30 MB of heap), which an executor without a cluster to talk to
 * (every Kubernetes action then goes to the outbox) should not carry. Throws when KUBECONFIG names
 * a file that cannot be read.
 */
export async function loadKubernetesClients(
  connection: KubernetesConnection,
  requestTimeoutMs: number,
): Promise<KubernetesClients | undefined> {
  if (!connection.apiUrl && !connection.kubeconfigPath) return undefined;
  const [{ kubeConfigOf, KubernetesClient }, { KubernetesApplyClient }, { KubernetesObjectsClient }] =
    await Promise.all([
      import('../actions/externalsecret-refresh/kubernetes.client.js'),
      import('../actions/kubernetes-apply/kubernetes-apply.client.js'),
      import('../provisioning/kubernetes/kubernetes-objects.client.js'),
    ]);
  const kubeConfig = kubeConfigOf(connection);
  if (!kubeConfig) return undefined;
  return {
    kubeConfig,
    api: new KubernetesClient(kubeConfig, requestTimeoutMs),
    apply: new KubernetesApplyClient(kubeConfig, requestTimeoutMs),
    objects: new KubernetesObjectsClient(kubeConfig, requestTimeoutMs),
  };
}
