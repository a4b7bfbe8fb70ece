import { type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redactor } from '@hub/contracts';
import { serviceQueues, HubRmqServer } from '@hub/messaging';
import { createHubService } from '@hub/service';
import { type AuditLogSink } from './audit/audit-log.sink.js';
import { ForwarderService } from './forwarding/forwarder.service.js';
import { SinkQueue } from './forwarding/sink-queue.js';
import { SiemMetrics } from './metrics/siem.metrics.js';
import { createSinks } from './sinks/sinks.factory.js';
import { type Sink } from './sinks/sink.js';
import { SIEM_FORWARDER_QUEUE, type SiemForwarderConfig } from './siem-forwarder.config.js';
import { SiemForwarderModule } from './siem-forwarder.module.js';

export interface SiemForwarderApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  /** The local audit log (always on). */
  sink: AuditLogSink;
  sinks: Sink[];
  forwarder: ForwarderService;
}

/** Builds the SIEM forwarder (not yet listening): its sinks, its bus consumer and its HTTP side. */
export async function createSiemForwarderApp(
  config: SiemForwarderConfig,
  options: { logger?: LoggerService | false; queue?: string } = {},
): Promise<SiemForwarderApp> {
  const { audit, all } = await createSinks(config);
  const metrics = new SiemMetrics();
  const queues = all.map(
    (sink) =>
      new SinkQueue(
        sink,
        {
          batchSize: config.SIEM_BATCH_SIZE,
          batchWaitMs: config.SIEM_BATCH_WAIT_MS,
          retryInitialMs: config.SIEM_RETRY_INITIAL_MS,
          retryMaxMs: config.SIEM_RETRY_MAX_MS,
        },
        metrics,
      ),
  );
  const forwarder = new ForwarderService(
    queues,
    new Redactor([...config.SIEM_REDACT_KEYS, ...config.SIEM_REDACT_EXTRA_KEYS]),
  );
  audit.onCheckpoint = (checkpoint) => forwarder.forwardCheckpoint(checkpoint, audit.name);
  const server = new HubRmqServer({
    ...serviceQueues['siem-forwarder'],
    url: config.AMQP_URL,
    connectionName: 'siem-forwarder',
    exchange: config.HUB_EXCHANGE,
    queue: options.queue ?? SIEM_FORWARDER_QUEUE,
    prefetch: config.HUB_PREFETCH,
    shutdownGraceMs: config.HUB_SHUTDOWN_GRACE,
    // It records every event and obeys none: a forged command belongs in the audit trail, not parked.
    checkIssuers: false,
  });
  const app = await createHubService(SiemForwarderModule.forRoot(forwarder, server), {
    logger: options.logger,
    server,
  });
  return { app, server, sink: audit, sinks: all, forwarder };
}
