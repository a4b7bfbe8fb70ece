import { type TeamDirectory } from '@hub/config';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { IngestSource } from '../auth/ingest-auth.hook.js';
import { UnsupportedMediaTypeError, validate, ValidationError } from '../errors/gateway.errors.js';
import { JSON_TYPE, mediaTypeOf } from '../http/content-types.js';
import { MAX_IDEMPOTENCY_KEY, type RequestBody, requestBodySchema } from './request.schema.js';
import { type RequestStatus } from './request-status.js';
import { REQUEST_TEAMS } from './requests.module-tokens.js';
import { type AcceptedRequest, RequestsService } from './requests.service.js';

const LIST_LIMIT = 100;

/**
 * S3 self-service: `POST /v1/requests` takes a provisioning request (202 once the broker confirmed
 * it), `GET /v1/requests/{id}` shows it step by step, `GET /v1/requests` lists the newest. Behind
 * the ingest bearer tokens like every `/v1/` route; the token's source is recorded.
 */
@Controller('v1/requests')
export class RequestsController {
  private readonly schema: ReturnType<typeof requestBodySchema>;

  constructor(
    @Inject(RequestsService) private readonly requests: RequestsService,
    @Inject(REQUEST_TEAMS) teams: TeamDirectory,
  ) {
    this.schema = requestBodySchema(teams);
  }

  @Post()
  @HttpCode(202)
  submit(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @IngestSource() source: string,
  ): Promise<AcceptedRequest> {
    if (mediaTypeOf(contentType) !== JSON_TYPE) {
      throw new UnsupportedMediaTypeError(
        `A provisioning request is ${JSON_TYPE}, not "${contentType ?? '(no content type)'}"`,
      );
    }
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
      throw new ValidationError('The Idempotency-Key header is invalid', [
        { path: 'Idempotency-Key', problem: `must be 1 to ${MAX_IDEMPOTENCY_KEY} characters` },
      ]);
    }
    const request: RequestBody = validate(this.schema, body, 'The provisioning request');
    return this.requests.submit(request, source, idempotencyKey);
  }

  @Get(':id')
  status(@Param('id') id: string): Promise<RequestStatus> {
    return this.requests.status(id);
  }

  @Get()
  list(@Query('status') status?: string, @Query('team') team?: string): Promise<{ requests: RequestStatus[] }> {
    return this.requests.list({ status, team, limit: LIST_LIMIT });
  }
}
