import { type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type GatewayConfig } from '@hub/config';
import { createLogger, nameServerSpan, PinoNestLogger } from '@hub/telemetry';
import { registerIngestAuth, type RouteAccess } from './auth/ingest-auth.hook.js';
import { ReadTokenVerifier, TokenVerifier } from './auth/token-verifier.js';
import { GatewayModule, type PublisherTuning } from './gateway.module.js';
import { registerContentTypeParsers } from './http/content-types.js';
import { registerJsonDepthLimit } from './http/json-depth.hook.js';
import { registerNulTextGuard } from './http/nul-text.hook.js';
import { registerRateLimit } from './http/rate-limit.js';
import { registerHttpMetrics } from './metrics/http-metrics.js';

/** How often Node looks for requests past `GATEWAY_REQUEST_TIMEOUT_MS` (at most this late they are cut). */
const REQUEST_TIMEOUT_CHECK_MS = 1_000;

export interface GatewayAppOptions {
  /** Nest's logger. Default: pino at `LOG_LEVEL`, trace ids on every line. */
  logger?: LoggerService;
  /** Publisher limits (pending confirms, confirm timeout, heartbeat); the defaults suit production. */
  publisher?: PublisherTuning;
}

/**
 * Builds the gateway on Fastify, initialised but not listening: `main.ts` listens, tests use
 * `app.inject()` or `app.listen(0)`. The publisher starts connecting during `init()` and keeps
 * trying in the background, so the app comes up (not ready) even when the broker is down.
 */
export async function createGatewayApp(
  config: GatewayConfig,
  options: GatewayAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    requestTimeout: config.GATEWAY_REQUEST_TIMEOUT_MS,
    // Given to Node's server at creation too: set only afterwards (as Fastify does), Node 20 cut no
    // request while headersTimeout (60 s) stayed above it. Node looks for expired requests every
    // 30 s by default, which would give a slow client up to 30 s more.
    http: {
      requestTimeout: config.GATEWAY_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(REQUEST_TIMEOUT_CHECK_MS, config.GATEWAY_REQUEST_TIMEOUT_MS),
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config, options.publisher),
    adapter,
    {
      rawBody: true,
      logger: options.logger ?? new PinoNestLogger(createLogger('ingest-gateway', config.LOG_LEVEL)),
      abortOnError: false,
    },
  );
  registerContentTypeParsers(app, config.GATEWAY_BODY_LIMIT);
  registerHttpMetrics(adapter.getInstance());
  // Server spans named after the matched route (`POST /v1/webhooks/alertmanager`), from the first
  // hook: no Nest interceptor, whose rxjs chain every request would pay for.
  adapter.getInstance().addHook('onRequest', (request, _reply, done) => {
    nameServerSpan(request);
    done();
  });
  const routes = registerIngestAuth(adapter.getInstance(), {
    ingest: app.get(TokenVerifier),
    read: app.get(ReadTokenVerifier),
  });
  registerJsonDepthLimit(adapter.getInstance(), config.GATEWAY_MAX_JSON_DEPTH);
  registerNulTextGuard(adapter.getInstance());
  await registerRateLimit(app, { max: config.GATEWAY_RATE_LIMIT, windowMs: config.GATEWAY_RATE_LIMIT_WINDOW });
  await app.init();
  await adapter.getInstance().ready();
  routeTables.set(app, routes);
  return app;
}

const routeTables = new WeakMap<NestFastifyApplication, readonly RouteAccess[]>();

/** Every route of a gateway built by {@link createGatewayApp}, with who may call it. */
export function gatewayRoutes(app: NestFastifyApplication): readonly RouteAccess[] {
  return routeTables.get(app) ?? [];
}
