import { gunzipSync } from 'node:zlib';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** One event as the HEC event endpoint takes it. */
export interface HecEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
}

export interface FakeSplunkHecOptions {
  token: string;
  /** Indexer acknowledgement on: a request channel is required and answers carry an `ackId`. */
  ack?: boolean;
  /** Ack polls answered `false` before an ackId reads `true` (exercises the polling). Default 1. */
  ackAfterPolls?: number;
}

/**
 * A loopback Splunk HTTP Event Collector: `POST /services/collector/event` with
 * `Authorization: Splunk <token>`, optionally gzip'd, events concatenated; answers as Splunk does
 * (`{"text":"Success","code":0}`, 401/403 for tokens, 400 with `invalid-event-number`, 503 "Server is
 * busy"). With `ack` on, `/services/collector/ack?channel=…` reports ackIds indexed. `down()` /
 * `up()` script an outage; `rejectWhen` refuses matching events as "Invalid data format".
 */
export class FakeSplunkHec extends FakeHttpServer {
  /** Indexed events, in the order they were taken. */
  readonly events: HecEvent[] = [];
  /** The events of each request that was (at least partly) taken, in order. */
  readonly batches: HecEvent[][] = [];
  private unavailable = false;
  private reject?: (event: HecEvent) => boolean;
  private nextAckId = 0;
  private readonly acks = new Map<string, { channel: string; polls: number }>();

  constructor(private readonly options: FakeSplunkHecOptions) {
    super();
    this.route('POST', /^\/services\/collector\/event\/?$/, (request) => this.receive(request));
    this.route('POST', /^\/services\/collector\/ack\/?$/, (request) => this.ack(request));
  }

  /** Every request gets 503 "Server is busy" until `up()`. */
  down(): this {
    this.unavailable = true;
    return this;
  }

  up(): this {
    this.unavailable = false;
    return this;
  }

  /** Refuses matching events with 400 "Invalid data format" (code 6); the events before them are taken. */
  rejectWhen(predicate: (event: HecEvent) => boolean): this {
    this.reject = predicate;
    return this;
  }

  /** The `event` fields of every indexed event, in order. */
  payloads<T = Record<string, unknown>>(): T[] {
    return this.events.map((e) => e.event as T);
  }

  private receive(request: RecordedRequest): FakeReply {
    const denied = this.gate(request);
    if (denied) return denied;
    let text: string;
    try {
      text = request.headers['content-encoding'] === 'gzip' ? gunzipSync(request.raw).toString('utf8') : request.body;
    } catch {
      return { status: 400, body: { text: 'Invalid data format', code: 6 } };
    }
    const parsed = splitConcatenatedJson(text);
    if (parsed === undefined) return { status: 400, body: { text: 'Invalid data format', code: 6 } };
    if (parsed.length === 0) return { status: 400, body: { text: 'No data', code: 5 } };
    const taken: HecEvent[] = [];
    const done = (): void => {
      if (taken.length > 0) {
        this.events.push(...taken);
        this.batches.push(taken);
      }
    };
    for (const [index, item] of parsed.entries()) {
      const refusal = this.refusal(item);
      if (refusal) {
        done();
        return { status: 400, body: { ...refusal, 'invalid-event-number': index } };
      }
      taken.push(item as HecEvent);
    }
    done();
    if (!this.options.ack) return { status: 200, body: { text: 'Success', code: 0 } };
    const ackId = this.nextAckId++;
    this.acks.set(String(ackId), { channel: String(request.headers['x-splunk-request-channel']), polls: 0 });
    return { status: 200, body: { text: 'Success', code: 0, ackId } };
  }

  private ack(request: RecordedRequest): FakeReply {
    const denied = this.gate(request);
    if (denied) return denied;
    if (!this.options.ack) return { status: 400, body: { text: 'ACK is disabled', code: 14 } };
    const channel = request.query.get('channel') ?? String(request.headers['x-splunk-request-channel'] ?? '');
    const ids = (request.json as { acks?: unknown } | undefined)?.acks;
    if (!Array.isArray(ids)) return { status: 400, body: { text: 'Invalid data format', code: 6 } };
    const acks: Record<string, boolean> = {};
    for (const id of ids) {
      const entry = this.acks.get(String(id));
      const ready = entry?.channel === channel && entry.polls >= (this.options.ackAfterPolls ?? 1);
      if (entry) entry.polls += 1;
      acks[String(id)] = ready;
    }
    return { status: 200, body: { acks } };
  }

  private gate(request: RecordedRequest): FakeReply | undefined {
    if (this.unavailable) return { status: 503, body: { text: 'Server is busy', code: 9 } };
    const auth = request.headers.authorization;
    if (!auth) return { status: 401, body: { text: 'Token is required', code: 2 } };
    if (auth !== `Splunk ${this.options.token}`) return { status: 403, body: { text: 'Invalid token', code: 4 } };
    if (this.options.ack && !request.headers['x-splunk-request-channel'] && !request.query.get('channel')) {
      return { status: 400, body: { text: 'Data channel is missing', code: 10 } };
    }
    return undefined;
  }

  private refusal(item: unknown): { text: string; code: number } | undefined {
    if (item === null || typeof item !== 'object' || !('event' in item)) {
      return { text: 'Event field is required', code: 12 };
    }
    const event = (item as HecEvent).event;
    if (event === '' || event === null) return { text: 'Event field cannot be blank', code: 13 };
    if (this.reject?.(item)) return { text: 'Invalid data format', code: 6 };
    return undefined;
  }
}

/** `{…}{…}` or `{…}\n{…}` → the objects; undefined when it is not a run of JSON values. */
function splitConcatenatedJson(text: string): unknown[] | undefined {
  const items: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        try {
          items.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && c !== undefined && !/\s/.test(c)) return undefined;
  }
  return depth === 0 ? items : undefined;
}
