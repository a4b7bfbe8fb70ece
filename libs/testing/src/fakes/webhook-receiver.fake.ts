import { createHmac, timingSafeEqual } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/**
 * A loopback receiver of the hub's outbound webhook that does what docs/notifications.md tells a
 * receiver to do: check `X-Hub-Signature-256` (`t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<raw body>`
 * under the shared secret, timestamp within 5 minutes) — 401 otherwise — and keep the first payload
 * of each `Idempotency-Key`, answering a repeat 200 without keeping it again.
 */
export class FakeWebhookReceiver extends FakeHttpServer {
  /** Payloads kept, by idempotency key, in order of arrival. */
  readonly delivered = new Map<string, unknown>();
  /** Every signed, accepted POST per key (a count above 1 is a repeat the key absorbed). */
  readonly posts = new Map<string, number>();
  /** Requests refused for their signature. */
  readonly refused: RecordedRequest[] = [];

  constructor(
    readonly secret: string,
    readonly path = '/hooks/hub',
  ) {
    super();
    this.route('POST', new RegExp(`^${path}$`), (request) => this.receive(request));
  }

  get hookUrl(): string {
    return `${this.url}${this.path}`;
  }

  private receive(request: RecordedRequest): FakeReply {
    if (!this.verified(request)) {
      this.refused.push(request);
      return { status: 401, body: { error: 'bad signature' } };
    }
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return { status: 400, body: { error: 'Idempotency-Key missing' } };
    this.posts.set(key, (this.posts.get(key) ?? 0) + 1);
    if (!this.delivered.has(key)) this.delivered.set(key, request.json);
    return { status: 200, body: { ok: true } };
  }

  private verified(request: RecordedRequest): boolean {
    const header = request.headers['x-hub-signature-256'];
    const match = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
    if (!match) return false;
    const [, t, v1] = match;
    if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
    const expected = createHmac('sha256', this.secret).update(`${t}.`).update(request.raw).digest();
    return timingSafeEqual(expected, Buffer.from(v1!, 'hex'));
  }
}
