import {
  contentText,
  noteText,
  type TicketContent,
  type TicketNote,
  type TicketRoute,
} from '../../tickets/ticket-content.js';
import { parseRetryAfter } from '@hub/contracts';
import { type TicketProvider, type TicketRef, type TicketState } from '../ticket-provider.js';
import { type VendorCallOptions, VendorCaller, type VendorFailure } from '../vendor-call.js';

export interface ServiceNowOptions {
  url: string;
  user?: string;
  password?: string;
  /** OAuth bearer token instead of Basic auth. */
  token?: string;
  closeCode: string;
  wontFixCloseCodes: readonly string[];
  timeoutMs: number;
  call: VendorCallOptions;
}

/** ServiceNow incident states the provider uses. */
const State = { InProgress: '2', Resolved: '6', Closed: '7', Canceled: '8' } as const;
const URGENCY = { critical: '1', warning: '2', info: '3' } as const;
const FIELDS = 'sys_id,number,state,close_code';

interface IncidentRecord {
  sys_id: string;
  number: string;
  state?: string;
  close_code?: string;
}

/** An HTTP answer that was not 2xx, carried to the classifier. */
class ServiceNowHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * Incidents in ServiceNow through the Table API (`/api/now/table/incident`) with fetch: create with
 * the fingerprint marker as `correlation_id`, `work_notes` on repeats, resolve with state 6 and a
 * close code, reopen by moving the incident back to In Progress.
 */
export class ServiceNowProvider implements TicketProvider {
  readonly name = 'servicenow';
  readonly mode = 'live';
  private readonly base: string;
  private readonly wontFix: Set<string>;
  private readonly vendor: VendorCaller;

  constructor(private readonly options: ServiceNowOptions) {
    this.vendor = new VendorCaller('servicenow', options.call, serviceNowFailure);
    this.base = `${options.url.replace(/\/+$/, '')}/api/now/table/incident`;
    this.wontFix = new Set(options.wontFixCloseCodes.map((c) => c.toLowerCase()));
  }

  async create(content: TicketContent, route: TicketRoute): Promise<TicketRef> {
    const body = {
      short_description: content.summary,
      description: contentText(content),
      correlation_id: content.marker,
      correlation_display: 'hub',
      urgency: URGENCY[content.severity],
      impact: URGENCY[content.severity],
      ...(route.servicenow ? { assignment_group: route.servicenow.assignmentGroup } : {}),
      ...(route.servicenow?.category ? { category: route.servicenow.category } : {}),
    };
    const record = await this.request<IncidentRecord>('create incident', false, 'POST', '', body);
    return this.ref(record);
  }

  async find(marker: string): Promise<TicketRef[]> {
    const query = new URLSearchParams({
      sysparm_query: `correlation_id=${marker}^ORDERBYDESCsys_created_on`,
      sysparm_limit: '5',
    });
    const records = await this.request<IncidentRecord[]>('search', true, 'GET', `?${query.toString()}`);
    return records.map((record) => this.ref(record));
  }

  async comment(key: string, note: TicketNote): Promise<void> {
    await this.request('work note', false, 'PATCH', `/${key}`, { work_notes: noteText(note) });
  }

  async state(key: string): Promise<TicketState> {
    const record = await this.request<IncidentRecord>('get incident', true, 'GET', `/${key}`);
    const done = record.state === State.Resolved || record.state === State.Closed || record.state === State.Canceled;
    const resolution = record.close_code || undefined;
    return { done, resolution, wontFix: resolution !== undefined && this.wontFix.has(resolution.toLowerCase()) };
  }

  async resolve(key: string, note: TicketNote): Promise<Omit<TicketState, 'done'>> {
    const before = await this.state(key);
    if (before.done) return before;
    await this.request('resolve', false, 'PATCH', `/${key}`, {
      state: State.Resolved,
      close_code: this.options.closeCode,
      close_notes: noteText(note),
    });
    return { resolution: this.options.closeCode, wontFix: this.wontFix.has(this.options.closeCode.toLowerCase()) };
  }

  async reopen(key: string, note: TicketNote): Promise<void> {
    await this.request('reopen', false, 'PATCH', `/${key}`, { state: State.InProgress, work_notes: noteText(note) });
  }

  private ref(record: IncidentRecord): TicketRef {
    const url = `${this.options.url.replace(/\/+$/, '')}/nav_to.do?uri=incident.do?sys_id=${record.sys_id}`;
    return { key: record.sys_id, displayKey: record.number, url };
  }

  private request<T>(operation: string, safe: boolean, method: string, path: string, body?: unknown): Promise<T> {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${this.base}${path}${separator}sysparm_fields=${FIELDS}&sysparm_exclude_reference_link=true`;
    const send = async () => {
      const response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          authorization: this.authorization(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) throw new ServiceNowHttpError(response.status, text, response.headers.get('retry-after'));
      return (JSON.parse(text) as { result: T }).result;
    };
    return this.vendor.call(operation, safe, send);
  }

  private authorization(): string {
    if (this.options.token) return `Bearer ${this.options.token}`;
    return `Basic ${Buffer.from(`${this.options.user ?? ''}:${this.options.password ?? ''}`).toString('base64')}`;
  }
}

/** ServiceNow answers errors as `{"error":{"message","detail"},"status":"failure"}`. */
function serviceNowFailure(error: unknown): VendorFailure {
  if (error instanceof ServiceNowHttpError) {
    let message = error.body.slice(0, 500);
    try {
      const parsed = JSON.parse(error.body) as { error?: { message?: string; detail?: string } };
      if (parsed.error?.message) message = [parsed.error.message, parsed.error.detail].filter(Boolean).join(': ');
    } catch {
      // not JSON: keep the text
    }
    return { status: error.status, retryAfterMs: parseRetryAfter(error.retryAfter), message, cause: error };
  }
  return { message: error instanceof Error ? error.message : String(error), cause: error };
}
