import { parseRetryAfter, VendorRetryPolicy } from '@hub/contracts';
import { StatuspageRequestError, StatuspageUnreachableError } from './statuspage.errors.js';

export interface StatuspageClientOptions {
  /** `STATUSPAGE_URL`: `https://api.statuspage.io` or a loopback fake. */
  url: string;
  /** `STATUSPAGE_TOKEN`: an API key, sent as `Authorization: OAuth <token>`. */
  token: string;
  /** `STATUSPAGE_PAGE_ID`. */
  pageId: string;
  requestTimeoutMs: number;
}

/** The fields of a Statuspage incident the action reads. */
export interface StatuspageIncident {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, unknown>;
}

/** What the action sends to open or update an incident (`{"incident": …}`). */
export interface StatuspageIncidentBody {
  name?: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  body?: string;
  impact_override?: string;
  component_ids?: string[];
  components?: Record<string, string>;
  metadata?: Record<string, unknown>;
  deliver_notifications?: boolean;
}

/**
 * The Atlassian Statuspage REST API (v1) over the global `fetch` (instrumented: each call is a child
 * span of the action's trace). Every failure leaves as a typed `Statuspage*Error`.
 */
export class StatuspageClient {
  /** Retries are the runner's attempts; this is the vendor's circuit (fails fast while it is down). */
  private readonly circuit = new VendorRetryPolicy({ vendor: 'statuspage' });
  private readonly base: string;

  constructor(private readonly options: StatuspageClientOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/v1/pages/${encodeURIComponent(options.pageId)}`;
  }

  get pageId(): string {
    return this.options.pageId;
  }

  async updateComponent(componentId: string, status: string, signal: AbortSignal): Promise<void> {
    await this.call('PATCH', `/components/${encodeURIComponent(componentId)}`, { component: { status } }, signal);
  }

  unresolvedIncidents(signal: AbortSignal): Promise<StatuspageIncident[]> {
    return this.call<StatuspageIncident[]>('GET', '/incidents/unresolved', undefined, signal);
  }

  createIncident(incident: StatuspageIncidentBody, signal: AbortSignal): Promise<StatuspageIncident> {
    return this.call<StatuspageIncident>('POST', '/incidents', { incident }, signal);
  }

  updateIncident(id: string, incident: StatuspageIncidentBody, signal: AbortSignal): Promise<StatuspageIncident> {
    return this.call<StatuspageIncident>('PATCH', `/incidents/${encodeURIComponent(id)}`, { incident }, signal);
  }

  private call<T>(method: string, path: string, body: unknown, signal: AbortSignal): Promise<T> {
    return this.circuit.execute(() => this.request<T>(method, path, body, signal));
  }

  private async request<T>(method: string, path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const url = `${this.base}${path}`;
    const context = { method, path: `/v1/pages/${this.options.pageId}${path}` };
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `OAuth ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
      });
    } catch (error) {
      const reason = error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : error.message) : error;
      throw new StatuspageUnreachableError(
        `Statuspage did not answer ${method} ${context.path}: ${String(reason)}`,
        context,
        {
          cause: error,
        },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return (text ? JSON.parse(text) : {}) as T;
    throw new StatuspageRequestError(
      `Statuspage answered ${response.status} to ${method} ${context.path}: ${errorOf(text) || response.statusText}`,
      response.status,
      parseRetryAfter(response.headers.get('retry-after')),
      context,
    );
  }
}

/** Statuspage's `{"error": "…"}` or `{"error": ["…", …]}`, else the start of the body. */
function errorOf(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (Array.isArray(error)) return error.map(String).join('; ');
    if (typeof error === 'string') return error;
  } catch {
    // not JSON: show the text
  }
  return text.slice(0, 200);
}
