import { type KubeConfig } from '@kubernetes/client-node';
import { getObject } from './list.client.js';

const TTL_MS = 5 * 60_000;

/**
 * The labels of a quota event's Namespace, so its ticket goes to the namespace's `team` (set by S3
 * provisioning), not to a label of the quota. Read with GET /api/v1/namespaces/{name} (RBAC: `get`
 * on namespaces), kept 5 minutes per namespace. A namespace that cannot be read adds nothing: the
 * event still goes out (the sensor's default team takes it).
 */
export class NamespaceLabels {
  private readonly cache = new Map<string, { labels: Record<string, string>; until: number }>();

  constructor(private readonly kc: KubeConfig) {}

  /** Quota events with `data.namespaceLabels` and `data.team` (the namespace's `team` label) added. */
  async enrich<E extends { type: string; data: Record<string, unknown> }>(events: E[]): Promise<E[]> {
    const out: E[] = [];
    for (const event of events) {
      const namespace = event.data.namespace;
      if (!event.type.startsWith('kubernetes.quota.') || typeof namespace !== 'string' || namespace === '') {
        out.push(event);
        continue;
      }
      const labels = await this.labels(namespace);
      out.push({
        ...event,
        data: { ...event.data, namespaceLabels: labels, ...(labels.team ? { team: labels.team } : {}) },
      });
    }
    return out;
  }

  private async labels(namespace: string): Promise<Record<string, string>> {
    const cached = this.cache.get(namespace);
    if (cached && cached.until > Date.now()) return cached.labels;
    try {
      const object = await getObject(this.kc, `/api/v1/namespaces/${encodeURIComponent(namespace)}`);
      const labels = object.metadata.labels ?? {};
      this.cache.set(namespace, { labels, until: Date.now() + TTL_MS });
      return labels;
    } catch {
      return {};
    }
  }
}
