import { type KubeConfig } from '@kubernetes/client-node';
import { createEvent, type HubEvent, nameBasedUuid } from '@hub/contracts';
import { type Database } from '@hub/database';
import { type KubernetesSpec } from '../../config/source.schema.js';
import { type Source, type SourceContext, type SourceHealth, type SourceLag } from '../source.js';
import { LeaseLostError, WatchStore } from './watch.store.js';
import { listObjects } from './list.client.js';
import { NamespaceLabels } from './namespace-labels.js';
import { type WatchItem, type WatchQuery, WatchStream } from './watch.stream.js';
import { type ResourceWatcher, type WatchedObject, type WatchPhase } from './watched-object.js';
import { watchesOf } from './watches.js';

/** RFC 4122 namespace of the ids of events decided from a cluster. */
const KUBERNETES_ID_NAMESPACE = '7e2c9a4b1f6d4e8a9c3b5d7f1a2e4c6b';

/** One configured watch: its stream, what a change means, and the dedup bucket of its objects. */
interface ActiveWatch {
  stream: WatchStream;
  query: WatchQuery;
  watcher: ResourceWatcher;
  /** Objects seen through several watches (v1 and events.k8s.io/v1 Events) share one bucket. */
  objectWatch: string;
}

/**
 * A Kubernetes cluster: Event watches and resource watches, one active reader (exclusive: the
 * lease). Each change is decided against the state the last one left (dedup by uid +
 * resourceVersion), committed with the new position and the decided events in one transaction
 * fenced by the lease, then published from the outbox; a confirm deletes the row. A restart or a
 * new leader first publishes what was decided and not confirmed, then watches from the stored
 * resourceVersion. Without a position, or after 410 Gone, it relists like an informer: LIST, each
 * object as ADDED (skipping what it already handled), each stored object the list lacks as
 * DELETED (its `recovered` pair), then a watch from the list's resourceVersion.
 */
export class KubernetesSource implements Source {
  readonly kind = 'kubernetes' as const;
  readonly exclusive = true;
  private readonly store: WatchStore;
  private watches = new Map<string, ActiveWatch>();
  private queue: { watch: string; item: WatchItem }[] = [];
  private wake?: () => void;
  private loop?: Promise<void>;
  private stopped = true;
  private blocked?: string;
  private readonly namespaceLabels?: NamespaceLabels;

  constructor(
    readonly name: string,
    private readonly spec: KubernetesSpec,
    private readonly kc: KubeConfig | undefined,
    db: Database,
    private readonly retryMs = 1_000,
  ) {
    this.store = new WatchStore(db, name);
    this.namespaceLabels = kc && new NamespaceLabels(kc);
  }

  async start(context: SourceContext): Promise<void> {
    const kc = this.kc;
    if (!kc) throw new Error('no Kubernetes API configured: set KUBE_API_URL (and KUBE_TOKEN) or KUBECONFIG');
    this.stopped = false;
    this.queue = [];
    await this.flush(context);
    for (const w of watchesOf(this.spec)) {
      const stream = new WatchStream(kc, w.key, w.query, (item) => this.enqueue(w.key, item));
      this.watches.set(w.key, { stream, query: w.query, watcher: w.watcher, objectWatch: w.objectWatch });
    }
    this.loop = this.run(context).catch((error: unknown) => {
      if (!this.stopped) context.failed(error as Error);
    });
    for (const [key, watch] of this.watches) {
      const position = await this.store.position(key);
      if (position) await watch.stream.open(position);
      else this.enqueue(key, { kind: 'gone' });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const watch of this.watches.values()) watch.stream.close();
    this.watches.clear();
    this.wake?.();
    await this.loop;
  }

  health(): SourceHealth {
    if (this.stopped) return { connected: false, reason: 'stopped' };
    if (this.blocked) return { connected: false, reason: this.blocked };
    return { connected: true };
  }

  /** Seconds since the quietest watch last heard from the API server (an event or a bookmark). */
  lag(): SourceLag {
    const now = Date.now();
    const ages = [...this.watches.values()].map((w) => (now - w.stream.lastHeardAt) / 1000);
    return { unit: 'seconds', value: ages.length > 0 ? Math.max(...ages) : 0 };
  }

  private enqueue(watch: string, item: WatchItem): void {
    this.queue.push({ watch, item });
    this.wake?.();
  }

