import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { HubPublisher, HubRmqServer } from '@hub/messaging';

/** `/healthz`: the process runs. `/readyz`: consuming from the bus and able to publish. */
@Controller()
export class HealthController {
  constructor(
    @Inject(HubRmqServer) private readonly server: HubRmqServer,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
  ) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(@Res({ passthrough: true }) reply: FastifyReply): { status: string; reason?: string } {
    const reason = !this.server.ready ? 'not consuming from the broker' : this.publisher.unavailableReason;
    if (reason === undefined) return { status: 'ready' };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', reason };
  }
}
