import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** `status.operationState.phase` of an Argo CD Application. */
export type ArgoCdOperationPhase = 'Running' | 'Terminating' | 'Succeeded' | 'Failed' | 'Error';

/** A sync the fake accepted (a rejected sync is only in `requests`). */
export interface ArgoCdSyncRecord {
  app: string;
  appNamespace: string;
  /** Whether the request named the app namespace in the query (`?appNamespace=`). */
  appNamespaceInQuery: boolean;
  body: Record<string, unknown>;
  at: number;
}

/** One operation on an app, from its start to the first GET that showed its final phase. */
export interface ArgoCdOperationRecord {
  app: string;
  appNamespace: string;
  /** False for an operation started with `startOperation` (someone else's sync). */
  ours: boolean;
  startedAt: number;
  finishedAt?: number;
  phase?: ArgoCdOperationPhase;
}

/** An Application the fake knows and how its syncs go. */
export interface FakeArgoCdAppOptions {
  /** Argo CD's namespace of the Application object; default `argocd` (the control plane's). */
  appNamespace?: string;
  /** `spec.destination.namespace`. */
  destNamespace?: string;
  /** Phases the GETs after a sync show, one per GET, the last one sticking. Default Running, Succeeded. */
  phases?: ArgoCdOperationPhase[];
  /** `operationState.message` of a Failed or Error phase. */
  message?: string;
  /** `status.history`: the deployments a rollback can go back to, oldest first. Default: none. */
  history?: ArgoCdHistoryEntry[];
  /** `spec.syncPolicy.automated` is set: Argo CD refuses rollbacks (FailedPrecondition). */
  autoSync?: boolean;
}

/** One entry of an app's `status.history`. */
export interface ArgoCdHistoryEntry {
  id: number;
  revision: string;
  deployedAt?: string;
}

/** A rollback the fake accepted. */
export interface ArgoCdRollbackRecord {
  app: string;
  id: number;
  body: Record<string, unknown>;
}

interface FakeApp {
  name: string;
  appNamespace: string;
  destNamespace: string;
  phases: ArgoCdOperationPhase[];
  message?: string;
  revision: string;
  history: ArgoCdHistoryEntry[];
  autoSync: boolean;
  operation?: {
    phases: ArgoCdOperationPhase[];
    next: number;
    startedAt: string;
    record: ArgoCdOperationRecord;
    /** `infos` of the sync request (Argo CD keeps them as the operation's `info`). */
    info?: unknown;
  };
  operationState?: Record<string, unknown>;
}

const SYNC_PATH = /^\/api\/v1\/applications\/([^/]+)\/sync$/;
const APP_PATH = /^\/api\/v1\/applications\/([^/]+)$/;
const ROLLBACK_PATH = /^\/api\/v1\/applications\/([^/]+)\/rollback$/;
const TERMINAL = new Set<ArgoCdOperationPhase>(['Succeeded', 'Failed', 'Error']);
const CONTROL_PLANE_NAMESPACE = 'argocd';

/** gRPC status codes Argo CD's API gateway puts in its error bodies, by HTTP status. */
const GRPC_CODE: Record<number, number> = { 400: 9, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 503: 14 };

/**
 * A loopback Argo CD API server (`/api/v1/applications/...`) speaking its JSON: sync requests
 * start an operation whose phases the following GETs reveal one by one; a sync while an operation
 * runs is refused with `another operation is already in progress` (gRPC FailedPrecondition, 400);
 * unknown apps answer 404 `applications.argoproj.io "x" not found`; a missing or wrong bearer token
 * answers 401. Syncs can be scripted to fail (500, 429 with Retry-After, …).
 */
export class FakeArgoCd extends FakeHttpServer {
  static readonly DEFAULT_TOKEN = 'argocd-fake-token';
  readonly syncs: ArgoCdSyncRecord[] = [];
  readonly operations: ArgoCdOperationRecord[] = [];
  readonly rollbacks: ArgoCdRollbackRecord[] = [];
  private readonly apps = new Map<string, FakeApp>();
  private readonly scripted: { reply: FakeReply; remaining: number }[] = [];

