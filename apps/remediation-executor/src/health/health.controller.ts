import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { HubPublisher, HubRmqServer } from '@hub/messaging';
import { ExecutorDatabase } from '../database/executor.database.js';

/** `/healthz`: the process runs. `/readyz`: consuming, able to publish results, database reachable. */
@Controller()
export class HealthController {
  constructor(
    @Inject(HubRmqServer) private readonly server: HubRmqServer,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(ExecutorDatabase) private readonly database: ExecutorDatabase,
  ) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; reason?: string }> {
    const reason = !this.server.ready
      ? 'not consuming from the broker'
      : this.publisher.unavailableReason !== undefined
        ? `cannot publish results: ${this.publisher.unavailableReason}`
        : !(await this.database.reachable())
          ? 'the database does not answer'
          : undefined;
    if (reason === undefined) return { status: 'ready' };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', reason };
  }
}
