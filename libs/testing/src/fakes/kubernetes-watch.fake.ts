import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A watched collection of the fake: the API path prefix and the resource (`/api/v1` + `pods`). */
export type WatchCollection = 'pods' | 'nodes' | 'resourcequotas' | 'events' | 'deployments' | 'events.k8s.io/events';

type KubeObject = Record<string, unknown> & {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
};

interface Change {
  rv: number;
  collection: WatchCollection;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface OpenWatch {
  collection: WatchCollection;
  namespace?: string;
  matches: (object: KubeObject) => boolean;
  res: ServerResponse;
}

/** One watch request the fake received (path and the query the client sent). */
export interface WatchRequest {
  path: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: string;
  at: number;
}

/** A merge patch the fake applied (`PATCH` of an object it holds). */
export interface PatchRecord {
  collection: WatchCollection;
  namespace?: string;
  name: string;
  contentType: string;
  body: unknown;
  at: number;
}

const OBJECT_PATH =
  /^\/(?:api\/v1|apis\/apps\/v1|apis\/events\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/(pods|nodes|resourcequotas|events|deployments)\/([^/]+)$/;

const PATH =
  /^\/(?:api\/v1|apis\/apps\/v1|apis\/events\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/(pods|nodes|resourcequotas|events|deployments)$/;

/**
 * A loopback Kubernetes API server for watches, speaking the wire format `@kubernetes/client-node`
 * reads: `GET …?watch=true` answers 200 and streams one JSON line per change (chunked) —
 * `ADDED`/`MODIFIED`/`DELETED` with the object, `BOOKMARK` with only a resourceVersion. Like etcd
 * it keeps one global resourceVersion and a history: a watch from an old resourceVersion replays
 * what changed since; one older than the last {@link compact} gets an `ERROR` event with a 410
 * `Status` (Expired), as the real API server sends; one without resourceVersion first gets the
 * current objects as synthetic `ADDED` events. Namespaced paths, `labelSelector` (`a=b,c=d`) and
 * `fieldSelector` (`metadata.name=x`, `involvedObject.kind=Pod`, any dotted path) filter. `GET` and
 * merge-`PATCH` (RFC 7386) of one object serve clients that act on what they watch (a rollout
 * restart): a patch is a MODIFIED change like any other.
 */
export class KubernetesWatchFake {
  readonly watchRequests: WatchRequest[] = [];
  readonly patches: PatchRecord[] = [];
  /** Paths of the LIST requests (GET without watch) it answered. */
  readonly listRequests: { path: string; at: number }[] = [];
  private readonly objects = new Map<WatchCollection, Map<string, KubeObject>>();
  private readonly history: Change[] = [];
  private readonly namespaces = new Map<string, KubeObject>();
  private readonly open = new Set<OpenWatch>();
  private rv = 1000;
  private compactedAt = 0;
  private server?: Server;
  private base = '';

  get url(): string {
    return this.base;
  }

  /** The current resourceVersion (of the last change). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Creates or replaces an object (by namespace + name): ADDED or MODIFIED with a new resourceVersion. */
  apply(collection: WatchCollection, object: KubeObject): KubeObject {
    const store = this.store(collection);
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const existing = store.get(key);
    const stored: KubeObject = structuredClone({
      ...object,
      metadata: {
        ...object.metadata,
        uid: existing?.metadata.uid ?? object.metadata.uid ?? randomUUID(),
        resourceVersion: String(++this.rv),
      },
    });
    store.set(key, stored);
    this.record({ rv: this.rv, collection, type: existing ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  /** Deletes an object: DELETED with a new resourceVersion. */
  delete(collection: WatchCollection, namespace: string | undefined, name: string): void {
    const store = this.store(collection);
    const key = `${namespace ?? ''}/${name}`;
    const existing = store.get(key);
    if (!existing) return;
    store.delete(key);
    const object = structuredClone({
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(++this.rv) },
    });
    this.record({ rv: this.rv, collection, type: 'DELETED', object });
  }

  /** Sends a BOOKMARK with the current resourceVersion to every open watch. */
  bookmark(): void {
    for (const watch of this.open) {
      write(watch.res, 'BOOKMARK', { kind: 'Bookmark', metadata: { resourceVersion: this.resourceVersion } });
    }
  }

  /** Forgets the history: a watch from any resourceVersion before now gets 410 Gone. */
  compact(): void {
    this.compactedAt = this.rv;
    this.history.length = 0;
  }

  /** Ends every open watch from the server side (as the API server's watch timeout does). */
  dropWatches(): void {
    for (const watch of this.open) watch.res.end();
    this.open.clear();
  }

  get openWatches(): number {
    return this.open.size;
  }

  private async object(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    namespace: string | undefined,
    resource: string,
    name: string,
  ): Promise<void> {
    const collection = (path.startsWith('/apis/events.k8s.io') ? 'events.k8s.io/events' : resource) as WatchCollection;
    const existing = this.store(collection).get(`${namespace ?? ''}/${name}`);
    if (!existing) return status(res, 404, 'NotFound', `${resource} "${name}" not found`);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(existing));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method !== 'PATCH' || !contentType.startsWith('application/merge-patch+json')) {
      return status(res, 415, 'UnsupportedMediaType', `${req.method} ${contentType} is not supported here`);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    this.patches.push({ collection, ...(namespace ? { namespace } : {}), name, contentType, body, at: Date.now() });
    const patched = this.apply(collection, mergePatch(existing, body) as KubeObject);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(patched));
  }

  private store(collection: WatchCollection): Map<string, KubeObject> {
    let store = this.objects.get(collection);
    if (!store) this.objects.set(collection, (store = new Map<string, KubeObject>()));
    return store;
  }

  private record(change: Change): void {
    this.history.push(change);
    for (const watch of this.open) {
      if (watch.collection === change.collection && watch.matches(change.object))
        write(watch.res, change.type, change.object);
    }
  }

  /** A Namespace `GET /api/v1/namespaces/{name}` answers (its labels name the owning team). */
  addNamespace(name: string, labels: Record<string, string> = {}): this {
    this.namespaces.set(name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    return this;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(url.pathname);
    if (ns && req.method === 'GET') {
      const found = this.namespaces.get(decodeURIComponent(ns[1]!));
      if (!found) return status(res, 404, 'NotFound', `namespaces "${ns[1]}" not found`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(found));
      return;
    }
    const one = OBJECT_PATH.exec(url.pathname);
    if (one) {
      this.object(req, res, url.pathname, one[1], one[2]!, decodeURIComponent(one[3]!)).catch((error: unknown) =>
        status(res, 400, 'BadRequest', (error as Error).message),
      );
      return;
    }
    const match = PATH.exec(url.pathname);
    const query = url.searchParams;
    if (!match || req.method !== 'GET')
      return status(res, 404, 'NotFound', `the server could not find ${url.pathname}`);
    const namespace = match[1];
    const collection = (
      url.pathname.startsWith('/apis/events.k8s.io') ? 'events.k8s.io/events' : match[2]
    ) as WatchCollection;
    const matches = selector(namespace, query.get('labelSelector'), query.get('fieldSelector'));
    const current = [...this.store(collection).values()].filter(matches);
    if (query.get('watch') !== 'true' && query.get('watch') !== '1') {
      this.listRequests.push({ path: url.pathname, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'List',
          apiVersion: 'v1',
          metadata: { resourceVersion: this.resourceVersion },
          items: current,
        }),
      );
      return;
    }
    const from = query.get('resourceVersion') ?? undefined;
    this.watchRequests.push({
      path: url.pathname,
      ...(from !== undefined ? { resourceVersion: from } : {}),
      ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector')! } : {}),
      ...(query.get('fieldSelector') ? { fieldSelector: query.get('fieldSelector')! } : {}),
      ...(query.get('allowWatchBookmarks') ? { allowWatchBookmarks: query.get('allowWatchBookmarks')! } : {}),
      at: Date.now(),
    });
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (from !== undefined && from !== '' && from !== '0' && Number(from) < this.compactedAt) {
      write(res, 'ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Expired',
        code: 410,
        message: `too old resource version: ${from} (${this.compactedAt})`,
      });
      res.end();
      return;
    }
    if (from === undefined || from === '' || from === '0') {
      for (const object of current) write(res, 'ADDED', object);
    } else {
      for (const change of this.history) {
        if (change.collection === collection && change.rv > Number(from) && matches(change.object))
          write(res, change.type, change.object);
      }
    }
    const watch: OpenWatch = { collection, ...(namespace ? { namespace } : {}), matches, res };
    this.open.add(watch);
    res.on('close', () => this.open.delete(watch));
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function write(res: ServerResponse, type: string, object: unknown): void {
  res.write(`${JSON.stringify({ type, object })}\n`);
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message }));
}

function selector(namespace: string | undefined, labels: string | null, fields: string | null) {
  const labelPairs = pairs(labels);
  const fieldPairs = pairs(fields);
  return (object: KubeObject): boolean =>
    (namespace === undefined || object.metadata.namespace === namespace) &&
    labelPairs.every(([k, v]) => object.metadata.labels?.[k] === v) &&
    fieldPairs.every(
      ([path, v]) =>
        String(
          path.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], object),
        ) === v,
    );
}

function pairs(text: string | null): [string, string][] {
  if (!text) return [];
  return text.split(',').map((p) => {
    const [k = '', v = ''] = p.split('=');
    return [k.trim(), v.trim()];
  });
}
