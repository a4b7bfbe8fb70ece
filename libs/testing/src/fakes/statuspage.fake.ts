import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** A component of the fake page, with every status it was set to (oldest first). */
export interface FakeStatuspageComponent {
  readonly id: string;
  readonly name: string;
  status: string;
  readonly history: string[];
}

/** An incident of the fake page, shaped as Statuspage answers it. */
export interface FakeStatuspageIncident {
  readonly id: string;
  name: string;
  status: string;
  impact: string;
  readonly component_ids: string[];
  metadata: Record<string, unknown>;
  readonly incident_updates: { status: string; body: string }[];
  readonly created_at: string;
  resolved_at: string | null;
}

export interface FakeStatuspageOptions {
  pageId?: string;
  token?: string;
}

type Body = Record<string, unknown>;

const UNRESOLVED = new Set(['investigating', 'identified', 'monitoring']);

/**
 * A loopback Atlassian Statuspage REST API (v1): `PATCH /v1/pages/{page}/components/{id}`,
 * `POST /v1/pages/{page}/incidents`, `PATCH /v1/pages/{page}/incidents/{id}` and
 * `GET /v1/pages/{page}/incidents/unresolved`, with `Authorization: OAuth <token>`, JSON bodies
 * wrapped as `{"component":…}` / `{"incident":…}`, and Statuspage's error shape
 * (`{"error":"…"}`). Scripted answers (`respondNext`) give 429 with Retry-After, 5xx, 4xx.
 */
export class FakeStatuspage extends FakeHttpServer {
  static readonly DEFAULT_TOKEN = 'statuspage-fake-token';
  static readonly DEFAULT_PAGE = 'pg0fake0page';

  readonly pageId: string;
  readonly token: string;
  readonly components = new Map<string, FakeStatuspageComponent>();
  readonly incidents: FakeStatuspageIncident[] = [];
  private readonly script: { status: number; retryAfterSeconds?: number }[] = [];
  private sequence = 0;

  constructor(options: FakeStatuspageOptions = {}) {
    super();
    this.pageId = options.pageId ?? FakeStatuspage.DEFAULT_PAGE;
    this.token = options.token ?? FakeStatuspage.DEFAULT_TOKEN;
    const page = `^/v1/pages/([^/]+)`;
    this.route('PATCH', new RegExp(`${page}/components/([^/]+)$`), (r) => this.guard(r, () => this.patchComponent(r)));
    this.route('POST', new RegExp(`${page}/incidents$`), (r) => this.guard(r, () => this.createIncident(r)));
    this.route('GET', new RegExp(`${page}/incidents/unresolved$`), (r) => this.guard(r, () => this.unresolved()));
    this.route('PATCH', new RegExp(`${page}/incidents/([^/]+)$`), (r) => this.guard(r, () => this.patchIncident(r)));
  }

  addComponent(id: string, name = id, status = 'operational'): this {
    this.components.set(id, { id, name, status, history: [] });
    return this;
  }

  /** The next requests get these statuses (and Retry-After seconds), one each. */
  respondNext(...replies: { status: number; retryAfterSeconds?: number }[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Incidents that name `component`. */
  incidentsOf(component: string): FakeStatuspageIncident[] {
    return this.incidents.filter((i) => i.component_ids.includes(component));
  }

  private guard(request: RecordedRequest, handle: () => FakeReply): FakeReply {
    if (request.headers.authorization !== `OAuth ${this.token}`) {
      return { status: 401, body: { error: 'Could not authenticate' } };
    }
    if (!request.path.startsWith(`/v1/pages/${this.pageId}/`))
      return { status: 404, body: { error: 'Page not found' } };
    const scripted = this.script.shift();
    if (scripted) {
      return {
        status: scripted.status,
        headers: scripted.retryAfterSeconds === undefined ? {} : { 'retry-after': String(scripted.retryAfterSeconds) },
        body: { error: `scripted ${scripted.status}` },
      };
    }
    if (request.method !== 'GET' && !request.headers['content-type']?.includes('application/json')) {
      return { status: 415, body: { error: 'Content-Type must be application/json' } };
    }
    return handle();
  }

  private patchComponent(request: RecordedRequest): FakeReply {
    const id = decodeURIComponent(request.path.split('/').at(-1)!);
    const component = this.components.get(id);
    if (!component) return { status: 404, body: { error: 'Component not found' } };
    const status = ((request.json as Body | undefined)?.component as Body | undefined)?.status;
    if (typeof status !== 'string' || !COMPONENT_STATUSES.has(status)) {
      return { status: 422, body: { error: ['Status is not included in the list'] } };
    }
    component.history.push(status);
    component.status = status;
    return { body: { id, name: component.name, status, page_id: this.pageId } };
  }

  private createIncident(request: RecordedRequest): FakeReply {
    const body = (request.json as Body | undefined)?.incident as Body | undefined;
    if (!body || typeof body.name !== 'string' || body.name === '') {
      return { status: 422, body: { error: ["Name can't be blank"] } };
    }
    const componentIds = Array.isArray(body.component_ids) ? (body.component_ids as string[]) : [];
    const incident: FakeStatuspageIncident = {
      id: `inc${String(++this.sequence).padStart(8, '0')}`,
      name: body.name,
      status: typeof body.status === 'string' ? body.status : 'investigating',
      impact: typeof body.impact_override === 'string' ? body.impact_override : 'minor',
      component_ids: componentIds,
      metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
      incident_updates: [{ status: text(body.status, 'investigating'), body: text(body.body, '') }],
      created_at: new Date().toISOString(),
      resolved_at: null,
    };
    this.applyComponents(body.components);
    this.incidents.push(incident);
    return { status: 201, body: incident };
  }

  private patchIncident(request: RecordedRequest): FakeReply {
    const id = decodeURIComponent(request.path.split('/').at(-1)!);
    const incident = this.incidents.find((i) => i.id === id);
    if (!incident) return { status: 404, body: { error: 'Incident not found' } };
    const body = ((request.json as Body | undefined)?.incident as Body | undefined) ?? {};
    if (typeof body.status === 'string') {
      incident.status = body.status;
      incident.incident_updates.push({ status: body.status, body: text(body.body, '') });
      if (body.status === 'resolved') incident.resolved_at = new Date().toISOString();
    }
    this.applyComponents(body.components);
    return { body: incident };
  }

  private unresolved(): FakeReply {
    return { body: this.incidents.filter((i) => UNRESOLVED.has(i.status)) };
  }

  private applyComponents(components: unknown): void {
    if (typeof components !== 'object' || components === null) return;
    for (const [id, status] of Object.entries(components as Record<string, unknown>)) {
      const component = this.components.get(id);
      if (component && typeof status === 'string') {
        component.history.push(status);
        component.status = status;
      }
    }
  }
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

const COMPONENT_STATUSES = new Set([
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
]);