  constructor(readonly token: string = FakeArgoCd.DEFAULT_TOKEN) {
    super();
    this.route('GET', APP_PATH, (request) => this.authorized(request) ?? this.getApp(request));
    this.route('POST', SYNC_PATH, (request) => this.authorized(request) ?? this.sync(request));
    this.route('POST', ROLLBACK_PATH, (request) => this.authorized(request) ?? this.rollback(request));
  }

  /** An Argo CD error body (`{error, code, message}`) with the gRPC code of `status`. */
  static error(status: number, message: string, headers?: Record<string, string>): FakeReply {
    return { status, headers, body: { error: message, code: GRPC_CODE[status] ?? 2, message } };
  }

  /** What Argo CD answers a sync while another operation runs (`status` 409 for proxies that map it so). */
  static operationInProgress(status = 400): FakeReply {
    return FakeArgoCd.error(status, 'another operation is already in progress');
  }

  addApplication(name: string, options: FakeArgoCdAppOptions = {}): this {
    const appNamespace = options.appNamespace ?? CONTROL_PLANE_NAMESPACE;
    this.apps.set(`${appNamespace}/${name}`, {
      name,
      appNamespace,
      destNamespace: options.destNamespace ?? name,
      phases: options.phases ?? ['Running', 'Succeeded'],
      message: options.message,
      revision: options.history?.at(-1)?.revision ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      history: [...(options.history ?? [])],
      autoSync: options.autoSync ?? false,
    });
    return this;
  }

  /** Changes the phases (and failure message) the next syncs of an app go through. */
  setPhases(name: string, phases: ArgoCdOperationPhase[], options: { appNamespace?: string; message?: string } = {}) {
    const app = this.app(name, options.appNamespace);
    app.phases = phases;
    app.message = options.message ?? app.message;
    return this;
  }

  /** Starts an operation nobody asked the fake for (a user's sync), which our syncs then run into. */
  startOperation(name: string, phases: ArgoCdOperationPhase[], options: { appNamespace?: string } = {}): this {
    this.begin(this.app(name, options.appNamespace), phases, false);
    return this;
  }

  /** Answers the next `times` syncs with `reply` instead of syncing (Infinity: every sync). */
  scriptSyncs(reply: FakeReply, times = 1): this {
    this.scripted.push({ reply, remaining: times });
    return this;
  }

  /** Accepted syncs of one app. */
  syncsOf(name: string): ArgoCdSyncRecord[] {
    return this.syncs.filter((s) => s.app === name);
  }

  private app(name: string, appNamespace = CONTROL_PLANE_NAMESPACE): FakeApp {
    const app = this.apps.get(`${appNamespace}/${name}`);
    if (!app) throw new Error(`FakeArgoCd: no application ${appNamespace}/${name}`);
    return app;
  }

  private authorized(request: RecordedRequest): FakeReply | undefined {
    const header = request.headers.authorization;
    if (!header) return FakeArgoCd.error(401, 'no session information');
    if (header !== `Bearer ${this.token}`) return FakeArgoCd.error(401, 'invalid session: token signature is invalid');
    return undefined;
  }

  private lookup(request: RecordedRequest, pattern: RegExp, body?: Record<string, unknown>) {
    const name = decodeURIComponent(pattern.exec(request.path)?.[1] ?? '');
    const fromQuery = request.query.get('appNamespace');
    const fromBody = typeof body?.appNamespace === 'string' ? body.appNamespace : undefined;
    const appNamespace = fromQuery || fromBody || CONTROL_PLANE_NAMESPACE;
    return { name, appNamespace, fromQuery: Boolean(fromQuery), app: this.apps.get(`${appNamespace}/${name}`) };
  }

  private sync(request: RecordedRequest): FakeReply {
    const script = this.scripted.find((s) => s.remaining > 0);
    if (script) {
      script.remaining--;
      return script.reply;
    }
    const body = (request.json ?? {}) as Record<string, unknown>;
    const { name, appNamespace, fromQuery, app } = this.lookup(request, SYNC_PATH, body);
    if (!app) return notFound(name);
    if (app.operation) return FakeArgoCd.operationInProgress();
    this.syncs.push({ app: name, appNamespace, appNamespaceInQuery: fromQuery, body, at: Date.now() });
    this.begin(app, app.phases, true, body.infos);
    return { body: this.render(app) };
  }

