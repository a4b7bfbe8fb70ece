import { ConfigError } from '@hub/config';
import { loadSensorConfig } from './sensor.config.js';

describe(loadSensorConfig.name, () => {
  it('works with no variables at all', () => {
    expect(loadSensorConfig({})).toMatchObject({
      HUB_METRICS_PORT: 9101,
      HUB_CONFIG_DIR: './config',
      HUB_DRY_RUN: false,
      SENSOR_RETRY_DELAYS_MS: [1_000, 10_000, 60_000],
      SENSOR_OUTBOX_RELAY_MS: 30_000,
      SENSOR_PUBLISH_WAIT_MS: 5_000,
    });
  });

  it('reads the dry-run switch and the timing knobs', () => {
    expect(
      loadSensorConfig({ HUB_DRY_RUN: 'yes', SENSOR_RETRY_DELAYS_MS: '200, 500', SENSOR_OUTBOX_RELAY_MS: '300' }),
    ).toMatchObject({ HUB_DRY_RUN: true, SENSOR_RETRY_DELAYS_MS: [200, 500], SENSOR_OUTBOX_RELAY_MS: 300 });
  });

  it('lists every bad variable at once', () => {
    const error = (() => {
      try {
        return loadSensorConfig({ HUB_DRY_RUN: 'maybe', SENSOR_RETRY_DELAYS_MS: '1,-2', HUB_METRICS_PORT: '0' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'HUB_DRY_RUN',
      'HUB_METRICS_PORT',
      'SENSOR_RETRY_DELAYS_MS',
    ]);
  });
});
