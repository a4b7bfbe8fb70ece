import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { HubPublisher } from '@hub/messaging';
import { SlotRepository } from '../firing/slot.repository.js';

/** `/healthz`: the process runs. `/readyz`: able to publish and the database (where slots are claimed) answers. */
@Controller()
export class HealthController {
  constructor(
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(SlotRepository) private readonly slots: SlotRepository,
  ) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; reason?: string }> {
    const reason =
      this.publisher.unavailableReason ?? ((await this.slots.reachable()) ? undefined : 'the database does not answer');
    if (reason === undefined) return { status: 'ready' };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', reason };
  }
}
