import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { MissingCredentialsError, UnknownTokenError } from '../errors/gateway.errors.js';
import { ANONYMOUS_SOURCE, TokenVerifier } from './token-verifier.js';

interface IngestRequest extends FastifyRequest {
  ingestSource?: string;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Lets a request in only with `Authorization: Bearer <token>` of a configured ingest token, and
 * records the token's source name for {@link IngestSource}. Missing or non-Bearer credentials are
 * 401 (with `WWW-Authenticate: Bearer`), an unknown token 403. In open mode everyone is anonymous.
 */
@Injectable()
export class IngestAuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    request.ingestSource = this.authenticate(request.headers.authorization);
    return true;
  }

  private authenticate(authorization: string | undefined): string {
    if (this.verifier.open) return ANONYMOUS_SOURCE;
    if (!authorization) {
      throw new MissingCredentialsError('Authentication required: send "Authorization: Bearer <ingest token>"');
    }
    const token = BEARER.exec(authorization)?.[1];
    if (!token) {
      throw new MissingCredentialsError('The Authorization header must be "Bearer <ingest token>"');
    }
    const source = this.verifier.sourceOf(token);
    if (source === undefined) throw new UnknownTokenError('The bearer token is not a known ingest token');
    return source;
  }
}

/** The source name of the authenticated ingest token (`hubsource` of the events it brings in). */
export const IngestSource = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<IngestRequest>().ingestSource ?? ANONYMOUS_SOURCE,
);
