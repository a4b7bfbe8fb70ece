import { type OnApplicationShutdown } from '@nestjs/common';
import { Agent } from 'undici';
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

/**
 * One vendor's HTTP connections: a keep-alive pool (undici `Agent`) that every request to the vendor
 * reuses, built once per channel — no TCP or TLS handshake per notification. `fetch` is the global
 * one (so the undici instrumentation traces it as before) with this pool as its dispatcher.
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

  /** `fetch` over this vendor's pool. */
  readonly fetch = (input: string | URL, init: RequestInit = {}): Promise<Response> =>
    fetch(input, { ...init, dispatcher: this.agent });

  /** Closes the pool's connections (on shutdown). */
  async close(): Promise<void> {
    await this.agent.close();
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
  init: RequestInit & { timeoutMs: number },
): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  const send = async (): Promise<Response> => {
    let response: Response;
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
 * resolves to the 2xx status, the answer's body discarded.
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
  await response.body?.cancel();
  return response.status;
}

/** A vendor's non-2xx answer as a channel error (see {@link vendorCall}). */
export async function failureOf(channel: string, what: string, response: Response): Promise<ChannelError> {
  const answer = (await response.text().catch(() => '')).slice(0, 500);
  const reason = `${what} answered ${response.status}${answer ? `: ${answer}` : ''}`;
  if (response.status === 429) {
    return new ChannelRateLimitedError(channel, reason, parseRetryAfter(response.headers.get('retry-after')) ?? 1_000);
  }
  if (response.status >= 500 || response.status === 408) return new ChannelUnavailableError(channel, reason);
  return new ChannelRejectedError(channel, reason);
}
