import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { HubRmqServer } from '@hub/messaging';

/** `/healthz`: the process runs. `/readyz`: consuming from the bus. */
@Controller()
export class HealthController {
  constructor(@Inject(HubRmqServer) private readonly server: HubRmqServer) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(@Res({ passthrough: true }) reply: FastifyReply): { status: string; reason?: string } {
    if (this.server.ready) return { status: 'ready' };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', reason: 'not consuming from the broker' };
  }
}
