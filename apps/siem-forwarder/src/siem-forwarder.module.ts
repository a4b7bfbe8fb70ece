import { type DynamicModule, Module } from '@nestjs/common';
import { BusHealthController, HubRmqServer } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditLogSink } from './audit/audit-log.sink.js';
import { AuditConsumer } from './audit/audit.consumer.js';

@Module({})
export class SiemForwarderModule {
  static forRoot(sink: AuditLogSink, server: HubRmqServer): DynamicModule {
    return {
      module: SiemForwarderModule,
      controllers: [AuditConsumer, BusHealthController, MetricsController],
      providers: [
        { provide: AuditLogSink, useValue: sink },
        { provide: HubRmqServer, useValue: server },
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
