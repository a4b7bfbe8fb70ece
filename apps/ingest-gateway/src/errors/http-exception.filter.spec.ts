import { Logger, NotFoundException } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import {
  BrokerBlockedError,
  BrokerUnavailableError,
  PublishNackedError,
  PublishOverloadError,
  PublishTimeoutError,
  UnroutableError,
} from '@hub/messaging';
import { MissingCredentialsError, UnknownTokenError, ValidationError } from './gateway.errors.js';
import { HttpExceptionFilter } from './http-exception.filter.js';

describe(HttpExceptionFilter.name, () => {
  const sut = new HttpExceptionFilter();
  const request = { headers: { 'content-type': 'application/xml' }, routeOptions: { bodyLimit: 1024 } };
  const respond = (error: unknown) => sut.toResponse(error, request as unknown as FastifyRequest);

  beforeAll(() => Logger.overrideLogger(false));

  it.each([
    new BrokerUnavailableError('not connected to the broker'),
    new BrokerBlockedError('the broker blocks publishing: low on disk'),
    new PublishOverloadError('1000 publishes already await a confirm'),
    new PublishNackedError('the broker refused the message'),
    new PublishTimeoutError('no confirm within 10000 ms'),
  ])('answers $code with 503 and Retry-After', (error) => {
    expect(respond(error)).toMatchObject({
      status: 503,
      code: error.code,
      message: expect.stringContaining(error.message),
      headers: { 'retry-after': '5' },
    });
  });

  it('answers an unroutable publish with 500: retrying cannot help', () => {
    expect(respond(new UnroutableError('no queue took the message'))).toMatchObject({
      status: 500,
      code: 'UNROUTABLE',
    });
  });

  it('maps the gateway errors by code, with the details and headers each needs', () => {
    expect(respond(new MissingCredentialsError('no token'))).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': expect.stringMatching(/^Bearer/) },
    });
    expect(respond(new UnknownTokenError('unknown'))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const problems = [{ path: 'alerts.0.status', problem: 'must be "firing" or "resolved"' }];
    expect(respond(new ValidationError('invalid', problems))).toMatchObject({ status: 422, details: problems });
  });

  it('turns Fastify errors into the same format', () => {
    const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });
    expect(respond(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))).toMatchObject({
      status: 415,
      message: expect.stringContaining('application/xml'),
    });
    expect(respond(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toMatchObject({
      status: 413,
      message: expect.stringContaining('1024 bytes'),
    });
    expect(respond(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400))).toMatchObject({
      status: 400,
      code: 'INVALID_JSON',
    });
    expect(respond(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('hides unexpected errors behind a 500', () => {
    expect(respond(new TypeError('x is undefined'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: expect.not.stringContaining('undefined'),
    });
  });
});
