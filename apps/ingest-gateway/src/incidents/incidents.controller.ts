import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { IncidentsService } from './incidents.service.js';
import { type IncidentTimeline } from './incident-timeline.js';

/**
 * `GET /v1/incidents/{key}[?incident=<id>]`: the whole timeline of an incident (state changes,
 * actions, notifications, ticket), secrets redacted. It takes a read token (`HUB_READ_TOKENS`), not an
 * ingest token (the auth hook's `READ_ROUTES`). A key
 * with `/` (`service/checkout`) is sent URL-encoded (`service%2Fcheckout`).
 */
@Controller('v1/incidents')
export class IncidentsController {
  constructor(@Inject(IncidentsService) private readonly incidents: IncidentsService) {}

  @Get(':key')
  timeline(@Param('key') key: string, @Query('incident') incidentId?: string): Promise<IncidentTimeline> {
    return this.incidents.timeline(key, incidentId);
  }
}
