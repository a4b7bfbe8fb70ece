/**
 * A sensor replica as its own process, for tests of several replicas and of restarts: the real
 * app with the environment the test gives (`SENSOR_QUEUE_NAME` = the test's queue). Prints READY
 * once it consumes.
 */
import { createSensorApp } from '../sensor.app.js';
import { loadSensorConfig } from '../sensor.config.js';

const config = loadSensorConfig();
const sensor = await createSensorApp(config, { logger: false, queue: process.env.SENSOR_QUEUE_NAME });
await sensor.app.init();
await sensor.app.startAllMicroservices();
await sensor.server.waitUntilReady();
process.stdout.write('READY\n');
process.once('SIGTERM', () => {
  void sensor.app.close().then(() => process.exit(0));
});
