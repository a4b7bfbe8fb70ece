import { join } from 'node:path';
import { type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectHubTransport, HubRmqServer } from '@hub/messaging';
import { AuditLogSink } from './audit/audit-log.sink.js';
import { SIEM_FORWARDER_QUEUE, type SiemForwarderConfig } from './siem-forwarder.config.js';
import { SiemForwarderModule } from './siem-forwarder.module.js';

export interface SiemForwarderApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  sink: AuditLogSink;
}

/** Builds the SIEM forwarder (not yet listening): its bus consumer and its HTTP side. */
export async function createSiemForwarderApp(
  config: SiemForwarderConfig,
  options: { logger?: LoggerService | false; queue?: string } = {},
): Promise<SiemForwarderApp> {
  const sink = new AuditLogSink(join(config.HUB_DATA_DIR, 'audit', 'audit.jsonl'));
  await sink.open();
  const server = new HubRmqServer({
    url: config.AMQP_URL,
    connectionName: 'siem-forwarder',
    exchange: config.HUB_EXCHANGE,
    queue: options.queue ?? SIEM_FORWARDER_QUEUE,
    prefetch: config.HUB_PREFETCH,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    SiemForwarderModule.forRoot(sink, server),
    new FastifyAdapter(),
    { logger: options.logger ?? undefined },
  );
  connectHubTransport(app, server);
  app.enableShutdownHooks();
  return { app, server, sink };
}
