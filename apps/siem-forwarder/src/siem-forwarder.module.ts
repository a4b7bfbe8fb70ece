import { type DynamicModule, Module } from '@nestjs/common';
import { BusHealthController, HubRmqServer } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ForwardConsumer } from './forwarding/forward.consumer.js';
import { ForwarderService } from './forwarding/forwarder.service.js';

@Module({})
export class SiemForwarderModule {
  static forRoot(forwarder: ForwarderService, server: HubRmqServer): DynamicModule {
    return {
      module: SiemForwarderModule,
      controllers: [ForwardConsumer, BusHealthController, MetricsController],
      providers: [
        { provide: ForwarderService, useValue: forwarder },
        { provide: HubRmqServer, useValue: server },
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
