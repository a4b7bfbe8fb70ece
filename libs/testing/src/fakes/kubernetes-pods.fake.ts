import { type FakeReply, type RecordedRequest } from './fake-http.server.js';
import { FakeKubernetesApi, type KubeObject } from './kubernetes.fake.js';

/** A pod the fake serves: labels, container statuses and each container's log lines. */
export interface FakePod {
  labels?: Record<string, string>;
  containerStatuses?: Record<string, unknown>[];
  /** Log lines per container name. */
  logs?: Record<string, string[]>;
}

const POD_LIST = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/;
const POD_LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;
const EVENT_LIST = /^\/api\/v1\/namespaces\/([^/]+)\/events$/;

/**
 * Pods, their logs and core v1 Events on a {@link FakeKubernetesApi}, as the API server answers
 * them: `GET …/pods?labelSelector=a=b` (equality selectors), `GET …/pods/{name}/log?container=…`
 * honouring `tailLines` and `limitBytes` (plain text), `GET …/events?fieldSelector=involvedObject.name=…`.
 * Every request needs the fake's bearer token. `logRequests` records the log reads.
 */
export class FakeKubernetesPods {
  readonly logRequests: { namespace: string; pod: string; container: string; tailLines?: number }[] = [];
  private readonly pods = new Map<string, KubeObject & { logs: Record<string, string[]> }>();
  private readonly events: KubeObject[] = [];
  private version = 5000;

  constructor(private readonly api: FakeKubernetesApi) {
    api.route('GET', POD_LIST, (r) => this.guard(r) ?? this.listPods(r));
    api.route('GET', POD_LOG, (r) => this.guard(r) ?? this.log(r));
    api.route('GET', EVENT_LIST, (r) => this.guard(r) ?? this.listEvents(r));
  }

  addPod(namespace: string, name: string, pod: FakePod = {}): this {
    this.pods.set(`${namespace}/${name}`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, uid: crypto.randomUUID(), labels: pod.labels ?? {} },
      status: { phase: 'Running', containerStatuses: pod.containerStatuses ?? [] },
      logs: pod.logs ?? {},
    });
    return this;
  }

  /** A core v1 Event about a pod. */
  addEvent(
    namespace: string,
    pod: string,
    event: { reason: string; type?: string; message: string; count?: number },
  ): this {
    const at = new Date().toISOString();
    this.events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod}.${this.version++}`, namespace },
      involvedObject: { kind: 'Pod', namespace, name: pod },
      reason: event.reason,
      type: event.type ?? 'Warning',
      message: event.message,
      count: event.count ?? 1,
      firstTimestamp: at,
      lastTimestamp: at,
    });
    return this;
  }

  private guard(request: RecordedRequest): FakeReply | undefined {
    if (request.headers.authorization === `Bearer ${this.api.token}`) return undefined;
    return FakeKubernetesApi.status(401, 'Unauthorized', 'Unauthorized');
  }

  private listPods(request: RecordedRequest): FakeReply {
    const [, namespace = ''] = POD_LIST.exec(request.path) ?? [];
    const wanted = pairs(request.query.get('labelSelector') ?? '');
    const items = [...this.pods.values()]
      .filter((p) => p.metadata.namespace === namespace)
      .filter((p) => {
        const labels = (p.metadata.labels ?? {}) as Record<string, string>;
        return Object.entries(wanted).every(([k, v]) => labels[k] === v);
      })
      .map(({ logs: _logs, ...pod }) => pod);
    return { body: { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(this.version) }, items } };
  }

  private log(request: RecordedRequest): FakeReply {
    const [, namespace = '', name = ''] = POD_LOG.exec(request.path) ?? [];
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) return FakeKubernetesApi.status(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    const containers = Object.keys(pod.logs);
    const container = request.query.get('container') ?? (containers.length === 1 ? containers[0]! : '');
    const lines = pod.logs[container];
    if (!lines) {
      return FakeKubernetesApi.status(
        400,
        'BadRequest',
        `container ${container || '(none)'} is not valid for pod ${name}`,
      );
    }
    const tail = request.query.get('tailLines');
    const limit = request.query.get('limitBytes');
    this.logRequests.push({ namespace, pod: name, container, ...(tail ? { tailLines: Number(tail) } : {}) });
    let text = (tail ? lines.slice(-Number(tail)) : lines).map((line) => `${line}\n`).join('');
    if (limit) text = Buffer.from(text).subarray(0, Number(limit)).toString();
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: text };
  }

  private listEvents(request: RecordedRequest): FakeReply {
    const [, namespace = ''] = EVENT_LIST.exec(request.path) ?? [];
    const wanted = pairs(request.query.get('fieldSelector') ?? '');
    const items = this.events.filter((e) => {
      const involved = e.involvedObject as Record<string, string>;
      return (
        e.metadata.namespace === namespace &&
        Object.entries(wanted).every(([k, v]) => involved[k.replace(/^involvedObject\./, '')] === v)
      );
    });
    return {
      body: { apiVersion: 'v1', kind: 'EventList', metadata: { resourceVersion: String(this.version) }, items },
    };
  }
}

function pairs(selector: string): Record<string, string> {
  return Object.fromEntries(
    selector
      .split(',')
      .filter(Boolean)
      .map((part) => part.split('=').filter(Boolean) as [string, string]),
  );
}
