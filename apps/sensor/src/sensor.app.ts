import { join } from 'node:path';
import { Logger, type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadTeams } from '@hub/config';
import { createDatabase, type Database, migrated } from '@hub/database';
import { serviceQueues, HubRmqServer } from '@hub/messaging';
import { createHubService } from '@hub/service';
import { bindSensorEventTypes } from './consumers/sensor-bindings.js';
import { loadSensors } from './definitions/sensor-loader.js';
import { checkSensorTeams } from './definitions/sensor-teams.js';
import { SensorEngine } from './incidents/sensor.engine.js';
import { SensorRegistry } from './matching/sensor.registry.js';
import { SENSOR_QUEUE, type SensorConfig } from './sensor.config.js';
import { SensorModule } from './sensor.module.js';

export interface SensorApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  registry: SensorRegistry;
  db: Database;
}

export interface SensorAppOptions {
  /** Nest's logger; `false` silences it. Default: Nest's own. */
  logger?: LoggerService | false;
  /** The queue to consume (default `sensor`); also the idempotency consumer name. */
  queue?: string;
  /** The clock of silences, maintenance windows and approval timeouts (default: the system's). */
  clock?: () => Date;
}

/**
 * Builds the sensor (not yet consuming or listening): loads and validates every sensor of
 * `$HUB_CONFIG_DIR/sensors` first (one bad file fails the start, naming file and path), migrates
 * the database, then wires the bus consumer — bound to the alert and action-result types and to
 * every type a loaded sensor depends on — and the HTTP side (`/healthz`, `/readyz`, `/metrics`).
 */
export async function createSensorApp(config: SensorConfig, options: SensorAppOptions = {}): Promise<SensorApp> {
  const directory = join(config.HUB_CONFIG_DIR, 'sensors');
  const loaded = await loadSensors(directory);
  const teams = await loadTeams(config.HUB_CONFIG_DIR);
  checkSensorTeams(directory, loaded, teams);
  const registry = new SensorRegistry(loaded, { forceDryRun: config.HUB_DRY_RUN, teams });
  const db = await migrated(createDatabase(config.DATABASE_URL).db);
  const queue = options.queue ?? SENSOR_QUEUE;
  const server = new HubRmqServer({
    ...serviceQueues.sensor,
    url: config.AMQP_URL,
    connectionName: 'sensor',
    exchange: config.HUB_EXCHANGE,
    queue,
    prefetch: config.HUB_PREFETCH,
    partitions: config.HUB_PARTITIONS,
    shutdownGraceMs: config.HUB_SHUTDOWN_GRACE,
    retryDelaysMs: config.SENSOR_RETRY_DELAYS_MS,
  });
  const app = await createHubService(
    SensorModule.forRoot({
      config,
      registry,
      db,
      server,
      options: {
        consumer: queue,
        outboxRelayMs: config.SENSOR_OUTBOX_RELAY_MS,
        publishWaitMs: config.SENSOR_PUBLISH_WAIT_MS,
        sweepMs: config.SENSOR_SWEEP_MS,
        configDir: config.HUB_CONFIG_DIR,
        hotReload: config.SENSOR_HOT_RELOAD,
        eventLogRetentionMs: config.SENSOR_EVENT_LOG_RETENTION_DAYS * 86_400_000,
        ...(options.clock ? { clock: options.clock } : {}),
      },
    }),
    { logger: options.logger, server },
  );
  const extra = bindSensorEventTypes(server, registry, app.get(SensorEngine));
  new Logger('Sensors').log({
    msg: `loaded ${registry.sensors.length} sensor(s)`,
    sensors: registry.sensors.map((s) => s.metadata.name),
    extraBindings: extra,
    dryRun: config.HUB_DRY_RUN,
  });
  return { app, server, registry, db };
}
