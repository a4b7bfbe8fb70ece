import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { MissingCredentialsError, UnknownTokenError } from '../errors/gateway.errors.js';
import { ANONYMOUS_SOURCE, type TokenVerifier } from './token-verifier.js';

/**
 * The only routes anyone may call without a token: the probes and the Prometheus scrape. Every
 * other route — those of today, those added later, and URLs that match no route at all — needs one.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** Fastify route config a signed route carries (set by {@link SignedRoute}). */
interface HubRouteConfig {
  readonly hubAuth?: 'signature';
}

/**
 * Marks a route as authenticated by its own signature (GitHub's HMAC, an SNS certificate, a Pub/Sub
 * OIDC token, …) instead of an ingest token: the hook lets it through, and its handler must verify
 * the signature before it does anything else (the push sources do, in `PushIngestService`).
 */
export const SignedRoute = (): MethodDecorator => RouteConfig({ hubAuth: 'signature' } satisfies HubRouteConfig);

interface IngestRequest extends FastifyRequest {
  ingestSource?: string;
}

/** The routes of the gateway and who may call each, as registered (for the start-up log and tests). */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: 'public' | 'token' | 'signature';
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Lets a request in only with `Authorization: Bearer <token>` of a configured ingest token, unless
 * the route it matched is one of {@link PUBLIC_ROUTES} or a {@link SignedRoute}, and records the token's source name for
 * {@link IngestSource}. The decision is taken on the route Fastify's router matched
 * (`routeOptions.url`, after it decoded and normalised the path), never on the raw URL, so
 * `/%761/events`, `//v1/events` or `/v1/../v1/events` are judged as the route they reach. It runs as
 * Fastify's first hook, before the body is read: a stranger gets 401 (missing or non-Bearer
 * credentials, with `WWW-Authenticate: Bearer`) or 403 (unknown token) without the gateway parsing
 * anything. In open mode everyone is anonymous.
 *
 * Call it before the routes are registered (before `app.init()`): the returned list fills as they are.
 */
export function registerIngestAuth(fastify: FastifyInstance, verifier: TokenVerifier): readonly RouteAccess[] {
  const routes: RouteAccess[] = [];
  fastify.addHook('onRoute', (route) => {
    const config: HubRouteConfig | undefined = route.config;
    const signed = config?.hubAuth === 'signature';
    const access = PUBLIC_ROUTES.has(route.url) ? 'public' : signed ? 'signature' : 'token';
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access });
  });
  fastify.addHook('onRequest', (request: IngestRequest, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return done();
    if (route !== undefined && (request.routeOptions.config as HubRouteConfig).hubAuth === 'signature') return done();
    try {
      request.ingestSource = authenticate(verifier, request.headers.authorization);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  return routes;
}

function authenticate(verifier: TokenVerifier, authorization: string | undefined): string {
  if (verifier.open) return ANONYMOUS_SOURCE;
  if (!authorization) {
    throw new MissingCredentialsError('Authentication required: send "Authorization: Bearer <ingest token>"');
  }
  const token = BEARER.exec(authorization)?.[1];
  if (!token) {
    throw new MissingCredentialsError('The Authorization header must be "Bearer <ingest token>"');
  }
  const source = verifier.sourceOf(token);
  if (source === undefined) throw new UnknownTokenError('The bearer token is not a known ingest token');
  return source;
}

/** The source name of the authenticated ingest token (`hubsource` of the events it brings in). */
export const IngestSource = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<IngestRequest>().ingestSource ?? ANONYMOUS_SOURCE,
);
