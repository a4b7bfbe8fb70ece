import { randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** One incident of the fake, with its journal. */
export interface FakeServiceNowIncident {
  readonly sys_id: string;
  readonly number: string;
  readonly sys_created_on: string;
  fields: Record<string, string>;
  /** `work_notes` entries, oldest first. */
  readonly workNotes: string[];
  /** Every state the incident was set to, oldest first. */
  readonly states: string[];
}

export interface FakeServiceNowOptions {
  user?: string;
  password?: string;
  /** Also accept this OAuth token as `Authorization: Bearer`. */
  token?: string;
}

type Body = Record<string, unknown>;

/**
 * The ServiceNow Table API for incidents (`/api/now/table/incident`), driven with fetch: Basic auth
 * (or a bearer token); `sysparm_fields` picks the answered fields, `sysparm_query` takes
 * `field=value` terms joined by `^` and `ORDERBY`/`ORDERBYDESC`, `sysparm_limit` caps the list;
 * answers `{"result": …}`, errors `{"error":{"message","detail"},"status":"failure"}`. The incident
 * data policy is enforced: resolving (state 6) needs `close_code` and `close_notes`. Scripted
 * failures: `rateLimitNext` (429 + Retry-After), `failNext` (5xx).
 */
export class FakeServiceNow extends FakeHttpServer {
  private readonly store: FakeServiceNowIncident[] = [];
  private failures: { status: number; retryAfterSeconds?: number }[] = [];
  private sequence = 10_000;

  constructor(private readonly options: FakeServiceNowOptions = {}) {
    super();
    const table = /^\/api\/now\/table\/incident$/;
    const record = /^\/api\/now\/table\/incident\/([0-9a-f]{32})$/;
    this.route('POST', table, (r) => this.guard(r, () => this.create(r)));
    this.route('GET', table, (r) => this.guard(r, () => this.list(r)));
    this.route('GET', record, (r) => this.guard(r, () => this.read(r)));
    this.route('PATCH', record, (r) => this.guard(r, () => this.update(r)));
  }

  get user(): string {
    return this.options.user ?? 'hub.integration';
  }

  get password(): string {
    return this.options.password ?? 'servicenow-password';
  }

  get incidents(): readonly FakeServiceNowIncident[] {
    return this.store;
  }

  /** Incidents whose `correlation_id` is `id`, oldest first. */
  correlated(id: string): FakeServiceNowIncident[] {
    return this.store.filter((i) => i.fields.correlation_id === id);
  }

  rateLimitNext(count: number, retryAfterSeconds = 1): this {
    this.failures.push(...Array.from({ length: count }, () => ({ status: 429, retryAfterSeconds })));
    return this;
  }

  failNext(status = 500, count = 1): this {
    this.failures.push(...Array.from({ length: count }, () => ({ status })));
    return this;
  }

  /** A person resolves the incident with `closeCode`. */
  closeAs(sysId: string, closeCode: string): void {
    const incident = this.store.find((i) => i.sys_id === sysId);
    if (!incident) throw new Error(`no incident ${sysId}`);
    Object.assign(incident.fields, { state: '6', close_code: closeCode, close_notes: 'closed by a person' });
    incident.states.push('6');
  }

  private guard(request: RecordedRequest, handle: () => FakeReply): FakeReply {
    const basic = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    const auth = request.headers.authorization;
    if (auth !== basic && !(this.options.token && auth === `Bearer ${this.options.token}`)) {
      return failure(401, 'User Not Authenticated', 'Required to provide Auth information');
    }
    const scripted = this.failures.shift();
    if (scripted?.status === 429) {
      return {
        status: 429,
        headers: { 'retry-after': String(scripted.retryAfterSeconds ?? 1) },
        body: { error: { message: 'Rate limit exceeded', detail: 'Too many requests' }, status: 'failure' },
      };
    }
    if (scripted) return failure(scripted.status, 'Internal server error', 'scripted failure');
    return handle();
  }

  private create(request: RecordedRequest): FakeReply {
    const body = request.json;
    if (typeof body !== 'object' || body === null)
      return failure(400, 'Exception while reading request', 'Invalid payload');
    const fields = strings(body as Body);
    if (!fields.short_description?.trim()) return failure(400, 'Invalid request', 'short_description is mandatory');
    const incident: FakeServiceNowIncident = {
      sys_id: randomBytes(16).toString('hex'),
      number: `INC${String(++this.sequence).padStart(7, '0')}`,
      sys_created_on: new Date(Date.now() + this.sequence).toISOString(),
      fields: { state: '1', ...fields },
      workNotes: [],
      states: [fields.state ?? '1'],
    };
    delete incident.fields.work_notes;
    if (fields.work_notes) incident.workNotes.push(fields.work_notes);
    this.store.push(incident);
    return { status: 201, body: { result: this.render(incident, request) } };
  }

  private list(request: RecordedRequest): FakeReply {
    const terms = (request.query.get('sysparm_query') ?? '').split('^').filter((t) => t !== '');
    let found = [...this.store];
    for (const term of terms) {
      const order = /^ORDERBY(DESC)?(\w+)$/.exec(term);
      if (order) {
        const [, desc, field] = order as unknown as [string, string | undefined, string];
        const value = (i: FakeServiceNowIncident) =>
          field === 'sys_created_on' ? i.sys_created_on : (i.fields[field] ?? '');
        found.sort((a, b) => value(a).localeCompare(value(b)) * (desc ? -1 : 1));
        continue;
      }
      const match = /^(\w+)=(.*)$/.exec(term);
      if (!match) return failure(400, 'Invalid query', `unsupported term ${term}`);
      const [, field, value] = match as unknown as [string, string, string];
      found = found.filter((i) => (i.fields[field] ?? '') === value);
    }
    const limit = Number(request.query.get('sysparm_limit') ?? 10_000);
    return { body: { result: found.slice(0, limit).map((i) => this.render(i, request)) } };
  }

  private read(request: RecordedRequest): FakeReply {
    const incident = this.incidentOf(request);
    return incident ? { body: { result: this.render(incident, request) } } : notFound();
  }

  private update(request: RecordedRequest): FakeReply {
    const incident = this.incidentOf(request);
    if (!incident) return notFound();
    const fields = strings((request.json ?? {}) as Body);
    if (fields.state === '6' && !(fields.close_code ?? incident.fields.close_code)) {
      return failure(403, 'Operation Failed', 'Data Policy Exception: Resolution code is mandatory');
    }
    if (fields.state === '6' && !(fields.close_notes ?? incident.fields.close_notes)) {
      return failure(403, 'Operation Failed', 'Data Policy Exception: Resolution notes are mandatory');
    }
    if (fields.work_notes) incident.workNotes.push(fields.work_notes);
    delete fields.work_notes;
    if (fields.state) incident.states.push(fields.state);
    if (fields.state && fields.state !== '6' && fields.state !== '7') {
      delete incident.fields.close_code;
      delete incident.fields.close_notes;
    }
    Object.assign(incident.fields, fields);
    return { body: { result: this.render(incident, request) } };
  }

  private incidentOf(request: RecordedRequest): FakeServiceNowIncident | undefined {
    const id = request.path.split('/').at(-1);
    return this.store.find((i) => i.sys_id === id);
  }

  private render(incident: FakeServiceNowIncident, request: RecordedRequest): Record<string, string> {
    const all: Record<string, string> = {
      sys_id: incident.sys_id,
      number: incident.number,
      sys_created_on: incident.sys_created_on,
      ...incident.fields,
    };
    const wanted = request.query.get('sysparm_fields');
    if (!wanted) return all;
    return Object.fromEntries(wanted.split(',').map((f) => [f, all[f] ?? '']));
  }
}

function strings(body: Body): Record<string, string> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));
}

function failure(status: number, message: string, detail: string): FakeReply {
  return { status, body: { error: { message, detail }, status: 'failure' } };
}

function notFound(): FakeReply {
  return failure(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
}
