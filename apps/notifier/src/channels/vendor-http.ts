import { STATUS_CODES } from 'node:http';
import { type OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher, request } from 'undici';
import { parseRetryAfter, VendorCircuitOpenError, VendorRetryPolicy } from '@hub/contracts';
import {
  type ChannelError,
  ChannelRateLimitedError,
  ChannelRejectedError,
  ChannelUnavailableError,
} from './channel.errors.js';

/** Idle connections are kept this long for the next request (vendors close theirs after 60 s or more). */
const KEEP_ALIVE_MS = 30_000;
/** Connections per origin at most: beyond the notifier's prefetch, so a burst never waits for a socket. */
const CONNECTIONS_PER_ORIGIN = 64;

/** What a vendor call sends: the part of `fetch`'s `RequestInit` the channels and `@slack/web-api` use. */
export interface VendorRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** `FormData` is what `@slack/web-api` sends for a file upload; undici writes it as multipart. */
  body?: string | Buffer | FormData;
  /** Accepted for `@slack/web-api`'s sake; redirects are never followed (a 3xx is an answer like any other). */
  redirect?: 'error' | 'follow' | 'manual';
  /** Bounds the whole call, the answer's body included. */
  signal?: AbortSignal;
}

/** A response header by its name, the way `fetch`'s `Headers` reads it. */
export interface VendorHeaders {
  get(name: string): string | null;
  entries(): IterableIterator<[string, string]>;
}

/**
 * A vendor's answer, its body already read: the part of `fetch`'s `Response` the channels and
 * `@slack/web-api` (its `FetchResponse`) read.
 */
export interface VendorResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: VendorHeaders;
  arrayBuffer(): Promise<ArrayBuffer>;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/**
 * One vendor's HTTP connections: a keep-alive pool (undici `Agent`) that every request to the vendor
 * reuses, built once per channel — no TCP or TLS handshake per notification. {@link VendorHttp.fetch}
 * is undici's `request` on this pool behind `fetch`'s shape, without `fetch`'s WHATWG Request, Headers
 * and stream objects (a quarter of the notifier's CPU); the undici instrumentation traces it as it
 * did `fetch`.
 */
export class VendorHttp {
  private readonly agent: Agent;
  /** The vendor's circuit (the hub's vendor retry policy): retries are the transport's retry tiers. */
  readonly circuit: VendorRetryPolicy;

  constructor(readonly vendor: string) {
    this.circuit = new VendorRetryPolicy({ vendor });
    this.agent = new Agent({
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      connections: CONNECTIONS_PER_ORIGIN,
    });
  }

  /**
   * A request over this vendor's pool, resolved once the whole answer is in (vendor answers are small,
   * and a body read at once never holds a pooled connection). Rejects, like `fetch`, only when there
   * is no answer: undici's own error (`code` `ECONNREFUSED`, ...) or the signal's reason.
   */
  readonly fetch = async (input: string | URL, init: VendorRequestInit = {}): Promise<VendorResponse> => {
    const url = String(input);
    const { statusCode, headers, body } = await request(url, {
      // undici checks the method at run time; its type lists only the common ones.
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher: this.agent,
    });
    return new BufferedResponse(url, statusCode, headers, await body.arrayBuffer());
  };

  /** Closes the pool's connections (on shutdown). */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** {@link VendorResponse} over the bytes of an answer read in full. */
class BufferedResponse implements VendorResponse {
  readonly headers: VendorHeaders;

  constructor(
    readonly url: string,
    readonly status: number,
    raw: Record<string, string | string[] | undefined>,
    private readonly bytes: ArrayBuffer,
  ) {
    this.headers = new ResponseHeaders(raw);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get statusText(): string {
    return STATUS_CODES[this.status] ?? '';
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.bytes);
  }

  text(): Promise<string> {
    return Promise.resolve(Buffer.from(this.bytes).toString('utf8'));
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/** undici's parsed headers (lower-case names; a repeated header an array) read as `fetch`'s `Headers`. */
class ResponseHeaders implements VendorHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [name, value] of Object.entries(this.raw)) {
      if (value !== undefined) yield [name, Array.isArray(value) ? value.join(', ') : value];
    }
  }
}

/** The process's vendor pools, one per vendor name, closed together on shutdown. */
export class VendorHttpPools implements OnApplicationShutdown {
  private readonly pools = new Map<string, VendorHttp>();

  /** The pool of `vendor` (made on first use). */
  of(vendor: string): VendorHttp {
    let pool = this.pools.get(vendor);
    if (!pool) {
      pool = new VendorHttp(vendor);
      this.pools.set(vendor, pool);
    }
    return pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}

/** No answer from the vendor (a timeout, a dropped connection): the request may have taken effect. */
export class VendorUnreachableError extends ChannelUnavailableError {}

/**
 * `fetch` with the vendor's failures as channel errors: no answer → {@link VendorUnreachableError};
 * 429 → rate-limited (Retry-After); 5xx and 408 → unavailable; any other non-2xx → rejected, with
 * (the start of) the vendor's answer as the reason. Resolves to the 2xx response. While the
 * vendor's circuit is open (it failed many calls in a row), nothing is sent: unavailable at once.
 */
export async function vendorCall(
  http: VendorHttp,
  channel: string,
  what: string,
  url: string,
  init: Omit<VendorRequestInit, 'signal'> & { timeoutMs: number },
): Promise<VendorResponse> {
  const { timeoutMs, ...rest } = init;
  const send = async (): Promise<VendorResponse> => {
    let response: VendorResponse;
    try {
      response = await http.fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new VendorUnreachableError(channel, `${what} unreachable: ${reason}`, { cause: error });
    }
    if (response.ok) return response;
    throw await failureOf(channel, what, response);
  };
  try {
    return await http.circuit.execute(send);
  } catch (error) {
    if (!(error instanceof VendorCircuitOpenError)) throw error;
    throw new ChannelUnavailableError(channel, `${what} not sent: ${error.message}`, {
      retryAfterMs: error.retryAfterMs,
      cause: error,
    });
  }
}

/**
 * POSTs a JSON body (already serialised: a signature may cover its bytes) through {@link vendorCall};
 * resolves to the 2xx status, the answer's body ignored.
 */
export async function postJson(
  http: VendorHttp,
  channel: string,
  what: string,
  url: string,
  body: string,
  options: { readonly headers?: Record<string, string>; readonly timeoutMs: number },
): Promise<number> {
  const response = await vendorCall(http, channel, what, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body,
    timeoutMs: options.timeoutMs,
  });
  return response.status;
}

/** A vendor's non-2xx answer as a channel error (see {@link vendorCall}). */
export async function failureOf(channel: string, what: string, response: VendorResponse): Promise<ChannelError> {
  const answer = (await response.text().catch(() => '')).slice(0, 500);
  const reason = `${what} answered ${response.status}${answer ? `: ${answer}` : ''}`;
  if (response.status === 429) {
    return new ChannelRateLimitedError(channel, reason, parseRetryAfter(response.headers.get('retry-after')) ?? 1_000);
  }
  if (response.status >= 500 || response.status === 408) return new ChannelUnavailableError(channel, reason);
  return new ChannelRejectedError(channel, reason);
}
