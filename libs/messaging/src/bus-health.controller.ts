import { Controller, Get, HttpCode, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import { HubPublisher } from './hub.publisher.js';
import { HubRmqServer } from './hub-rmq.server.js';

interface StatusReply {
  status(code: number): unknown;
}

/**
 * `/healthz` (the process runs) and `/readyz` (consuming from the bus and, when the service also
 * publishes, able to publish) for services whose readiness is their bus connection. Provide the
 * service's `HubRmqServer` (and its `HubPublisher`, if any) under their class tokens.
 */
@Controller()
export class BusHealthController {
  constructor(
    @Inject(HubRmqServer) private readonly server: HubRmqServer,
    @Optional() @Inject(HubPublisher) private readonly publisher?: HubPublisher,
  ) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(@Res({ passthrough: true }) reply: StatusReply): { status: string; reason?: string } {
    const reason = this.server.unavailableReason ?? this.publisher?.unavailableReason;
    if (reason === undefined) return { status: 'ready' };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', reason };
  }
}
