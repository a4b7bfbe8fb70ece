import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { MissingCredentialsError, UnknownTokenError } from '../errors/gateway.errors.js';
import { ANONYMOUS_SOURCE, type TokenVerifier } from './token-verifier.js';

/** Every ingest route lives below this prefix; probes and metrics stay open. */
export const INGEST_PREFIX = '/v1/';

interface IngestRequest extends FastifyRequest {
  ingestSource?: string;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Lets a request to an ingest route in only with `Authorization: Bearer <token>` of a configured
 * ingest token, and records the token's source name for {@link IngestSource}. It runs as Fastify's
 * first hook, before the body is read: a stranger gets 401 (missing or non-Bearer credentials,
 * with `WWW-Authenticate: Bearer`) or 403 (unknown token) without the gateway parsing anything.
 * In open mode everyone is anonymous.
 */
export function registerIngestAuth(fastify: FastifyInstance, verifier: TokenVerifier): void {
  fastify.addHook('onRequest', (request: IngestRequest, _reply, done) => {
    if (!request.url.startsWith(INGEST_PREFIX)) return done();
    try {
      request.ingestSource = authenticate(verifier, request.headers.authorization);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
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
