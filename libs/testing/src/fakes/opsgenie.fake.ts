import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** One alert of the fake, by alias. */
export interface FakeOpsgenieAlert {
  status: 'open' | 'closed';
  acknowledged: boolean;
  /** Creates that reached it (a create with the alias of an open alert only counts up, as Opsgenie does). */
  count: number;
  create: Record<string, unknown>;
  /** `acknowledge` / `close` requests applied, in order. */
  actions: string[];
}

/**
 * A loopback Opsgenie Alert API: `POST /v2/alerts` (create; `message` ≤ 130 characters, `alias`
 * ≤ 512, responders typed) and `POST /v2/alerts/{alias}/acknowledge|close?identifierType=alias`,
 * behind `Authorization: GenieKey <key>` (401 otherwise), answered `202 {result: "Request will be
 * processed", requestId}` like Opsgenie (422 for an invalid create, 404 for an unknown alias).
 */
export class FakeOpsgenie extends FakeHttpServer {
  readonly alerts = new Map<string, FakeOpsgenieAlert>();
  private requestIds = 0;

  constructor(readonly apiKey = '6f1f6a4e-2b57-4c1d-9a59-0e6b6c7f2d11') {
    super();
    this.route('POST', /^\/v2\/alerts$/, (request) => this.authorized(request) ?? this.create(request));
    this.route(
      'POST',
      /^\/v2\/alerts\/[^/]+\/(acknowledge|close)$/,
      (request) => this.authorized(request) ?? this.act(request),
    );
  }

  private authorized(request: RecordedRequest): FakeReply | undefined {
    if (request.headers.authorization === `GenieKey ${this.apiKey}`) return undefined;
    return { status: 401, body: { message: 'Could not authenticate', took: 0, requestId: this.nextId() } };
  }

  private create(request: RecordedRequest): FakeReply {
    const body = request.json as Record<string, unknown> | undefined;
    const message = body?.message;
    const alias = body?.alias;
    const responders = body?.responders;
    const problems: string[] = [];
    if (typeof message !== 'string' || message === '' || message.length > 130) problems.push('message');
    if (alias !== undefined && (typeof alias !== 'string' || alias.length > 512)) problems.push('alias');
    if (
      responders !== undefined &&
      (!Array.isArray(responders) ||
        responders.some(
          (r: { type?: unknown }) => !['team', 'user', 'escalation', 'schedule'].includes(String(r.type)),
        ))
    )
      problems.push('responders');
    if (problems.length > 0) {
      return { status: 422, body: { message: `Invalid fields: ${problems.join(', ')}`, requestId: this.nextId() } };
    }
    const key = typeof alias === 'string' ? alias : `fake-${this.alerts.size + 1}`;
    const known = this.alerts.get(key);
    if (known?.status === 'open') known.count += 1;
    else this.alerts.set(key, { status: 'open', acknowledged: false, count: 1, create: body!, actions: [] });
    return this.accepted();
  }

  private act(request: RecordedRequest): FakeReply {
    if (request.query.get('identifierType') !== 'alias') {
      return { status: 422, body: { message: 'this fake knows alerts by alias only', requestId: this.nextId() } };
    }
    const [, , , encoded, verb] = request.path.split('/');
    const alert = this.alerts.get(decodeURIComponent(encoded!));
    if (!alert) return { status: 404, body: { message: 'Alert does not exist', requestId: this.nextId() } };
    alert.actions.push(verb!);
    if (verb === 'close') alert.status = 'closed';
    else alert.acknowledged = true;
    return this.accepted();
  }

  private accepted(): FakeReply {
    return { status: 202, body: { result: 'Request will be processed', took: 0.01, requestId: this.nextId() } };
  }

  private nextId(): string {
    this.requestIds += 1;
    return `00000000-0000-4000-8000-${String(this.requestIds).padStart(12, '0')}`;
  }
}
