import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { IngestSource } from '../../auth/ingest-auth.hook.js';
import { UnsupportedMediaTypeError, validate } from '../../errors/gateway.errors.js';
import { JSON_TYPE, mediaTypeOf } from '../../http/content-types.js';
import { type IngestResult, IngestService } from '../../ingest/ingest.service.js';
import { mapArgoCdNotification } from './argocd.mapper.js';
import { argoCdNotificationSchema } from './argocd.schema.js';

/** Argo CD notifications' webhook service (S5): one `deployment.completed|failed` per notification. */
@Controller('v1/webhooks/argocd')
export class ArgoCdWebhookController {
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
        `An Argo CD notification is ${JSON_TYPE}, not "${contentType ?? '(no content type)'}"`,
      );
    }
    const notification = validate(argoCdNotificationSchema, body, 'The Argo CD notification');
    return this.ingest.ingest([mapArgoCdNotification(notification, source)]);
  }
}
