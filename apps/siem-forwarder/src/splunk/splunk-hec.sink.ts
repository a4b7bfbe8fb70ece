import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type BatchOutcome, type Sink } from '../sinks/sink.js';
import { SinkUnavailableError } from '../sinks/sink.errors.js';
import { type SiemRecord } from '../sinks/siem-record.js';
import { type HecReply, readHecReply, waitForAck } from './hec-ack.js';

const gzipAsync = promisify(gzip);

export interface SplunkHecOptions {
  url: string;
  token: string;
  index?: string;
  sourcetype: string;
  timeoutMs: number;
  ackTimeoutMs: number;
  ackPollMs: number;
}

/** HEC answer codes that refuse the data itself: sending it again cannot help. */
const DATA_ERRORS = new Set([5, 6, 12, 13]);

/**
 * Splunk HTTP Event Collector: a batch is one gzip'd POST of concatenated events to
 * `/services/collector/event` with `Authorization: Splunk <token>` and a request channel. When the
 * HEC has indexer acknowledgement on, its answer carries an `ackId` and the batch counts as taken
 * only once `/services/collector/ack` says it was indexed; otherwise the 200 is the acknowledgement.
 * "Invalid data format" for event N: events before N were taken (Splunk indexes in order), N is
 * refused, the rest is sent again.
 */
export class SplunkHecSink implements Sink {
  readonly name = 'splunk-hec';
  private readonly eventUrl: string;
  private readonly ackUrl: string;
  private readonly channel = randomUUID();
  private readonly host = hostname();

  constructor(private readonly options: SplunkHecOptions) {
    const base = options.url.replace(/\/+$/, '').replace(/\/services\/collector(\/event)?$/, '');
    this.eventUrl = `${base}/services/collector/event`;
    this.ackUrl = `${base}/services/collector/ack?channel=${this.channel}`;
  }

  get target(): string {
    return this.eventUrl;
  }

  async deliver(batch: readonly SiemRecord[]): Promise<BatchOutcome> {
    const rejected = new Map<number, string>();
    let offset = 0;
    while (offset < batch.length) {
      const part = batch.slice(offset);
      const reply = await this.post(part);
      if (reply.status === 200) {
        if (reply.body.ackId !== undefined) await this.waitForAck(reply.body.ackId);
        break;
      }
      const invalid = reply.body['invalid-event-number'];
      if (reply.status === 400 && DATA_ERRORS.has(reply.body.code ?? -1)) {
        const reason = `${reply.body.text ?? 'refused'} (HEC code ${reply.body.code})`;
        if (invalid !== undefined || part.length === 1) {
          rejected.set(offset + (invalid ?? 0), reason);
          offset += (invalid ?? 0) + 1;
          continue;
        }
        // No event number: one at a time tells which records the HEC refuses.
        for (const [index, record] of part.entries()) {
          const single = await this.deliver([record]);
          const refusal = single.rejected.get(0);
          if (refusal !== undefined) rejected.set(offset + index, refusal);
        }
        break;
      }
      throw new SinkUnavailableError(
        this.name,
        `HEC answered ${reply.status}: ${reply.body.text ?? 'no text'} (code ${reply.body.code ?? '?'})`,
        { retryAfterMs: reply.retryAfterMs },
      );
    }
    return { rejected };
  }

  async close(): Promise<void> {
    // Nothing held open: fetch's connection pool closes idle sockets by itself.
  }

  private async post(batch: readonly SiemRecord[]): Promise<HecReply> {
    const body = await gzipAsync(batch.map((record) => JSON.stringify(this.toHecEvent(record))).join('\n'));
    try {
      const response = await fetch(this.eventUrl, {
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return await readHecReply(response);
    } catch (error) {
      throw new SinkUnavailableError(this.name, `cannot reach the HEC: ${describe(error)}`, { cause: error });
    }
  }

  private async waitForAck(ackId: number): Promise<void> {
    await waitForAck({
      url: this.ackUrl,
      ackId,
      headers: this.headers({ 'content-type': 'application/json' }),
      timeoutMs: this.options.ackTimeoutMs,
      pollMs: this.options.ackPollMs,
      requestTimeoutMs: this.options.timeoutMs,
      fail: (message, retryAfterMs) => new SinkUnavailableError(this.name, message, { retryAfterMs }),
    });
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return { authorization: `Splunk ${this.options.token}`, 'x-splunk-request-channel': this.channel, ...extra };
  }

  private toHecEvent({ event, traceId }: SiemRecord): Record<string, unknown> {
    const time = Date.parse(event.time);
    return {
      time: Number.isNaN(time) ? Date.now() / 1000 : time / 1000,
      host: this.host,
      source: event.source,
      sourcetype: this.options.sourcetype,
      ...(this.options.index ? { index: this.options.index } : {}),
      event: { ...(traceId ? { traceId } : {}), ...event },
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
