import { OutboxClient, type VendorSender } from '../outbox-client.js';
import { postJson, type VendorHttp } from '../vendor-http.js';
import { type PagerDutyEvent } from './pagerduty.event.js';

/** Where PagerDuty events go: the Events API, or the outbox. */
export type PagerDutyEvents = VendorSender<PagerDutyEvent>;

/**
 * `POST /v2/enqueue` of the Events API v2. 202 is done; 429 (PagerDuty's rate limit) and 5xx are
 * retried later; 400 ("invalid event") is final with PagerDuty's errors as the reason.
 */
export class PagerDutyEventsClient implements PagerDutyEvents {
  readonly mode = 'live';

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly http: VendorHttp,
  ) {}

  async send(event: PagerDutyEvent): Promise<number> {
    return postJson(
      this.http,
      'pagerduty',
      `PagerDuty ${event.event_action}`,
      `${this.baseUrl.replace(/\/+$/, '')}/v2/enqueue`,
      JSON.stringify(event),
      { timeoutMs: this.timeoutMs },
    );
  }
}

/** PagerDuty with no routing key: each event goes to `$HUB_DATA_DIR/outbox/pagerduty.jsonl` (key left out). */
export class PagerDutyOutboxClient extends OutboxClient implements PagerDutyEvents {
  async send(event: PagerDutyEvent): Promise<undefined> {
    await this.outbox.write('v2/enqueue', { ...event, routing_key: '(PAGERDUTY_ROUTING_KEY not set)' });
    return undefined;
  }
}
