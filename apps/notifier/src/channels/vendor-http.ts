import { type OnApplicationShutdown } from '@nestjs/common';
import { Agent } from 'undici';

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

  constructor(readonly vendor: string) {
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
