import { Controller, Get } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { NotReadyError } from '../errors/gateway.errors.js';

/** Probes: liveness says the process runs; readiness says events can be accepted now. */
@Controller()
export class HealthController {
  constructor(private readonly publisher: HubPublisher) {}

  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(): { status: 'ready' } {
    const reason = this.publisher.unavailableReason;
    if (reason !== undefined) throw new NotReadyError(`Not ready to accept events: ${reason}`);
    return { status: 'ready' };
  }
}
