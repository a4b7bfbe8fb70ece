import { Body, Controller, Headers, HttpCode, Logger, Post } from '@nestjs/common';
import { IngestSource } from '../../auth/ingest-auth.hook.js';
import { UnsupportedMediaTypeError, validate } from '../../errors/gateway.errors.js';
import { JSON_TYPE, mediaTypeOf } from '../../http/content-types.js';
import { type IngestResult, IngestService } from '../../ingest/ingest.service.js';
import { mapAlertmanagerPayload } from './alertmanager.mapper.js';
import { alertmanagerPayloadSchema } from './alertmanager.schema.js';

/** Alertmanager's webhook receiver (`webhook_configs.url`): one hub event per alert. */
@Controller('v1/webhooks/alertmanager')
export class AlertmanagerController {
  private readonly logger = new Logger(AlertmanagerController.name);

  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  async receive(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @IngestSource() source: string,
  ): Promise<IngestResult> {
    if (mediaTypeOf(contentType) !== JSON_TYPE) {
      throw new UnsupportedMediaTypeError(
        `An Alertmanager webhook is ${JSON_TYPE}, not "${contentType ?? '(no content type)'}"`,
      );
    }
    const payload = validate(alertmanagerPayloadSchema, body, 'The Alertmanager webhook payload');
    if (payload.truncatedAlerts > 0) {
      this.logger.warn(
        `Alertmanager receiver "${payload.receiver}" truncated ${payload.truncatedAlerts} alerts (max_alerts)`,
      );
    }
    return this.ingest.ingest(mapAlertmanagerPayload(payload, source));
  }
}
