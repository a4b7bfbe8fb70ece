import { runMain } from '@hub/service';
import { createSensorApp } from './sensor.app.js';
import { loadSensorConfig } from './sensor.config.js';

await runMain('sensor', {
  loadConfig: () => loadSensorConfig(),
  create: createSensorApp,
  describe: ({ registry }, config) =>
    `sensor: ${registry.sensors.length} sensor(s) from ${config.HUB_CONFIG_DIR}/sensors; ` +
    `health and metrics on :${config.HUB_METRICS_PORT}`,
});
