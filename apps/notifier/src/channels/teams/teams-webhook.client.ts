import { parseRetryAfter } from '@hub/contracts';
import { OutboxClient } from '../outbox-client.js';
import { type VendorHttp, type VendorResponse } from '../vendor-http.js';
import { type TeamsMessage } from './teams.card.js';
import { ChannelRateLimitedError, ChannelRejectedError, ChannelUnavailableError } from '../channel.errors.js';

/** No answer from the webhook (a timeout, a dropped connection): the card may have been posted. */
export class TeamsWebhookUnreachableError extends ChannelUnavailableError {}

/** Where Teams cards go: the Workflows webhook, or the outbox. */
export interface TeamsWebhook {
  readonly mode: 'live' | 'outbox';
  /** The outbox file, when cards go there. */
  readonly outboxPath?: string;
  /** Posts the card; resolves to the webhook's HTTP status (none for the outbox). */
  post(message: TeamsMessage): Promise<number | undefined>;
}

/**
 * POSTs to a Teams Workflows webhook over Teams' keep-alive pool (traced by the undici instrumentation as a child
 * of the handler's span). 2xx (Workflows answers 202) is done; 429 and 5xx are retried later
 * (honouring Retry-After); any other 4xx is final, with the webhook's answer as the reason.
 */
export class TeamsWebhookClient implements TeamsWebhook {
  readonly mode = 'live';

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    /** Teams' keep-alive connections, shared by every webhook of the process. */
    private readonly http: VendorHttp,
  ) {}

  async post(message: TeamsMessage): Promise<number> {
    let response: VendorResponse;
    try {
      response = await this.http.fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TeamsWebhookUnreachableError('teams', `Teams webhook unreachable: ${reason}`, { cause: error });
    }
    if (response.ok) return response.status;
    const answer = (await response.text().catch(() => '')).slice(0, 500);
    const reason = `Teams webhook answered ${response.status}${answer ? `: ${answer}` : ''}`;
    if (response.status === 429) {
      throw new ChannelRateLimitedError('teams', reason, parseRetryAfter(response.headers.get('retry-after')) ?? 1_000);
    }
    if (response.status >= 500 || response.status === 408) throw new ChannelUnavailableError('teams', reason);
    throw new ChannelRejectedError('teams', reason);
  }
}

/** Teams when `TEAMS_WEBHOOK_URL` is not set: the exact body goes to `$HUB_DATA_DIR/outbox/teams.jsonl`. */
export class TeamsOutboxClient extends OutboxClient implements TeamsWebhook {
  async post(message: TeamsMessage): Promise<undefined> {
    await this.outbox.write('webhook.post', message);
    return undefined;
  }
}
