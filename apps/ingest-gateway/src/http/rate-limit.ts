import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { principalOf, PUBLIC_ROUTES } from '../auth/ingest-auth.hook.js';
import { RateLimitedError } from '../errors/gateway.errors.js';

export interface RateLimitOptions {
  /** Requests one caller may make per window; 0 turns the limit off. */
  readonly max: number;
  readonly windowMs: number;
}

/**
 * Who a request counts against: its token (scope and name — every sender with its own token has
 * its own budget, and a read token never eats an ingest token's), else its address (open mode, or
 * a request refused before a token was known).
 */
export function rateLimitKey(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal ? `${principal.scope}:${principal.name}` : `ip:${request.ip}`;
}

/**
 * A per-token request budget (`@fastify/rate-limit`, in memory per replica): over it, 429 with
 * `Retry-After` and nothing is read or published. Registered before the routes (before `init()`). Its hook runs on each route after the global
 * authentication hook, so the token is known; the probes and the scrape are never limited.
 */
export async function registerRateLimit(app: NestFastifyApplication, options: RateLimitOptions): Promise<void> {
  if (options.max === 0) return;
  const settings: RateLimitPluginOptions = {
    global: true,
    max: options.max,
    timeWindow: options.windowMs,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.routeOptions.url !== undefined && PUBLIC_ROUTES.has(request.routeOptions.url),
    errorResponseBuilder: (request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1_000));
      return new RateLimitedError(
        `Too many requests for ${rateLimitKey(request)}: at most ${context.max} per ${context.after}; retry in ${seconds} s`,
        seconds,
      );
    },
  };
  await app.register(rateLimit, settings);
}
