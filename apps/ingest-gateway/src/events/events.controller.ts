import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type GatewayConfig } from '@hub/config';
import { EventTypePolicy } from '../auth/event-type.policy.js';
import { IngestSource } from '../auth/ingest-auth.hook.js';
import { GATEWAY_CONFIG } from '../gateway.config.js';
import { type IngestResult, IngestService } from '../ingest/ingest.service.js';
import { parseCloudEvents } from './cloud-event.parser.js';

/** CloudEvents over HTTP, in structured, batch or binary mode: every external event of the catalog. */
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly ingest: IngestService,
    private readonly types: EventTypePolicy,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @HttpCode(202)
  async receive(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @IngestSource() source: string,
  ): Promise<IngestResult> {
    const events = parseCloudEvents(
      { headers: request.headers, body },
      { hubsource: source, acceptExternal: this.config.HUB_ACCEPT_EXTERNAL_EVENTS === 'true', types: this.types },
    );
    return this.ingest.ingest(events);
  }
}