  private async run(context: SourceContext): Promise<void> {
    while (!this.stopped) {
      const next = this.queue.shift();
      if (!next) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const watch = this.watches.get(next.watch);
      if (!watch) continue;
      await this.handle(watch, next.item, context);
    }
  }

  private async handle(watch: ActiveWatch, item: WatchItem, context: SourceContext): Promise<void> {
    const lease = context.lease;
    if (!lease?.held) throw new LeaseLostError('the lease is no longer held');
    switch (item.kind) {
      case 'gone':
        return this.relist(watch, context);
      case 'ended':
        if (item.error) throw item.error;
        await watch.stream.open(watch.stream.lastReceived);
        return;
      case 'bookmark':
        await this.store.commit(lease, { watch: watch.stream.key, resourceVersion: item.resourceVersion, events: [] });
        return;
      case 'change':
        return this.change(watch, item.phase, item.object, context);
    }
  }

  /** Decides one change against the object's stored state, commits it with the position, publishes. */
  private async change(watch: ActiveWatch, phase: WatchPhase, object: WatchedObject, context: SourceContext) {
    const lease = context.lease!;
    const { metadata } = object;
    const prior = await this.store.object(watch.objectWatch, metadata.uid);
    if (prior?.resourceVersion === metadata.resourceVersion && phase !== 'DELETED') {
      context.count('duplicate');
      await this.store.commit(lease, {
        watch: watch.stream.key,
        resourceVersion: metadata.resourceVersion,
        events: [],
      });
      return;
    }
    const decision = watch.watcher.decide(phase, object, prior?.state, new Date());
    const events = await this.namespaceLabels!.enrich(decision.events);
    const meta = { name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) };
    await this.store.commit(lease, {
      watch: watch.stream.key,
      resourceVersion: metadata.resourceVersion,
      object: {
        objectWatch: watch.objectWatch,
        uid: metadata.uid,
        state: decision.state && { ...decision.state, meta },
      },
      events: events.map((e) => this.envelope(e)),
    });
    await this.flush(context);
  }

  /**
   * LIST, then every listed object as ADDED and every stored one the list lacks as DELETED (Events
   * excepted: a deleted Event means nothing), then the position and a watch from the list's version.
   */
  private async relist(watch: ActiveWatch, context: SourceContext): Promise<void> {
    const list = await listObjects(this.kc!, watch.query);
    for (const object of list.items) await this.change(watch, 'ADDED', object, context);
    if (watch.objectWatch !== 'events') {
      const listed = new Set(list.items.map((o) => o.metadata.uid));
      for (const stored of await this.store.objects(watch.objectWatch)) {
        if (listed.has(stored.uid)) continue;
        const meta = (stored.state['meta'] ?? {}) as { name?: string; namespace?: string };
        const gone: WatchedObject = {
          metadata: { uid: stored.uid, name: meta.name ?? stored.uid, resourceVersion: list.resourceVersion },
        };
        if (meta.namespace) gone.metadata.namespace = meta.namespace;
        await this.change(watch, 'DELETED', gone, context);
      }
    }
    await this.store.commit(context.lease!, {
      watch: watch.stream.key,
      resourceVersion: list.resourceVersion,
      events: [],
    });
    await watch.stream.open(list.resourceVersion);
  }

  /** Publishes every decided, unconfirmed event in order; waits out a broker outage (nothing is dropped). */
  private async flush(context: SourceContext): Promise<void> {
    for (;;) {
      const pending = await this.store.pending();
      if (pending.length === 0) return;
      for (const event of pending) {
        for (;;) {
          if (!context.lease?.held) throw new LeaseLostError('the lease is no longer held');
          if (this.stopped) return;
          try {
            await context.publish(event);
            break;
          } catch (error) {
            this.blocked = `the bus cannot take events: ${(error as Error).message}`;
            context.count('retried');
            await new Promise((resolve) => setTimeout(resolve, this.retryMs));
          }
        }
        this.blocked = undefined;
        await this.store.published(event.id);
        context.count('published');
      }
    }
  }

  private envelope(decided: {
    type: string;
    data: Record<string, unknown>;
    subject: string;
    key: string;
    incidentkey?: string;
  }): HubEvent {
    return createEvent({
      id: nameBasedUuid(KUBERNETES_ID_NAMESPACE, `${this.name}/${decided.key}`),
      type: decided.type,
      source: `kubernetes://${this.name}`,
      subject: decided.subject,
      data: decided.data,
      ...(decided.incidentkey ? { incidentkey: decided.incidentkey } : {}),
    });
  }
}
