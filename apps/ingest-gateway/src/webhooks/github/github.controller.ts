import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { SignedRoute } from '../../auth/ingest-auth.hook.js';
import { PushIngestService } from '../push/push-ingest.service.js';
import { pushRequestOf, sendPushReply } from '../push/push.http.js';
import { GitHubSource } from './github.source.js';

/** GitHub repository / organisation webhooks: authenticated by `X-Hub-Signature-256`, not an ingest token. */
@Controller('v1/webhooks/github')
export class GitHubWebhookController {
  constructor(
    private readonly push: PushIngestService,
    @Inject(GitHubSource) private readonly source: GitHubSource,
  ) {}

  @Post()
  @SignedRoute()
  async receive(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendPushReply(reply, await this.push.receive(this.source, pushRequestOf(request)));
  }
}
