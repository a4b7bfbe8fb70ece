import { OutboxClient, type VendorSender } from '../outbox-client.js';
import { postJson, type VendorHttp } from '../vendor-http.js';
import { type OpsgenieCreateAlert } from './opsgenie.alert.js';

/** One Alert API request: create, or acknowledge/close by alias. */
export type OpsgenieRequest =
  | { action: 'trigger'; alert: OpsgenieCreateAlert }
  | { action: 'acknowledge' | 'resolve'; alias: string; note: string };

/** Where Opsgenie requests go: the Alert API, or the outbox. */
export type OpsgenieApi = VendorSender<OpsgenieRequest>;

/** The path and body of a request (`resolve` is Opsgenie's `close`). */
function wire(request: OpsgenieRequest): { path: string; body: unknown } {
  if (request.action === 'trigger') return { path: '/v2/alerts', body: request.alert };
  const verb = request.action === 'resolve' ? 'close' : 'acknowledge';
  return {
    path: `/v2/alerts/${encodeURIComponent(request.alias)}/${verb}?identifierType=alias`,
    body: { source: 'Hub', note: request.note },
  };
}

/**
 * The Alert API (`Authorization: GenieKey …`): requests are accepted with 202 and processed
 * asynchronously by Opsgenie; 429 and 5xx are retried later, any other 4xx (bad key, invalid
 * request) is final with Opsgenie's message as the reason.
 */
export class OpsgenieClient implements OpsgenieApi {
  readonly mode = 'live';

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
    private readonly http: VendorHttp,
  ) {}

  async send(request: OpsgenieRequest): Promise<number> {
    const { path, body } = wire(request);
    return postJson(
      this.http,
      'opsgenie',
      `Opsgenie ${request.action}`,
      `${this.baseUrl.replace(/\/+$/, '')}${path}`,
      JSON.stringify(body),
      { headers: { authorization: `GenieKey ${this.apiKey}` }, timeoutMs: this.timeoutMs },
    );
  }
}

/** Opsgenie with no API key: each request goes to `$HUB_DATA_DIR/outbox/opsgenie.jsonl`. */
export class OpsgenieOutboxClient extends OutboxClient implements OpsgenieApi {
  async send(request: OpsgenieRequest): Promise<undefined> {
    const { path, body } = wire(request);
    await this.outbox.write(`POST ${path}`, body);
    return undefined;
  }
}