  /**
   * Argo CD's rollback: refused while auto-sync is on or for an id not in the history; otherwise
   * an operation (a sync to the old revision) whose end appends a new history entry.
   */
  private rollback(request: RecordedRequest): FakeReply {
    const body = (request.json ?? {}) as Record<string, unknown>;
    const { name, app } = this.lookup(request, ROLLBACK_PATH, body);
    if (!app) return notFound(name);
    if (app.autoSync) return FakeArgoCd.error(400, 'rollback cannot be initiated when auto-sync is enabled');
    const entry = app.history.find((h) => h.id === Number(body.id));
    if (!entry) return FakeArgoCd.error(400, `application ${name} does not have deployment with id ${String(body.id)}`);
    if (app.operation) return FakeArgoCd.operationInProgress();
    this.rollbacks.push({ app: name, id: entry.id, body });
    app.revision = entry.revision;
    app.history.push({
      id: Math.max(...app.history.map((h) => h.id)) + 1,
      revision: entry.revision,
      deployedAt: new Date().toISOString(),
    });
    this.begin(app, app.phases, true);
    return { body: this.render(app) };
  }

  private getApp(request: RecordedRequest): FakeReply {
    const { name, app } = this.lookup(request, APP_PATH);
    if (!app) return notFound(name);
    const operation = app.operation;
    if (operation) {
      const phase = operation.phases[Math.min(operation.next, operation.phases.length - 1)] ?? 'Succeeded';
      operation.next++;
      const done = TERMINAL.has(phase);
      app.operationState = {
        operation: this.operationOf(app),
        phase,
        message: done ? (phase === 'Succeeded' ? 'successfully synced (all tasks run)' : this.failure(app)) : 'running',
        startedAt: operation.startedAt,
        ...(done ? { finishedAt: new Date().toISOString() } : {}),
        syncResult: { revision: app.revision, resources: [], source: { repoURL: 'https://git.example.com/apps' } },
      };
      if (done) {
        operation.record.finishedAt = Date.now();
        operation.record.phase = phase;
        app.operation = undefined;
      }
    }
    return { body: this.render(app) };
  }

  private failure(app: FakeApp): string {
    return app.message ?? 'one or more objects failed to apply, reason: Deployment.apps "x" is invalid';
  }

  private begin(app: FakeApp, phases: ArgoCdOperationPhase[], ours: boolean, info?: unknown): void {
    const record: ArgoCdOperationRecord = {
      app: app.name,
      appNamespace: app.appNamespace,
      ours,
      startedAt: Date.now(),
    };
    this.operations.push(record);
    app.operation = { phases, next: 0, startedAt: new Date().toISOString(), record, info };
  }

  private operationOf(app: FakeApp): Record<string, unknown> {
    return {
      sync: { revision: app.revision, prune: false },
      initiatedBy: { username: 'admin' },
      ...(Array.isArray(app.operation?.info) ? { info: app.operation.info } : {}),
    };
  }

  private render(app: FakeApp): Record<string, unknown> {
    const succeeded = app.operationState?.phase === 'Succeeded';
    return {
      metadata: { name: app.name, namespace: app.appNamespace, resourceVersion: String(this.requests.length) },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/apps', path: app.name, targetRevision: 'HEAD' },
        destination: { server: 'https://kubernetes.default.svc', namespace: app.destNamespace },
        ...(app.autoSync ? { syncPolicy: { automated: { prune: false, selfHeal: true } } } : {}),
      },
      ...(app.operation ? { operation: this.operationOf(app) } : {}),
      status: {
        sync: { status: succeeded ? 'Synced' : 'OutOfSync', revision: app.revision },
        health: { status: succeeded ? 'Healthy' : 'Degraded' },
        ...(app.operationState ? { operationState: app.operationState } : {}),
        ...(app.history.length > 0 ? { history: app.history } : {}),
      },
    };
  }
}

function notFound(name: string): FakeReply {
  return FakeArgoCd.error(404, `applications.argoproj.io "${name}" not found`);
}
