/**
 * A sensor replica as its own process, for tests of several replicas and of restarts: the real
 * app with the environment the test gives (`SENSOR_QUEUE_NAME` = the test's queue). Prints READY
 * once it consumes. Silent unless `LOG_LEVEL` says otherwise (the harness passes
 * `HUB_TEST_SENSOR_LOG`): then pino lines on stdout, which the harness keeps.
 */
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { createSensorApp } from '../sensor.app.js';
import { loadSensorConfig } from '../sensor.config.js';

const config = loadSensorConfig();
const logger = config.LOG_LEVEL === 'silent' ? false : new PinoNestLogger(createLogger('sensor', config.LOG_LEVEL));
const sensor = await createSensorApp(config, { logger, queue: process.env.SENSOR_QUEUE_NAME });
await sensor.app.init();
await sensor.app.startAllMicroservices();
await sensor.server.waitUntilReady();
process.stdout.write('READY\n');
process.once('SIGTERM', () => {
  void sensor.app.close().then(() => process.exit(0));
});
