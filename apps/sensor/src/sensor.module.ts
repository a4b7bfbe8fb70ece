import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { sql } from 'kysely';
import { type Database, RetentionSweeper } from '@hub/database';
import { BusHealthController, feedsOf, HubPublisher, HubRmqServer, MessagingModule } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { ActionResultConsumer } from './consumers/action-result.consumer.js';
import { AlertConsumer } from './consumers/alert.consumer.js';
import { DecisionConsumer } from './consumers/decision.consumer.js';
import { ApprovalSweeper } from './approvals/approval.sweeper.js';
import { DecisionHandler } from './decisions/decision.handler.js';
import { SourceEventConsumer } from './consumers/source-event.consumer.js';
import { SensorReloader } from './definitions/sensor-reloader.js';
import { EscalationSweeper } from './incidents/escalation.sweeper.js';
import { IncidentService } from './incidents/incident.service.js';
import { type SensorTables } from './incidents/sensor-database.js';
import { SensorEngine } from './incidents/sensor.engine.js';
import { type SensorRegistry } from './kinds/sensor.registry.js';
import { SensorMetrics } from './metrics/sensor.metrics.js';
import { OutboxRelay } from './outbox/outbox.relay.js';
import { SensorOutbox } from './outbox/sensor.outbox.js';
import { sensorRetentionRules } from './retention/sensor-retention.js';
import { type SensorConfig } from './sensor.config.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, SENSOR_REGISTRY, type SensorOptions } from './sensor.options.js';

/** What the factory builds before Nest: the loaded sensors, the database handle, the transport. */
export interface SensorModuleDeps {
  readonly config: SensorConfig;
  readonly registry: SensorRegistry;
  readonly db: Database;
  readonly server: HubRmqServer;
  readonly options: SensorOptions;
}

/** Reports open incidents to the metrics while the app runs; closes the database pool last. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly unregister: () => void;

  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SensorMetrics) metrics: SensorMetrics,
  ) {
    // An incident entered its state at its last history entry of that state (refires update
    // updated_at without a state change, so updated_at would make a stuck incident look fresh).
    this.unregister = metrics.countOpenIncidentsWith(async () => {
      const { rows } = await sql<{ status: string; count: string; oldest_seconds: number | null }>`
        SELECT i.status, count(*) AS count,
               max(extract(epoch FROM now() - coalesce(h.entered_at, i.updated_at)))::float8 AS oldest_seconds
        FROM incidents i
        LEFT JOIN LATERAL (
          SELECT max(at) AS entered_at FROM incident_history WHERE incident_id = i.id AND status = i.status
        ) h ON true
        WHERE i.resolved_at IS NULL
        GROUP BY i.status`.execute(db);
      return Object.fromEntries(
        rows.map((r) => [r.status, { count: Number(r.count), oldestSeconds: Math.max(0, r.oldest_seconds ?? 0) }]),
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregister();
    await this.db.destroy();
  }
}

@Module({})
export class SensorModule {
  static forRoot({ config, registry, db, server, options }: SensorModuleDeps): DynamicModule {
    return {
      module: SensorModule,
      imports: [
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'sensor-publisher',
          exchange: config.HUB_EXCHANGE,
          partitions: config.HUB_PARTITIONS,
          feeds: feedsOf('sensor'),
        }),
      ],
      controllers: [
        AlertConsumer,
        ActionResultConsumer,
        SourceEventConsumer,
        DecisionConsumer,
        BusHealthController,
        MetricsController,
      ],
      providers: [
        { provide: HubRmqServer, useValue: server },
        { provide: SENSOR_REGISTRY, useValue: registry },
        { provide: SENSOR_DATABASE, useValue: db },
        { provide: SENSOR_OPTIONS, useValue: options },
        { provide: SensorMetrics, useValue: new SensorMetrics() },
        { provide: IncidentService, useFactory: (m: SensorMetrics) => new IncidentService(m), inject: [SensorMetrics] },
        {
          provide: SensorOutbox,
          useFactory: (publisher: HubPublisher) =>
            new SensorOutbox(db.withTables<SensorTables>(), publisher, options.publishWaitMs),
          inject: [HubPublisher],
        },
        SensorEngine,
        OutboxRelay,
        EscalationSweeper,
        ApprovalSweeper,
        DecisionHandler,
        SensorReloader,
        DatabaseLifecycle,
        {
          provide: RetentionSweeper,
          useFactory: () =>
            new RetentionSweeper(db, sensorRetentionRules(config, registry, options.consumer), {
              intervalMs: config.HUB_RETENTION_SWEEP,
              logger: new Logger('Retention'),
            }),
        },
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
