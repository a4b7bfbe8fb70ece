import { Body, Controller, Headers, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import { type GatewayConfig } from '@hub/config';
import { IngestSource } from '../../auth/ingest-auth.hook.js';
import { BatchTooLargeError, UnsupportedMediaTypeError, validate } from '../../errors/gateway.errors.js';
import { GATEWAY_CONFIG } from '../../gateway.config.js';
import { JSON_TYPE, mediaTypeOf } from '../../http/content-types.js';
import { type IngestResult, IngestService } from '../../ingest/ingest.service.js';
import { mapAlertmanagerPayload } from './alertmanager.mapper.js';
import { alertmanagerPayloadSchema } from './alertmanager.schema.js';

/**
 * Alertmanager's webhook receiver (`webhook_configs.url`): one hub event per alert, at most
 * `GATEWAY_MAX_ALERTS` per webhook (413 above, before anything is published).
 */
@Controller('v1/webhooks/alertmanager')
export class AlertmanagerController {
  private readonly logger = new Logger(AlertmanagerController.name);

  constructor(
    private readonly ingest: IngestService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

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
    const maxAlerts = this.config.GATEWAY_MAX_ALERTS;
    if (payload.alerts.length > maxAlerts) {
      throw new BatchTooLargeError(
        `The webhook holds ${payload.alerts.length} alerts, more than the cap of ${maxAlerts} (GATEWAY_MAX_ALERTS): ` +
          `set max_alerts of the receiver's webhook_config to at most ${maxAlerts}, or raise the cap`,
        { alerts: payload.alerts.length, maxAlerts },
      );
    }
    if (payload.truncatedAlerts > 0) {
      this.logger.warn(
        `Alertmanager receiver "${payload.receiver}" truncated ${payload.truncatedAlerts} alerts (max_alerts)`,
      );
    }
    return this.ingest.ingest(mapAlertmanagerPayload(payload, source));
  }
}
