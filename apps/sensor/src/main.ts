import { ConfigError, TeamsConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { InvalidSensorsError } from './definitions/sensor.errors.js';
import { createSensorApp } from './sensor.app.js';
import { loadSensorConfig } from './sensor.config.js';

async function main(): Promise<void> {
  const config = loadSensorConfig();
  const logger = new PinoNestLogger(createLogger('sensor', config.LOG_LEVEL));
  const { app, registry } = await createSensorApp(config, { logger });
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  logger.log(
    `sensor: ${registry.sensors.length} sensor(s) from ${config.HUB_CONFIG_DIR}/sensors; health and metrics on :${config.HUB_METRICS_PORT}`,
    'Main',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof InvalidSensorsError || error instanceof TeamsConfigError) {
    process.stderr.write(`sensor: ${error.message}\n`);
  } else {
    process.stderr.write(`sensor failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
