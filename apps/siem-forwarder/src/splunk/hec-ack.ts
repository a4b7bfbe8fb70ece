import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfter } from '@hub/contracts';

/** The JSON every HEC endpoint answers with (`{"text":"Success","code":0,"ackId":7}`). */
export interface HecReplyBody {
  text?: string;
  code?: number;
  ackId?: number;
  'invalid-event-number'?: number;
  acks?: Record<string, boolean>;
}

export interface HecReply {
  status: number;
  body: HecReplyBody;
  retryAfterMs?: number;
}

export async function readHecReply(response: Response): Promise<HecReply> {
  const text = await response.text();
  let body: HecReplyBody = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as HecReplyBody);
  } catch {
    body = { text: text.slice(0, 200) };
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return { status: response.status, body, ...(retryAfterMs ? { retryAfterMs } : {}) };
}

export interface AckWait {
  url: string;
  ackId: number;
  headers: Record<string, string>;
  timeoutMs: number;
  pollMs: number;
  requestTimeoutMs: number;
  fail: (message: string, retryAfterMs?: number) => Error;
}

/**
 * Polls the HEC's indexer-acknowledgement endpoint until `ackId` is reported indexed. No answer in
 * `timeoutMs` (the indexer lost it, or the HEC restarted and forgot the channel) → `fail`, and the
 * batch is sent again: a possible duplicate, never a loss.
 */
export async function waitForAck(wait: AckWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  while (Date.now() < deadline) {
    let reply: HecReply;
    try {
      const response = await fetch(wait.url, {
        method: 'POST',
        headers: wait.headers,
        body: JSON.stringify({ acks: [wait.ackId] }),
        signal: AbortSignal.timeout(wait.requestTimeoutMs),
      });
      reply = await readHecReply(response);
    } catch (error) {
      throw wait.fail(`cannot reach the HEC ack endpoint: ${String(error)}`);
    }
    if (reply.status !== 200) {
      throw wait.fail(`HEC ack endpoint answered ${reply.status}: ${reply.body.text ?? ''}`, reply.retryAfterMs);
    }
    if (reply.body.acks?.[String(wait.ackId)] === true) return;
    await sleep(wait.pollMs);
  }
  throw wait.fail(`no indexer acknowledgement for ackId ${wait.ackId} within ${wait.timeoutMs} ms`);
}
