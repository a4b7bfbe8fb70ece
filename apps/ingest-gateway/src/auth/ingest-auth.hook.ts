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

/**
 * The read API: routes that show what the hub recorded. They take a read token (`HUB_READ_TOKENS`),
 * never an ingest token — a sender's token must not read every other sender's events.
 */
export const READ_ROUTES: ReadonlySet<string> = new Set(['GET /v1/events', 'GET /v1/incidents/:key']);

/** Who called: the scope of the token and its name (the source of an ingest token). */
export interface Principal {
  readonly scope: 'ingest' | 'read';
  readonly name: string;
}

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
  principal?: Principal;
}

/** The verifiers of both scopes; the read one is open only when the gateway runs open. */
export interface TokenVerifiers {
  readonly ingest: TokenVerifier;
  readonly read: TokenVerifier;
}

function isReadRoute(method: string, url: string): boolean {
  return READ_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${url}`);
}

/** The routes of the gateway and who may call each, as registered (for the start-up log and tests). */
export interface RouteAccess {
  readonly method: string;
  readonly url: string;
  readonly access: 'public' | 'token' | 'read' | 'signature';
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Lets a request in only with `Authorization: Bearer <token>` of a configured ingest token — or, on
 * the {@link READ_ROUTES}, of a read token — unless the route it matched is one of
 * {@link PUBLIC_ROUTES}, and records the token's source name for {@link IngestSource}. The decision is taken on the route Fastify's router matched
 * Lets a request in only with `Authorization: Bearer <token>` of a configured ingest token, unless
 * the route it matched is one of {@link PUBLIC_ROUTES} or a {@link SignedRoute}, and records the token's source name for
 * {@link IngestSource}. The decision is taken on the route Fastify's router matched
 * (`routeOptions.url`, after it decoded and normalised the path), never on the raw URL, so
 * `/%761/events`, `//v1/events` or `/v1/../v1/events` are judged as the route they reach. It runs as
 * Fastify's first hook, before the body is read: a stranger gets 401 (missing or non-Bearer
 * credentials, with `WWW-Authenticate: Bearer`) or 403 (unknown token) without the gateway parsing
 * anything. In open mode everyone is anonymous; with ingest tokens but no read tokens nobody reads.
 *
 * Call it before the routes are registered (before `app.init()`): the returned list fills as they are.
 */
export function registerIngestAuth(fastify: FastifyInstance, verifiers: TokenVerifiers): readonly RouteAccess[] {
  const routes: RouteAccess[] = [];
  fastify.addHook('onRoute', (route) => {
    const config = route.config as HubRouteConfig | undefined;
    const signed = config?.hubAuth === 'signature';
    for (const method of [route.method].flat()) {
      const access = PUBLIC_ROUTES.has(route.url)
        ? 'public'
        : signed
          ? 'signature'
          : isReadRoute(method, route.url)
            ? 'read'
            : 'token';
      routes.push({ method, url: route.url, access });
    }
  });
  fastify.addHook('onRequest', (request: IngestRequest, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return done();
    if (route !== undefined && (request.routeOptions.config as HubRouteConfig).hubAuth === 'signature') return done();
    try {
      if (route !== undefined && isReadRoute(request.method, route)) {
        request.principal = { scope: 'read', name: authenticateReader(verifiers, request.headers.authorization) };
      } else {
        request.ingestSource = authenticate(verifiers.ingest, request.headers.authorization);
        request.principal = { scope: 'ingest', name: request.ingestSource };
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  return routes;
}

function bearerToken(authorization: string | undefined, kind: string): string {
  if (!authorization) {
    throw new MissingCredentialsError(`Authentication required: send "Authorization: Bearer <${kind} token>"`);
  }
  const token = BEARER.exec(authorization)?.[1];
  if (!token) throw new MissingCredentialsError(`The Authorization header must be "Bearer <${kind} token>"`);
  return token;
}

function authenticateReader(verifiers: TokenVerifiers, authorization: string | undefined): string {
  if (verifiers.read.open) return ANONYMOUS_SOURCE;
  const token = bearerToken(authorization, 'read');
  const reader = verifiers.read.sourceOf(token);
  if (reader !== undefined) return reader;
  if (verifiers.ingest.sourceOf(token) !== undefined) {
    throw new UnknownTokenError('An ingest token may not read: this route takes a read token (HUB_READ_TOKENS)');
  }
  throw new UnknownTokenError('The bearer token is not a known read token (HUB_READ_TOKENS)');
}

function authenticate(verifier: TokenVerifier, authorization: string | undefined): string {
  if (verifier.open) return ANONYMOUS_SOURCE;
  const token = bearerToken(authorization, 'ingest');
  const source = verifier.sourceOf(token);
  if (source === undefined) throw new UnknownTokenError('The bearer token is not a known ingest token');
  return source;
}

/** Who is calling (scope and token name), once authenticated; undefined on public routes. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as IngestRequest).principal;
}

/** The source name of the authenticated ingest token (`hubsource` of the events it brings in). */
export const IngestSource = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<IngestRequest>().ingestSource ?? ANONYMOUS_SOURCE,
);
