import { OutboxClient, type VendorSender } from '../outbox-client.js';
import { postJson, type VendorHttp } from '../vendor-http.js';
import { type WebhookPayload } from './webhook.payload.js';
import { SIGNATURE_HEADER, signPayload } from './webhook.signature.js';

/** Where webhook payloads go: a receiver's URL, or the outbox. */
export type WebhookSender = VendorSender<WebhookPayload>;

/**
 * POSTs the payload as JSON, signed (`X-Hub-Signature-256: t=…,v1=…`) and with `Idempotency-Key` =
 * the notification's event id, the same on every retry. 2xx is done; 429 and 5xx are retried by the
 * transport's retry tiers (backoff 1 s, 10 s, 60 s by default); any other 4xx is final.
 */
export class WebhookClient implements WebhookSender {
  readonly mode = 'live';

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly http: VendorHttp,
  ) {}

  async send(payload: WebhookPayload): Promise<number> {
    const body = JSON.stringify(payload);
    return postJson(this.http, 'webhook', 'Webhook receiver', this.url, body, {
      headers: {
        'user-agent': 'Hub-Webhook/1',
        'idempotency-key': payload.id,
        [SIGNATURE_HEADER]: signPayload(this.secret, body),
      },
      timeoutMs: this.timeoutMs,
    });
  }
}

/** No webhook URL: each payload goes to `$HUB_DATA_DIR/outbox/webhook.jsonl`. */
export class WebhookOutboxClient extends OutboxClient implements WebhookSender {
  async send(payload: WebhookPayload): Promise<undefined> {
    await this.outbox.write('POST', payload);
    return undefined;
  }
}
