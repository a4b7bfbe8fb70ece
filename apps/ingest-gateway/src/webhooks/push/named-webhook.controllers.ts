import { Controller, Injectable, Options, Param, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { SignedRoute } from '../../auth/ingest-auth.hook.js';
import { PushIngestService } from './push-ingest.service.js';
import { pushRequestOf, sendPushReply } from './push.http.js';
import { WebhookRegistry } from './webhook-registry.js';
import { type WebhookKind } from './webhook.schema.js';

/**
 * The routes of the webhooks named in `config/webhooks/`: `/v1/webhooks/<kind>/{name}`, each signed
 * by its vendor. `@Injectable()` gives the subclasses the constructor's parameter types.
 */
@Injectable()
abstract class NamedWebhookController {
  protected abstract readonly kind: WebhookKind;

  constructor(
    private readonly push: PushIngestService,
    private readonly registry: WebhookRegistry,
  ) {}

  protected async handle(name: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const source = this.registry.source(this.kind, name);
    await sendPushReply(reply, await this.push.receive(source, pushRequestOf(request)));
  }
}

@Controller('v1/webhooks/custom')
export class CustomWebhookController extends NamedWebhookController {
  protected readonly kind = 'custom';

  @Post(':name')
  @SignedRoute()
  receive(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(name, request, reply);
  }
}

@Controller('v1/webhooks/sns')
export class SnsWebhookController extends NamedWebhookController {
  protected readonly kind = 'sns';

  @Post(':name')
  @SignedRoute()
  receive(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(name, request, reply);
  }
}

@Controller('v1/webhooks/eventgrid')
export class EventGridWebhookController extends NamedWebhookController {
  protected readonly kind = 'eventgrid';

  @Post(':name')
  @SignedRoute()
  receive(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(name, request, reply);
  }

  /** The CloudEvents webhook abuse-protection handshake (`WebHook-Request-Origin`). */
  @Options(':name')
  @SignedRoute()
  handshake(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(name, request, reply);
  }
}

@Controller('v1/webhooks/pubsub')
export class PubSubWebhookController extends NamedWebhookController {
  protected readonly kind = 'pubsub';

  @Post(':name')
  @SignedRoute()
  receive(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(name, request, reply);
  }
}
