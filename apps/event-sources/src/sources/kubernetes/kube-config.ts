import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { type EventSourcesConfig } from '../../event-sources.config.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * How the watch reaches the API server: `KUBE_API_URL` (+ `KUBE_TOKEN`, `KUBE_CA_FILE`) wins, then
 * `KUBECONFIG` (its current context), then the in-cluster service account. Undefined when none is
 * there (a Kubernetes source then reports that it cannot connect, and says how to fix it).
 */
export function kubeConfigFrom(config: EventSourcesConfig): KubeConfig | undefined {
  const kc = new KubeConfig();
  if (config.KUBE_API_URL) {
    const plainHttp = config.KUBE_API_URL.startsWith('http:');
    kc.loadFromOptions({
      clusters: [{ name: 'hub', server: config.KUBE_API_URL, skipTLSVerify: plainHttp, caFile: config.KUBE_CA_FILE }],
      users: [{ name: 'hub', ...(config.KUBE_TOKEN ? { token: config.KUBE_TOKEN } : {}) }],
      contexts: [{ name: 'hub', cluster: 'hub', user: 'hub' }],
      currentContext: 'hub',
    });
    return kc;
  }
  if (config.KUBECONFIG) {
    kc.loadFromFile(config.KUBECONFIG);
    return kc;
  }
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
    return kc;
  }
  return undefined;
}
