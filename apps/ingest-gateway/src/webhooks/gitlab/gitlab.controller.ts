import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { SignedRoute } from '../../auth/ingest-auth.hook.js';
import { PushIngestService } from '../push/push-ingest.service.js';
import { pushRequestOf, sendPushReply } from '../push/push.http.js';
import { GitLabSource } from './gitlab.source.js';

/** GitLab project / group webhooks: authenticated by `X-Gitlab-Token`, not an ingest token. */
@Controller('v1/webhooks/gitlab')
export class GitLabWebhookController {
  constructor(
    private readonly push: PushIngestService,
    @Inject(GitLabSource) private readonly source: GitLabSource,
  ) {}

  @Post()
  @SignedRoute()
  async receive(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await sendPushReply(reply, await this.push.receive(this.source, pushRequestOf(request)));
  }
}
